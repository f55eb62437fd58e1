/**
 * Gemini Live as a Chorus realtime model: `BidiGenerateContent` over WebSocket, with session
 * resumption, transparent connection renewal, bounded input buffering and keepalive.
 *
 * @packageDocumentation
 */
export { type CloseVerdict, classifyClose, classifyHttpRefusal } from './close-verdict.js';
export { GeminiEventMapper } from './event-mapper.js';
export type { GeminiRealtimeModelOptions } from './gemini-options.js';
export { GeminiRealtimeModel } from './gemini-realtime-model.js';
export { turnsFromHistory } from './history-replay.js';
export { buildSetup, type SetupSettings } from './setup-message.js';
export { functionDeclarationOf, geminiSchemaFromJsonSchema, type ToolSchemaField } from './tool-schema.js';
export type { GeminiTransport, GeminiTransportFactory, GeminiTransportHandlers } from './transport.js';
export { wsTransport } from './transport.js';

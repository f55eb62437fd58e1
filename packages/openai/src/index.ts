export { ConversationLog } from './conversation-log.js';
export {
  classifyClose,
  classifyHttpStatus,
  classifyProviderError,
  type ErrorSeverity,
} from './error-classification.js';
export { KeepAlive } from './keep-alive.js';
export { OpenAIRealtimeModel, type OpenAIRealtimeOptions, openaiDialect } from './openai-realtime-model.js';
export { openaiSession, openaiTurnDetection, openaiWireFormat } from './openai-session.js';
export { type MapperHooks, ProviderEventMapper } from './provider-event-mapper.js';
export { type Link, type LinkHandlers, openSession, sendWire } from './session-handshake.js';
export { type SocketModelTiming, SocketRealtimeModel } from './socket-realtime-model.js';
export type { WireDialect, WireJson } from './wire-dialect.js';
export { toWireItem } from './wire-items.js';

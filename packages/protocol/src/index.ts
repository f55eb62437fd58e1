/** Version of the Chorus wire protocol described by this package. */
export const PROTOCOL_VERSION = 1;

export {
  agentAudioDeltaOf,
  agentAudioDeltaWith,
  audioDeltaBytes,
  audioDeltaJson,
  modelAudioDeltaFromBytes,
  relayedAudioAppend,
} from './audio-delta-bytes.js';
export * from './audio-format.js';
export { base64ByteLength, isBase64 } from './base64.js';
export { clientAudioBytes, parseClientAudioBytes } from './client-audio-bytes.js';
export * from './client-events.js';
export * from './content-blocks.js';
export * from './error-codes.js';
export * from './errors.js';
export * from './history-items.js';
export * from './image-format.js';
export { checkJsonShape, type JsonShapeProblem } from './json-shape.js';
export * from './limits.js';
export * from './model-events.js';
export {
  formatPath,
  type ParseOptions,
  parseClientEvent,
  parseModelEvent,
  parseServerEvent,
} from './parse.js';
export {
  RESPONSE_STATUSES,
  type ToolResultBlock,
  type ToolUse,
  type ToolUseBlock,
  toolResultBlockSchema,
  toolUseBlockSchema,
  toolUseSchema,
} from './response-shapes.js';
export { serializeEvent } from './serialize.js';
export * from './server-events.js';

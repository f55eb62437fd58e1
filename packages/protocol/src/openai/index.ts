/**
 * OpenAI Realtime (GA, with the beta dialect accepted and convertible): zod schemas and types for
 * every client and server event, the session, items and responses, and never-throwing parsers.
 *
 * @packageDocumentation
 */
export { type OpenAIAudioDeltaFrame, readOpenAIAudioDelta } from './audio-delta-frame.js';
export {
  betaServerEventType,
  clientEventToBeta,
  gaServerEventType,
  isBetaSession,
  itemFromBeta,
  itemToBeta,
  type NormalizedEvent,
  normalizeClientEvent,
  normalizeServerEvent,
  OPENAI_BETA_SERVER_EVENT_ALIASES,
  serverEventToBeta,
  sessionFromBeta,
  sessionToBeta,
} from './beta.js';
export * from './client-events.js';
export * from './items.js';
export { parseOpenAIClientEvent, parseOpenAIServerEvent } from './parse.js';
export {
  type DecodedFrame,
  decodeFrame,
  errorFromZod,
  joinPath,
  type ProviderParseError,
  type ProviderParseIssue,
  type ProviderParseResult,
  type UnknownProviderEvent,
} from './parse-result.js';
export * from './server-events.js';
export * from './session.js';
export * from './shared.js';

// `@chorus/openai/socket`, for adapters of providers that speak OpenAI Realtime's event names over
// a WebSocket with their own URL, headers, session shape and quirks (a `WireDialect`).

export { openaiDialect } from './openai-realtime-model.js';
export { type SocketModelTiming, SocketRealtimeModel } from './socket-realtime-model.js';
export type { WireDialect, WireJson } from './wire-dialect.js';

// `@chorus/openai`: OpenAI Realtime as a Chorus `RealtimeModel`. Adapters for other providers that
// speak OpenAI's event names (DashScope) build on `@chorus/openai/socket`. The socket's helpers
// (keep-alive, handshake, event mapping, error classification) are internal.

export { OpenAIRealtimeModel, type OpenAIRealtimeOptions } from './openai-realtime-model.js';

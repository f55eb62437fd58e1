/**
 * Gemini Live (`BidiGenerateContent`) wire messages: zod schemas, types, and never-throwing parsers
 * for both directions. Objects are loose: unknown fields are kept, so newer protocol versions flow
 * through instead of failing.
 *
 * @packageDocumentation
 */
export * from './client-messages.js';
export * from './content.js';
export { geminiDuration, geminiDurationMs } from './duration.js';
export {
  type GeminiFrame,
  type GeminiParseError,
  type GeminiParseResult,
  parseGeminiClientMessage,
  parseGeminiServerMessage,
} from './parse.js';
export * from './server-messages.js';

/** The Gemini Live WebSocket endpoint; append `?key=<API key>`. */
export const GEMINI_LIVE_URL =
  'wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';

/** Gemini Live takes 16 kHz PCM16 in and gives 24 kHz PCM16 out. */
export const GEMINI_INPUT_AUDIO_MIME = 'audio/pcm;rate=16000';
export const GEMINI_OUTPUT_AUDIO_MIME = 'audio/pcm;rate=24000';

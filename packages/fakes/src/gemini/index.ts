export { FAKE_GEMINI_LIVE_MODELS, type FakeGeminiModel, modelNotFoundReason } from './fake-gemini-models.js';
export { FAKE_GEMINI_PATH, FakeGeminiServer } from './fake-gemini-server.js';
export type { FakeGeminiSession } from './fake-gemini-session.js';
export type {
  FakeGeminiConnectionInfo,
  FakeGeminiFault,
  FakeGeminiReceived,
  FakeGeminiSent,
  FakeGeminiServerOptions,
  FakeGeminiTurn,
} from './fake-gemini-types.js';
export {
  type GeminiRecordedFrame,
  type GeminiRecording,
  geminiRecordingsDirectory,
  parseGeminiRecording,
  readGeminiRecordings,
  recordedExchanges,
} from './recording.js';

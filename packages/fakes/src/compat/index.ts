export { FakeCompatServer } from './fake-compat-server.js';
export { type FormPart, multipartBoundary, parseMultipart } from './multipart.js';
export type {
  CompatChatMessage,
  CompatChatReply,
  CompatChatRequest,
  CompatSpeechRequest,
  CompatTranscriptionRequest,
  FakeCompatOptions,
} from './types.js';

import { FakeCompatServer } from './fake-compat-server.js';
import type { FakeCompatOptions } from './types.js';

/**
 * Starts a fake OpenAI-compatible HTTP server (chat completions with SSE and tool calls, audio
 * transcriptions, audio speech) on `http://127.0.0.1:<port>`. Close it with `close()`.
 */
export function startFakeCompatServer(options: FakeCompatOptions = {}): Promise<FakeCompatServer> {
  return FakeCompatServer.start(options);
}

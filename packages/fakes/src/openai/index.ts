import { FakeRealtimeServer } from './fake-realtime-server.js';
import { openaiDialect } from './openai-dialect.js';
import type { FakeServerOptions } from './types.js';

export type { FakeConnection } from './fake-connection.js';
export { FakeRealtimeServer } from './fake-realtime-server.js';
export type {
  FakeFault,
  FakeFrame,
  FakeResponseRequest,
  FakeResponseScript,
  FakeServerOptions,
  FakeToolCall,
} from './types.js';

/**
 * Starts a fake OpenAI Realtime service on `ws://127.0.0.1:<port>/v1/realtime` (GA; beta names when the
 * client sends `OpenAI-Beta: realtime=v1`). Close it with `close()`.
 */
export function startFakeOpenAIRealtime(options: FakeServerOptions = {}): Promise<FakeRealtimeServer> {
  return FakeRealtimeServer.start(openaiDialect, options, '/v1/realtime');
}

import { FakeRealtimeServer } from '../openai/fake-realtime-server.js';
import type { FakeServerOptions } from '../openai/types.js';
import { type DashScopeDialectOptions, dashscopeDialect } from './dashscope-dialect.js';

/** Options of the DashScope fake (see {@link DashScopeDialectOptions} for what is assumed). */
export interface FakeDashScopeOptions extends FakeServerOptions, DashScopeDialectOptions {}

/**
 * Starts a fake DashScope Qwen-Omni realtime service on `ws://127.0.0.1:<port>/api-ws/v1/realtime`.
 * Close it with `close()`.
 */
export function startFakeDashScopeRealtime(options: FakeDashScopeOptions = {}): Promise<FakeRealtimeServer> {
  return FakeRealtimeServer.start(dashscopeDialect(options), options, '/api-ws/v1/realtime');
}

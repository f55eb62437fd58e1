import { type RunningServe, startServe } from '@chorus/cli';
import { afterEach, describe, expect, it } from 'vitest';
import { failOnProcessErrors } from './support/process-guard.js';
import { rawUpgrade } from './support/raw-upgrade.js';

failOnProcessErrors();

// `chorus serve` without CHORUS_API_KEYS (dev mode: no keys, loopback only), the way `npm start` runs it.
let running: RunningServe | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function serve(allowOrigins?: readonly string[]): Promise<number> {
  running = await startServe({
    port: 0,
    host: '127.0.0.1',
    pagesDir: '/nonexistent',
    local: { speed: 20, transcriber: null },
    env: {},
    ...(allowOrigins ? { allowOrigins } : {}),
  });
  return running.port;
}

const PATHS = ['/ws/dev/s1', '/v1/realtime', '/inspect'] as const;
const origin = (value: string) => ({ Origin: value });

describe('dev mode accepts only loopback origins by default', () => {
  it.each(PATHS)('%s: a page on https://evil.example is refused with 403 naming the rule', async (path) => {
    const port = await serve();
    const answer = await rawUpgrade(port, path, origin('https://evil.example'));
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('only loopback pages may connect');
    expect(answer.closedByServer).toBe(true);
  });

  it.each(PATHS)('%s: loopback pages and clients without an Origin are let in', async (path) => {
    const port = await serve();
    for (const headers of [
      {},
      origin(`http://127.0.0.1:${port}`),
      origin('http://localhost:5173'),
      origin('http://[::1]:8787'),
    ]) {
      expect((await rawUpgrade(port, path, headers)).status, JSON.stringify(headers)).toBe(101);
    }
  });

  it('--allow-origin adds origins; loopback pages stay allowed; others are still refused', async () => {
    const port = await serve(['https://app.example']);
    expect((await rawUpgrade(port, '/v1/realtime', origin('https://app.example'))).status).toBe(101);
    expect((await rawUpgrade(port, '/v1/realtime', origin('http://localhost:3000'))).status).toBe(101);
    expect((await rawUpgrade(port, '/v1/realtime', origin('https://evil.example'))).status).toBe(403);
    expect((await rawUpgrade(port, '/v1/realtime', origin('null'))).status).toBe(403);
  });
});

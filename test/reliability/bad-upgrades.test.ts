import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestClock } from '@chorus/core/testing';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { health, KEY, scriptedAgent, startGateway } from './support/gateway.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { inWaves, openFds, rawUpgrade } from './support/raw-upgrade.js';

failOnProcessErrors();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The gateway attached to an app's own http server, the way `chorus serve` runs it. */
async function attached(
  setup?: (http: Server) => void,
  clock?: TestClock,
): Promise<{ server: ChorusServer; port: number }> {
  const server = createChorusServer({
    rooms: { assistant: () => scriptedAgent() },
    auth: { apiKeys: [KEY] },
    logger: pino({ level: 'silent' }),
    ...(clock ? { clock } : {}),
  });
  const http = createServer((request, response) => {
    if (!server.handleRequest(request, response)) response.writeHead(404).end('not found\n');
  });
  server.attach(http);
  setup?.(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await server.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return { server, port: (http.address() as AddressInfo).port };
}

/** Each bad upgrade and the answer it must get: status, and words the body must hold. */
const BAD: readonly { path: string; status: number; says: string }[] = [
  { path: '/nope', status: 404, says: 'no such endpoint' },
  { path: '/healthz', status: 404, says: 'not a WebSocket endpoint' },
  { path: '/metrics', status: 404, says: 'not a WebSocket endpoint' },
  { path: '/ws//x/y', status: 400, says: '/ws/:userId/:sessionId' },
  { path: '/ws/a%20b/s', status: 400, says: 'userId must be 1-128 characters' },
  { path: '/ws/alice/s%2Fx', status: 400, says: 'sessionId must be 1-128 characters' },
  { path: '/ws/alice', status: 400, says: '/ws/:userId/:sessionId' },
  { path: '/v1/realtime', status: 401, says: 'missing API key' },
  { path: '/ws/alice/s1', status: 401, says: 'missing API key' },
];

async function everyBadUpgradeAnswered(port: number, count: number): Promise<void> {
  const before = openFds();
  const answers = await inWaves(count, 100, async (i) => {
    const bad = BAD[i % BAD.length]!;
    return { bad, answer: await rawUpgrade(port, bad.path) };
  });
  const wrong = answers.filter(
    ({ bad, answer }) =>
      answer.status !== bad.status || !answer.body.includes(bad.says) || !answer.closedByServer,
  );
  expect(
    wrong.slice(0, 3).map(({ bad, answer }) => ({ path: bad.path, ...answer })),
    `${wrong.length} of ${count} bad upgrades not answered and closed`,
  ).toEqual([]);
  // Every refused socket is closed: the process holds no more descriptors than before.
  await eventually(
    async () => openFds(),
    (fds) => fds <= before + 10,
    `file descriptors back to about ${before}`,
  );
  expect((await health(port)).status).toBe('ok');
}

describe('every upgrade is answered and closed', () => {
  it('attach mode (what `chorus serve` runs): 2,000 bad upgrades get 404/400/401 with a body and leave no descriptor', async () => {
    const { port } = await attached();
    await everyBadUpgradeAnswered(port, 2000);
  }, 60_000);

  it('listen mode: 2,000 bad upgrades get 404/400/401 with a body and leave no descriptor', async () => {
    const gateway = await startGateway();
    cleanups.push(() => gateway.server.close());
    await everyBadUpgradeAnswered(gateway.port, 2000);
  }, 60_000);

  it('attach mode with an app listener that ignores a path: the gateway answers it 404 after unclaimedUpgradeMs', async () => {
    const clock = new TestClock();
    let ignored: () => void = () => {};
    const reachedServer = new Promise<void>((resolve) => {
      ignored = resolve;
    });
    const { port } = await attached((http) => {
      // The app serves its own `/app-socket` upgrades and ignores everything else.
      http.on('upgrade', (request, socket) => {
        if (request.url === '/app-socket') socket.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\napp');
        else ignored();
      });
    }, clock);
    const app = await rawUpgrade(port, '/app-socket');
    expect(app.status).toBe(200);
    const pending = rawUpgrade(port, '/elsewhere', {}, 5000);
    // Every upgrade listener (the gateway's among them) has seen the request: its timer is set.
    await reachedServer;
    clock.increment(10_000);
    const answer = await pending;
    expect(answer).toMatchObject({ status: 404, closedByServer: true });
    expect(answer.body).toContain('no such endpoint');
  });
});

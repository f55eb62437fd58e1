import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TestClock } from '@chorus/core/testing';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { Firehose } from './support/firehose.js';
import { KEY, metric, scriptedAgent } from './support/gateway.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { bearer, WsClient } from './support/ws-client.js';

failOnProcessErrors();

const HIGH_WATER = 256 * 1024;
const DELTA_BYTES = 12 * 1024; // 16 KiB of base64 once framed as JSON
const DEADLINE_MS = 2000;

let gateway: ChorusServer | undefined;
let http: Server | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await gateway?.drain({ deadlineMs: 1000 });
  await new Promise<void>((resolve) => {
    http?.closeAllConnections();
    http?.close(() => resolve()) ?? resolve();
  });
  gateway = undefined;
  http = undefined;
});

describe('a slow reader', () => {
  it('never makes the gateway hold more than the high-water mark plus one frame for it, and is cut off at the deadline', async () => {
    const clock = new TestClock();
    const hoses: Firehose[] = [];
    gateway = createChorusServer({
      rooms: {
        assistant: () => scriptedAgent(),
        hose: () => {
          const hose = new Firehose(DELTA_BYTES);
          hoses.push(hose);
          return hose;
        },
      },
      auth: { apiKeys: [KEY] },
      logger: pino({ level: 'silent' }),
      clock,
      limits: {
        messagesPerSecond: 1e6,
        messageBurst: 1e6,
        send: { highWaterBytes: HIGH_WATER, slowConsumerDeadlineMs: DEADLINE_MS, pollMs: 25 },
      },
    });
    // Our own http server, so the test can watch the gateway's side of each TCP connection.
    http = createServer();
    gateway.attach(http);
    const serverSockets: Socket[] = [];
    http.on('upgrade', (_request, socket: Socket) => serverSockets.push(socket));
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
    const base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;

    const healthy = new WsClient(`${base}/ws/fast/1`, bearer(KEY));
    const slow = new WsClient(`${base}/ws/slow/1`, bearer(KEY));
    clients.push(healthy, slow);
    await Promise.all([healthy.opened, slow.opened]);
    healthy.send({ type: 'client_session_create', config: {} });
    slow.send({ type: 'client_session_create', config: { room: 'hose' } });
    await Promise.all([
      healthy.waitForType('server_session_created'),
      slow.waitForType('server_session_created'),
    ]);
    const slowServerSide = serverSockets[1] as Socket;

    // The slow reader stops reading, then asks for the torrent.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    slow.send({ type: 'client_response_create' });

    let maxHeld = 0;
    let sampling = true;
    const sample = () => {
      maxHeld = Math.max(maxHeld, slowServerSide.writableLength);
      if (sampling) setImmediate(sample);
    };
    sample();
    const dropped = () =>
      gateway?.metrics.text().then((t) => metric(t, 'chorus_dropped_frames_total{route="chorus"}')) ?? 0;
    await eventually(dropped, (n) => n > 200, 'audio dropped for the slow reader', 20_000);

    // The healthy session is served meanwhile.
    const from = healthy.messages.length;
    healthy.send({ type: 'client_text_append', text: 'hello' });
    healthy.send({ type: 'client_response_create' });
    expect((await healthy.waitForType('agent_response_done', from)).status).toBe('completed');

    // Simulated time passes the deadline: 1008, then termination a second later.
    for (let t = 0; t <= DEADLINE_MS + 1100 && !slowServerSide.destroyed; t += 25) {
      clock.increment(25);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(
      () => slowServerSide.destroyed,
      (d) => d,
      'the slow socket destroyed',
    );
    sampling = false;

    const largestFrame = Math.ceil((DELTA_BYTES * 4) / 3) + 512;
    expect(maxHeld).toBeGreaterThan(0);
    expect(maxHeld).toBeLessThanOrEqual(HIGH_WATER + largestFrame);
    const text = await gateway.metrics.text();
    expect(metric(text, 'chorus_closes_total{code="1008"}')).toBe(1);
    await eventually(
      () => hoses[0]?.stopped,
      (s) => s === true,
      'the firehose room stopped',
    );
    await eventually(
      () => gateway?.connections,
      (n) => n === 1,
      'only the healthy connection left',
    );
    console.info(
      `slow reader: ${hoses[0]?.emitted} deltas produced, ${await dropped()} dropped, at most ${maxHeld} bytes held (bound ${HIGH_WATER + largestFrame})`,
    );
  }, 40_000);
});

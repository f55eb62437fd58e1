/**
 * Events/s through the gateway and its added p99 latency, against a bare `ws` echo relay in the same run.
 * Both servers run here; the load generator runs in a child process (this file with `load` argv).
 * Each client sends 20 ms PCM16 16 kHz frames as base64 JSON; the gateway's agent echoes each frame
 * back as `agent_response_audio_delta`, the bare relay echoes the frame itself.
 *
 *   npx tsx test/bench/gateway.ts [clients=8] [seconds=5]
 */
import { fork, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { Servable } from '@chorus/server';
import { pino } from 'pino';
import { Subject } from 'rxjs';
import WebSocket, { WebSocketServer } from 'ws';

// The workspace packages resolve to their TypeScript sources under the `@chorus/source` condition.
const SOURCE_ARGS = ['--conditions=@chorus/source', '--import', 'tsx'];
if (!process.execArgv.some((a) => a.includes('@chorus/source'))) {
  const self = spawnSync(
    process.execPath,
    [...SOURCE_ARGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(self.status ?? 1);
}

const [, , mode, ...rest] = process.argv;

class EchoFrames implements Servable {
  readonly #events = new Subject<ServerEvent>();
  readonly events$ = this.#events.asObservable();
  async start() {}
  handleInput(event: ClientEvent) {
    if (event.type !== 'client_audio_append') return;
    this.#events.next({
      type: 'agent_response_audio_delta',
      agent_id: 'echo',
      agent_name: 'echo',
      response_id: 'r',
      item_id: event.event_id ?? 'i',
      delta: event.audio,
      format: event.format,
    });
  }
  async stop() {
    this.#events.complete();
  }
}

async function load(
  url: string,
  clients: number,
  seconds: number,
  headers: Record<string, string>,
  chorus: boolean,
) {
  const frame = Buffer.alloc(640, 3).toString('base64');
  const latencies: number[] = [];
  let received = 0;
  const sockets = await Promise.all(
    Array.from({ length: clients }, (_, i) => {
      const ws = new WebSocket(chorus ? `${url}/ws/bench/${i}` : url, { headers });
      return new Promise<WebSocket>((resolve) => ws.once('open', () => resolve(ws)));
    }),
  );
  const sentAt = new Map<string, number>();
  let seq = 0;
  for (const ws of sockets) {
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString()) as { item_id?: string; event_id?: string };
      const id = event.item_id ?? event.event_id;
      const t0 = id ? sentAt.get(id) : undefined;
      if (t0 !== undefined) {
        latencies.push(performance.now() - t0);
        sentAt.delete(id!);
        received++;
      }
    });
    if (chorus) ws.send(JSON.stringify({ type: 'client_session_create', config: {} }));
  }
  await new Promise((r) => setTimeout(r, 200));
  const end = performance.now() + seconds * 1000;
  // Closed loop with a window per client: as fast as the server answers.
  const window = 32;
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          let inflight = 0;
          const pump = () => {
            while (inflight < window && performance.now() < end) {
              const id = `f${seq++}`;
              sentAt.set(id, performance.now());
              inflight++;
              ws.send(
                JSON.stringify({
                  type: 'client_audio_append',
                  event_id: id,
                  audio: frame,
                  format: { type: 'audio/pcm', rate: 16000 },
                }),
              );
            }
            if (performance.now() >= end && inflight === 0) resolve();
          };
          ws.on('message', () => {
            inflight--;
            pump();
          });
          pump();
          setTimeout(resolve, seconds * 1000 + 2000);
        }),
    ),
  );
  for (const ws of sockets) ws.terminate();
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN;
  return { eventsPerSecond: received / seconds, p50: q(0.5), p99: q(0.99) };
}

if (mode === 'load') {
  const [url, clients, seconds, key, chorus] = rest;
  const result = await load(
    url!,
    Number(clients),
    Number(seconds),
    key ? { Authorization: `Bearer ${key}` } : {},
    chorus === '1',
  );
  process.send?.(result);
  process.exit(0);
} else {
  const clients = Number(mode ?? 8);
  const seconds = Number(rest[0] ?? 5);
  const run = (args: string[]) =>
    new Promise<{ eventsPerSecond: number; p50: number; p99: number }>((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['load', ...args], { execArgv: SOURCE_ARGS });
      child.once('message', (m) => resolve(m as { eventsPerSecond: number; p50: number; p99: number }));
      child.once('error', reject);
    });

  const relay = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  relay.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await new Promise((r) => relay.once('listening', r));
  const relayPort = (relay.address() as { port: number }).port;

  const { createChorusServer } = await import('@chorus/server');
  const gateway = createChorusServer({
    rooms: { echo: () => new EchoFrames() },
    auth: { apiKeys: ['bench-key'] },
    logger: pino({ level: 'silent' }),
    limits: { messagesPerSecond: 1e6, messageBurst: 1e6, maxSessionsPerUser: 1000 },
  });
  const { port } = await gateway.listen(0, '127.0.0.1');

  // A warm-up round of each first: the first run in a fresh process pays for JIT compilation.
  await run([`ws://127.0.0.1:${relayPort}`, String(clients), '1', '', '0']);
  await run([`ws://127.0.0.1:${port}`, String(clients), '1', 'bench-key', '1']);
  const bare = await run([`ws://127.0.0.1:${relayPort}`, String(clients), String(seconds), '', '0']);
  const through = await run([`ws://127.0.0.1:${port}`, String(clients), String(seconds), 'bench-key', '1']);
  const f = (n: number) => n.toFixed(2);
  console.log(`clients=${clients} seconds=${seconds} frame=20 ms PCM16 16 kHz base64 JSON`);
  console.log(
    `bare ws echo relay: ${Math.round(bare.eventsPerSecond)} events/s round trip, p50 ${f(bare.p50)} ms, p99 ${f(bare.p99)} ms`,
  );
  console.log(
    `chorus gateway:     ${Math.round(through.eventsPerSecond)} events/s round trip, p50 ${f(through.p50)} ms, p99 ${f(through.p99)} ms`,
  );
  console.log(
    `ratio ${(through.eventsPerSecond / bare.eventsPerSecond).toFixed(2)}x throughput; added p99 ${f(through.p99 - bare.p99)} ms`,
  );
  await gateway.close();
  relay.close();
}

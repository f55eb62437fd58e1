/**
 * The gateway against a bare `ws` echo relay in the same run. Both servers run in this process; the
 * load generator runs in a child process (this file with `load` or `paced` argv), so the server's
 * CPU time can be read on its own.
 *
 * - closed loop (`load`): each client keeps 32 frames in flight; events/s and added latency.
 * - paced (`paced`): each session sends a 20 ms frame every 20 ms (real time, JSON base64 or
 *   binary) and gets one back per frame; how many sessions keep up.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/gateway.ts [clients=8] [seconds=5]
 */
import { fork, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChorusServer } from '@chorus/server';
import { pino } from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { EchoFrames } from './echo-frames.js';
import { LocalEchoRoom } from './local-echo-room.js';

// The workspace packages resolve to their TypeScript sources under the `@chorus/source` condition.
export const SOURCE_ARGS = ['--conditions=@chorus/source', '--import', 'tsx'];
const SELF = fileURLToPath(import.meta.url);
const isMain = process.argv[1] === SELF;
if (isMain && !process.execArgv.some((a) => a.includes('@chorus/source'))) {
  const self = spawnSync(process.execPath, [...SOURCE_ARGS, SELF, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(self.status ?? 1);
}

export interface ClosedLoopResult {
  readonly eventsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

export interface PacedResult {
  readonly sessions: number;
  /** Frames received back / frames due in the window. */
  readonly delivered: number;
  readonly p50: number;
  readonly p99: number;
  readonly framesPerSecond: number;
}

function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function openSockets(
  url: string,
  n: number,
  headers: Record<string, string>,
  chorus: boolean,
  config: Record<string, unknown> = {},
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  // In batches: a burst of hundreds of upgrades at once measures the accept queue, not the gateway.
  for (let i = 0; i < n; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, (_, j) => {
        const ws = new WebSocket(chorus ? `${url}/ws/bench${i + j}/s` : url, {
          headers,
          perMessageDeflate: false,
        });
        return new Promise<WebSocket>((resolve, reject) => {
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        });
      }),
    );
    sockets.push(...batch);
  }
  if (chorus) {
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            const onMessage = (data: WebSocket.RawData, binary: boolean) => {
              if (!binary && data.toString().includes('server_session_created')) {
                ws.off('message', onMessage);
                resolve();
              }
            };
            ws.on('message', onMessage);
            ws.send(JSON.stringify({ type: 'client_session_create', config }));
          }),
      ),
    );
  }
  return sockets;
}

async function closedLoop(
  url: string,
  clients: number,
  seconds: number,
  headers: Record<string, string>,
  chorus: boolean,
): Promise<ClosedLoopResult> {
  const frame = Buffer.alloc(640, 3).toString('base64');
  const latencies: number[] = [];
  let received = 0;
  const sockets = await openSockets(url, clients, headers, chorus);
  const sentAt = new Map<string, number>();
  let seq = 0;
  for (const ws of sockets) {
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString()) as { item_id?: string; event_id?: string };
      const id = event.item_id ?? event.event_id;
      const t0 = id ? sentAt.get(id) : undefined;
      if (t0 !== undefined && id !== undefined) {
        latencies.push(performance.now() - t0);
        sentAt.delete(id);
        received++;
      }
    });
  }
  const end = performance.now() + seconds * 1000;
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
  return {
    eventsPerSecond: received / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}

/** 20 ms of 24 kHz PCM16 per session every 20 ms, JSON base64 or binary; every frame comes back. */
async function paced(
  url: string,
  sessions: number,
  seconds: number,
  headers: Record<string, string>,
  chorus: boolean,
  binary: boolean,
): Promise<PacedResult> {
  const pcm = Buffer.alloc(960, 5);
  const sockets = await openSockets(url, sessions, headers, chorus, binary ? { binary_audio: true } : {});
  const latencies: number[] = [];
  let received = 0;
  let measuring = false;
  const sentAt = new Map<number, { at: number; measured: boolean }>();
  const header = Buffer.alloc(10);
  header.writeUInt8(1, 0);
  header.writeUInt8(1, 1);
  header.writeUInt8(0, 2);
  header.writeUInt32LE(24000, 4);
  for (const ws of sockets) {
    ws.on('message', (data: Buffer, isBinary) => {
      // Every echo carries its frame number: JSON in item_id, binary in the metadata.
      let id: number;
      if (isBinary) {
        const metaLength = data.readUInt16LE(8);
        id = Number(
          (JSON.parse(data.subarray(10, 10 + metaLength).toString()) as { item_id: string }).item_id,
        );
      } else {
        const event = JSON.parse(data.toString()) as { item_id?: string; event_id?: string };
        id = Number(event.item_id ?? event.event_id);
      }
      const sent = sentAt.get(id);
      if (sent === undefined) return;
      sentAt.delete(id);
      // A frame counts when it was sent inside the window, whenever its echo arrives.
      if (sent.measured) {
        received++;
        latencies.push(performance.now() - sent.at);
      }
    });
  }
  let seq = 0;
  let due = 0;
  const tick = () => {
    for (const ws of sockets) {
      const id = seq++;
      sentAt.set(id, { at: performance.now(), measured: measuring });
      if (measuring) due++;
      if (binary && chorus) {
        const meta = Buffer.from(JSON.stringify({ event_id: String(id) }));
        header.writeUInt16LE(meta.length, 8);
        ws.send(Buffer.concat([header, meta, pcm]), { binary: true });
      } else if (binary) {
        ws.send(Buffer.concat([Buffer.from(String(id).padStart(12, '0')), pcm]), { binary: true });
      } else {
        ws.send(
          JSON.stringify({
            type: 'client_audio_append',
            event_id: String(id),
            audio: pcm.toString('base64'),
            format: { type: 'audio/pcm', rate: 24000 },
          }),
        );
      }
    }
  };
  if (binary && !chorus) {
    // The bare relay echoes bytes as they came: the frame number is the first 12 bytes.
    for (const ws of sockets) {
      ws.removeAllListeners('message');
      ws.on('message', (data: Buffer) => {
        const id = Number(data.subarray(0, 12).toString());
        const sent = sentAt.get(id);
        if (sent === undefined) return;
        sentAt.delete(id);
        if (sent.measured) {
          received++;
          latencies.push(performance.now() - sent.at);
        }
      });
    }
  }
  const timer = setInterval(tick, 20);
  await new Promise((r) => setTimeout(r, 500)); // settle
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(timer);
  // Echoes of the window's last frames may still be on their way; a frame not back within 1 s is lost.
  await new Promise((r) => setTimeout(r, 1000));
  for (const ws of sockets) ws.terminate();
  latencies.sort((a, b) => a - b);
  return {
    sessions,
    delivered: due === 0 ? 0 : received / due,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    framesPerSecond: received / elapsed,
  };
}

/** Runs the load generator in a child process and resolves with its result. */
export function runLoad<T>(args: string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(SELF, args, { execArgv: SOURCE_ARGS });
    child.once('message', (m) => resolve(m as T));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
  });
}

export interface Servers {
  readonly relayUrl: string;
  readonly gatewayUrl: string;
  readonly key: string;
  readonly gateway: ChorusServer;
  close(): Promise<void>;
}

/**
 * The bare echo relay and the gateway, both on 127.0.0.1. The gateway serves {@link EchoFrames}, or with
 * `local` a {@link LocalEchoRoom} (a local-model agent hearing every frame, plus the echo).
 */
export async function startServers(options: { local?: boolean } = {}): Promise<Servers> {
  const relay = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  relay.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await new Promise((r) => relay.once('listening', r));
  const relayPort = (relay.address() as { port: number }).port;
  const { createChorusServer } = await import('@chorus/server');
  const gateway = createChorusServer({
    rooms: { echo: options.local ? () => new LocalEchoRoom() : () => new EchoFrames() },
    auth: { apiKeys: ['bench-key'] },
    logger: pino({ level: 'silent' }),
    limits: { messagesPerSecond: 1e6, messageBurst: 1e6, maxSessionsPerUser: 100_000 },
  });
  const { port } = await gateway.listen(0, '127.0.0.1');
  return {
    relayUrl: `ws://127.0.0.1:${relayPort}`,
    gatewayUrl: `ws://127.0.0.1:${port}`,
    key: 'bench-key',
    gateway,
    close: async () => {
      await gateway.close();
      relay.close();
    },
  };
}

/** Closed-loop args for {@link runLoad}. */
export const closedLoopArgs = (url: string, clients: number, seconds: number, key: string) => [
  'load',
  url,
  String(clients),
  String(seconds),
  key,
  key ? '1' : '0',
];

/** Paced-load args for {@link runLoad}. */
export const pacedArgs = (url: string, sessions: number, seconds: number, key: string, binary: boolean) => [
  'paced',
  url,
  String(sessions),
  String(seconds),
  key,
  key ? '1' : '0',
  binary ? '1' : '0',
];

const [, , mode, ...rest] = process.argv;

if (isMain && mode === 'load') {
  const [url, clients, seconds, key, chorus] = rest;
  const result = await closedLoop(
    url as string,
    Number(clients),
    Number(seconds),
    key ? { Authorization: `Bearer ${key}` } : {},
    chorus === '1',
  );
  process.send?.(result);
  process.exit(0);
} else if (isMain && mode === 'paced') {
  const [url, sessions, seconds, key, chorus, binary] = rest;
  const result = await paced(
    url as string,
    Number(sessions),
    Number(seconds),
    key ? { Authorization: `Bearer ${key}` } : {},
    chorus === '1',
    binary === '1',
  );
  process.send?.(result);
  process.exit(0);
} else if (isMain && mode === 'density') {
  // One paced step against the local-model gateway (what a density profile needs):
  // gateway.ts density <sessions> <seconds> <binary 0|1>
  const [sessions, seconds, binary] = rest;
  const servers = await startServers({ local: true });
  const cpu = process.cpuUsage();
  const result = await runLoad<PacedResult>(
    pacedArgs(servers.gatewayUrl, Number(sessions ?? 100), Number(seconds ?? 5), servers.key, binary === '1'),
  );
  // The gateway's CPU over the whole step (connections, warm-up and the trailing second included).
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ ...result, gatewayCpuMs: Math.round((used.user + used.system) / 1000) }));
  await servers.close();
  process.exit(0);
} else if (isMain) {
  const clients = Number(mode ?? 8);
  const seconds = Number(rest[0] ?? 5);
  const servers = await startServers();
  const relay = (s: number) => runLoad<ClosedLoopResult>(closedLoopArgs(servers.relayUrl, clients, s, ''));
  const through = (s: number) =>
    runLoad<ClosedLoopResult>(closedLoopArgs(servers.gatewayUrl, clients, s, servers.key));
  // A warm-up round of each first: the first run in a fresh process pays for JIT compilation.
  await relay(1);
  await through(1);
  const bare = await relay(seconds);
  const gw = await through(seconds);
  const f = (n: number) => n.toFixed(2);
  console.log(`clients=${clients} seconds=${seconds} frame=20 ms PCM16 16 kHz base64 JSON`);
  console.log(
    `bare ws echo relay: ${Math.round(bare.eventsPerSecond)} events/s round trip, p50 ${f(bare.p50)} ms, p99 ${f(bare.p99)} ms`,
  );
  console.log(
    `chorus gateway:     ${Math.round(gw.eventsPerSecond)} events/s round trip, p50 ${f(gw.p50)} ms, p99 ${f(gw.p99)} ms`,
  );
  console.log(
    `ratio ${(gw.eventsPerSecond / bare.eventsPerSecond).toFixed(2)}x throughput; added p99 ${f(gw.p99 - bare.p99)} ms`,
  );
  await servers.close();
}

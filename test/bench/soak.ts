/**
 * Soak: 100 gateway sessions, each on its own scripted agent, talking for a while (a user turn every
 * few seconds, with 20 ms audio frames streaming in), sampled over time: heap after GC, RSS, active
 * handles and open rooms. Prints the heap slope (least squares, MB per minute) and the handle counts.
 * Not run in CI.
 *
 *   node --expose-gc --conditions=@chorus/source --import tsx test/bench/soak.ts [minutes=10] [sessions=100]
 *
 * To see what grows, `SOAK_SNAPSHOTS=<dir>` writes heap snapshots (after GC) at the minutes listed in
 * `SOAK_SNAPSHOT_AT` (comma-separated, default `2`) and once more at the end while the sessions still talk,
 * and prints per-session state (history items, scripted-model call records) at the end; compare two
 * snapshots with `test/bench/heap-diff.ts`. A snapshot stops the process for a few seconds, so the heap
 * samples next to it are slightly off.
 *
 * Each session takes a user turn every `SOAK_TURN_EVERY_S` seconds (default 1), so that per-session state
 * with a cap (each agent's history: 200 items by default, two per turn) is full within the warm-up. The
 * slope is taken after the warm-up: the first `SOAK_WARMUP_MIN` minutes (default 2), or the first fifth
 * of the run if that is longer. `SOAK_HISTORY_SIZE=<n>` gives each agent another history size.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RealtimeAgent } from '@chorus/core';
import { ScriptedModel } from '@chorus/core/testing';
import { createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import WebSocket from 'ws';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const minutes = Number(process.argv[2] ?? 10);
const sessions = Number(process.argv[3] ?? 100);
const sampleEveryMs = Math.max(5_000, (minutes * 60_000) / 60);
const snapshotDir = process.env.SOAK_SNAPSHOTS;
const snapshotAt = (process.env.SOAK_SNAPSHOT_AT ?? '2').split(',').map(Number);
if (snapshotDir) {
  if (snapshotAt.some((m) => !Number.isFinite(m) || m <= 0 || m >= minutes)) {
    throw new Error(
      `SOAK_SNAPSHOT_AT must list minutes between 0 and ${minutes}, got ${snapshotAt.join(',')}`,
    );
  }
  mkdirSync(snapshotDir, { recursive: true });
}
const snapshot = (label: string) => {
  if (!snapshotDir) return;
  gc();
  const started = Date.now();
  const file = writeHeapSnapshot(join(snapshotDir, `soak-${label}.heapsnapshot`));
  console.log(`heap snapshot ${file} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
};
const historySize = process.env.SOAK_HISTORY_SIZE ? Number(process.env.SOAK_HISTORY_SIZE) : undefined;
const turnEveryS = Number(process.env.SOAK_TURN_EVERY_S ?? 1);
const warmupMin = Math.max(Number(process.env.SOAK_WARMUP_MIN ?? 2), minutes / 5);
// Weak, so that watching the agents does not keep them alive after stop.
const agents: WeakRef<RealtimeAgent>[] = [];

const server = createChorusServer({
  rooms: {
    assistant: () => {
      const model = new ScriptedModel({
        chunkMs: 40,
        recordAudio: false,
        // The test double's call log is bookkeeping for tests, not gateway state: keep none of it.
        maxRecordedCalls: 0,
        fallback: { text: 'Sure, here is a short answer for you.' },
      });
      const agent = new RealtimeAgent({
        name: 'assistant',
        instructions: 'Be brief.',
        model,
        ...(historySize === undefined ? {} : { historySize }),
      });
      if (snapshotDir) agents.push(new WeakRef(agent));
      return agent;
    },
  },
  auth: { apiKeys: ['soak-key'] },
  logger: pino({ level: 'silent' }),
  limits: { maxSessionsPerUser: 10_000 },
});
const { port } = await server.listen(0, '127.0.0.1');

const frame = JSON.stringify({
  type: 'client_audio_append',
  audio: Buffer.alloc(960).toString('base64'),
  format: { type: 'audio/pcm', rate: 24000 },
});
let received = 0;
const sockets: WebSocket[] = [];
for (let i = 0; i < sessions; i++) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/soak${i}/s`, {
    headers: { Authorization: 'Bearer soak-key' },
    perMessageDeflate: false,
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.on('message', () => received++);
  ws.send(JSON.stringify({ type: 'client_session_create', config: {} }));
  sockets.push(ws);
}
// Audio in (20 ms frames at real-time pace) and a user turn per session every `turnEveryS` seconds.
let turn = 0;
const audio = setInterval(() => {
  for (const ws of sockets) ws.send(frame);
}, 20);
const turns = setInterval(
  () => {
    const ws = sockets[turn++ % sockets.length];
    ws?.send(JSON.stringify({ type: 'client_text_append', text: `question ${turn}` }));
    ws?.send(JSON.stringify({ type: 'client_response_create' }));
  },
  (turnEveryS * 1000) / sessions,
);

interface Sample {
  readonly t: number;
  readonly heap: number;
  readonly rss: number;
  readonly handles: number;
  readonly received: number;
}
const samples: Sample[] = [];
const t0 = Date.now();
const sample = () => {
  gc();
  const m = process.memoryUsage();
  const s = {
    t: (Date.now() - t0) / 60_000,
    heap: m.heapUsed / 1e6,
    rss: m.rss / 1e6,
    handles: process.getActiveResourcesInfo().length,
    received,
  };
  samples.push(s);
  console.log(
    `${s.t.toFixed(2)} min  heap ${s.heap.toFixed(1)} MB  rss ${s.rss.toFixed(1)} MB  handles ${s.handles}  frames out ${s.received}`,
  );
};
sample();
const sampler = setInterval(sample, sampleEveryMs);
const snapshotTimers = snapshotDir
  ? snapshotAt.map((m) => setTimeout(() => snapshot(`${m}min`), m * 60_000))
  : [];
await new Promise((resolve) => setTimeout(resolve, minutes * 60_000));
clearInterval(sampler);
for (const timer of snapshotTimers) clearTimeout(timer);
if (snapshotDir) {
  snapshot('end');
  printSessionState();
}
clearInterval(audio);
clearInterval(turns);
sample();

// Least-squares slope of heap over time, after the warm-up.
const steady = samples.filter((s) => s.t >= warmupMin);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mt = mean(steady.map((s) => s.t));
const mh = mean(steady.map((s) => s.heap));
const slope =
  steady.reduce((a, s) => a + (s.t - mt) * (s.heap - mh), 0) /
  Math.max(
    1e-9,
    steady.reduce((a, s) => a + (s.t - mt) ** 2, 0),
  );
const handles = steady.map((s) => s.handles);
console.log(
  `\n${sessions} sessions for ${minutes} min: heap slope ${slope.toFixed(3)} MB/min after warm-up ` +
    `(${(slope * 10).toFixed(2)} MB per 10 min over minutes ${warmupMin}-${minutes}${minutes - warmupMin < 10 ? ', extrapolated' : ''}; goal < 1 MB per 10 min); ` +
    `active handles while talking ${Math.min(...handles)}-${Math.max(...handles)}`,
);
for (const ws of sockets) ws.close();
const drained = await server.drain({ deadlineMs: 5_000 });
console.log(`drain: ${JSON.stringify(drained)}; connections left ${server.connections}`);
await server.close();
// What is left once every room stopped: the baseline is what a bare Node process keeps (stdio pipes).
await new Promise((resolve) => setTimeout(resolve, 1_000));
gc();
const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
console.log(
  `handles after stop (excluding stdio): ${left.length} ${JSON.stringify(left)}; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(1)} MB`,
);
process.exit(0);

/** What each live agent holds now: the figures to hold against each structure's cap. */
function printSessionState(): void {
  const live = agents.flatMap((ref) => {
    const agent = ref.deref();
    return agent ? [agent] : [];
  });
  const stat = (name: string, values: number[]) => {
    if (values.length === 0) return;
    const sorted = [...values].sort((a, b) => a - b);
    const total = sorted.reduce((a, b) => a + b, 0);
    console.log(
      `  ${name.padEnd(34)} min ${sorted[0]}  median ${sorted[Math.floor(sorted.length / 2)]}  max ${sorted.at(-1)}  total ${total}`,
    );
  };
  console.log(`per-session state of ${live.length} live agents:`);
  stat(
    'history items',
    live.map((a) => a.history.length),
  );
  stat(
    'history items dropped',
    live.map((a) => a.droppedHistoryItems),
  );
  stat(
    'history JSON chars',
    live.map((a) => a.history.reduce((n, item) => n + JSON.stringify(item).length, 0)),
  );
  stat(
    'scripted model calls recorded',
    live.map((a) => (a.model instanceof ScriptedModel ? a.model.calls.length : 0)),
  );
}

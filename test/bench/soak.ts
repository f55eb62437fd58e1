/**
 * Soak: 100 gateway sessions, each on its own scripted agent, talking for a while (a user turn every
 * few seconds, with 20 ms audio frames streaming in), sampled over time: heap after GC, RSS, active
 * handles and open rooms. Prints the heap slope (least squares, MB per minute) and the handle counts.
 * Not run in CI.
 *
 *   node --expose-gc --conditions=@chorus/source --import tsx test/bench/soak.ts [minutes=10] [sessions=100]
 */
import { setFlagsFromString } from 'node:v8';
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

const server = createChorusServer({
  rooms: {
    assistant: () =>
      new RealtimeAgent({
        name: 'assistant',
        instructions: 'Be brief.',
        model: new ScriptedModel({
          chunkMs: 40,
          recordAudio: false,
          fallback: { text: 'Sure, here is a short answer for you.' },
        }),
      }),
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
// Audio in (20 ms frames at real-time pace) and a user turn per session every ~5 s.
let turn = 0;
const audio = setInterval(() => {
  for (const ws of sockets) ws.send(frame);
}, 20);
const turns = setInterval(() => {
  const ws = sockets[turn++ % sockets.length];
  ws?.send(JSON.stringify({ type: 'client_text_append', text: `question ${turn}` }));
  ws?.send(JSON.stringify({ type: 'client_response_create' }));
}, 5_000 / sessions);

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
await new Promise((resolve) => setTimeout(resolve, minutes * 60_000));
clearInterval(sampler);
clearInterval(audio);
clearInterval(turns);
sample();

// Least-squares slope of heap over time, ignoring the first fifth (warm-up).
const steady = samples.slice(Math.floor(samples.length / 5));
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
    `(${(slope * 10).toFixed(2)} MB per 10 min${minutes < 10 ? `, extrapolated from ${minutes} min` : ''}; goal < 1 MB per 10 min); ` +
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

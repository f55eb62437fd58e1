/**
 * The JSON of one `response.output_audio.delta` for a `/v1/realtime` client, old against new, in one
 * process and interleaved: A `JSON.stringify` of the event (which scans and copies the base64
 * string), B `jsonWithBase64Delta` (the rest serialized, the gateway's own base64 put in as is).
 * 100 ms of 24 kHz PCM16 per delta. Prints ns per delta.
 *
 *   node --expose-gc --conditions=@chorus/source --import tsx test/bench/openai-delta-json.ts [rounds=9]
 */
import { loadavg } from 'node:os';
import { jsonWithBase64Delta } from '../../packages/server/src/openai/openai-connection.js';

const rounds = Number(process.argv[2] ?? 9);
const N = 20_000;
const deltas = Array.from({ length: 64 }, (_, i) => Buffer.alloc(4800, i * 7).toString('base64'));
const event = (i: number) => ({
  type: 'response.output_audio.delta',
  response_id: 'resp_1',
  item_id: 'item_1',
  output_index: 0,
  content_index: 0,
  delta: deltas[i & 63] as string,
  event_id: `event_c1_${i}`,
});

let sink = 0;
const gc = (globalThis as { gc?: () => void }).gc;
function time(serialize: (e: object) => string): number {
  gc?.();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += serialize(event(i)).length;
  return Number(process.hrtime.bigint() - t0) / N;
}
const a: number[] = [];
const b: number[] = [];
time(JSON.stringify);
time(jsonWithBase64Delta);
for (let r = 0; r < rounds; r++) {
  a.push(time(JSON.stringify));
  b.push(time(jsonWithBase64Delta));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
console.log(
  `${N} deltas x ${rounds} rounds (load ${loadavg()[0]?.toFixed(2)}): ` +
    `A JSON.stringify ${median(a).toFixed(0)} ns/delta (${a.map((x) => x.toFixed(0)).join(' ')}), ` +
    `B spliced ${median(b).toFixed(0)} ns/delta (${b.map((x) => x.toFixed(0)).join(' ')}), ` +
    `${(median(a) / median(b)).toFixed(2)}x (${sink > 0 ? 'ok' : ''})`,
);

/**
 * Agent audio deltas to binary-frame clients, old path against new, in one process and interleaved:
 * A decodes the base64 into a buffer and frames it for each client (`encodeBinaryAudio`), B decodes it
 * straight into one frame shared by the room's clients (`agentDeltaFrame`). Prints ns per delta.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/binary-frame.ts [clients=1] [rounds=7]
 */
import { loadavg } from 'node:os';
import type { ServerEvent } from '@chorus/protocol';
import {
  agentDeltaFrame,
  BinaryAudioKind,
  encodeBinaryAudio,
} from '../../packages/server/src/binary-audio.js';

type Delta = Extract<ServerEvent, { type: 'agent_response_audio_delta' }>;

const clients = Number(process.argv[2] ?? 1);
const rounds = Number(process.argv[3] ?? 7);
const N = 50_000;
// 20 ms of 24 kHz PCM16, with varying content; a fresh event object per delta, as a room emits them.
const payloads = Array.from({ length: 64 }, (_, i) => Buffer.alloc(960, i).toString('base64'));
const events = (): Delta[] =>
  Array.from({ length: N }, (_, i) => ({
    type: 'agent_response_audio_delta',
    agent_id: 'agent_1',
    agent_name: 'Max',
    response_id: 'resp_1',
    item_id: `item_${i >> 4}`,
    delta: payloads[i & 63] as string,
    format: { type: 'audio/pcm', rate: 24000 },
  }));

let sink = 0;
function before(list: Delta[]): number {
  const t0 = process.hrtime.bigint();
  for (const event of list)
    for (let c = 0; c < clients; c++)
      sink += encodeBinaryAudio(
        BinaryAudioKind.agentDelta,
        event.format,
        Buffer.from(event.delta, 'base64'),
        {
          agent_id: event.agent_id,
          agent_name: event.agent_name,
          response_id: event.response_id,
          item_id: event.item_id,
        },
      ).byteLength;
  return Number(process.hrtime.bigint() - t0) / list.length;
}
function after(list: Delta[]): number {
  const t0 = process.hrtime.bigint();
  for (const event of list) for (let c = 0; c < clients; c++) sink += agentDeltaFrame(event).byteLength;
  return Number(process.hrtime.bigint() - t0) / list.length;
}

const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < rounds; r++) {
  a.push(before(events()));
  b.push(after(events()));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
console.log(
  `clients=${clients} deltas=${N} x ${rounds} rounds (load ${loadavg()[0]?.toFixed(2)}): ` +
    `decode+frame per client ${median(a).toFixed(0)} ns/delta, shared frame ${median(b).toFixed(0)} ns/delta, ` +
    `${(median(a) / median(b)).toFixed(2)}x (${sink > 0 ? 'ok' : ''})`,
);

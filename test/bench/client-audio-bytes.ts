/**
 * What a binary client frame's audio append costs to build and hand on: `parseClientAudioBytes` and
 * `clientAudioBytes` on 20 ms of 24 kHz PCM16, as the gateway does for every binary frame (and the
 * room for relayed and phone audio). Prints ns per frame over rounds; run it on two versions,
 * alternating, to compare.
 *
 *   node --expose-gc --conditions=@chorus/source --import tsx test/bench/client-audio-bytes.ts [rounds=5]
 */
import { loadavg } from 'node:os';
import { base64FromBytes } from '@chorus/audio';
import { clientAudioBytes, parseClientAudioBytes } from '@chorus/protocol';

const rounds = Number(process.argv[2] ?? 5);
const FRAMES = 200_000;
const format = { type: 'audio/pcm', rate: 24000 } as const;
const bytes = new Uint8Array(960);
const gc = (globalThis as { gc?: () => void }).gc;
let sink = 0;

function run(): number {
  gc?.();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < FRAMES; i++) {
    const parsed = parseClientAudioBytes(bytes, format, undefined, base64FromBytes);
    if (parsed.ok) sink += clientAudioBytes(parsed.event)?.byteLength ?? 0;
  }
  return Number(process.hrtime.bigint() - t0) / FRAMES;
}

run();
const times = Array.from({ length: rounds }, run);
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
if (sink === 0) throw new Error('no bytes were handed on');
console.log(
  `parseClientAudioBytes + clientAudioBytes, ${FRAMES} frames x ${rounds} rounds (load ${loadavg()[0]?.toFixed(2)}): ` +
    `${median.toFixed(0)} ns/frame (${times.map((t) => t.toFixed(0)).join(' ')})`,
);

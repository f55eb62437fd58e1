/**
 * The energy gate before the VAD, old against new, in one process and interleaved: WebRTC VAD on
 * every 20 ms frame at 16 kHz, against the gated VAD, on a silent stream (digital silence, and the
 * constant-offset frames the density benchmark sends) and on noisy speech-band sound (where the gate
 * must pass every frame on). Prints ns per frame.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/vad-gate.ts [rounds=7]
 */
import { loadavg } from 'node:os';
import { addNoise, generateSilence, generateTone } from '@chorus/audio';
import { energyGated } from '../../packages/local/src/vad/energy-gate.js';
import { createFvad } from '../../packages/local/src/vad/fvad-vad.js';
import type { Vad } from '../../packages/local/src/vad/vad.js';

const rounds = Number(process.argv[2] ?? 7);
const FRAMES = 20_000;
const streams: Record<string, Int16Array> = {
  'digital silence': generateSilence(20, 16000),
  'constant offset': new Int16Array(320).fill(1285),
  'speech-band tone in noise': addNoise(generateTone(180, 20, 16000, 0.3), 0.05, 1),
};

function time(vad: Vad, frame: Int16Array): number {
  let speech = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < FRAMES; i++) if (vad.isSpeech(frame)) speech++;
  return Number(process.hrtime.bigint() - t0) / FRAMES + speech * 0;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
for (const [name, frame] of Object.entries(streams)) {
  const plain = await createFvad({ mode: 2 });
  const gated = energyGated(await createFvad({ mode: 2 }));
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(time(plain, frame));
    b.push(time(gated, frame));
  }
  console.log(
    `${name} (load ${loadavg()[0]?.toFixed(2)}): VAD ${median(a).toFixed(0)} ns/frame, gated ${median(b).toFixed(0)} ns/frame, ` +
      `${(median(a) / median(b)).toFixed(2)}x; frames answered by the gate ${gated.skipped}/${FRAMES * rounds}`,
  );
  plain.dispose();
  gated.dispose();
}

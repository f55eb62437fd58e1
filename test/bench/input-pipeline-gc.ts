/**
 * What a hundred silent sessions on the local model cost the collector: 100 input pipelines (the
 * WebRTC VAD and turn detection, as `LocalModel` sets them up) each fed 20 ms chunks of quiet noise,
 * round robin, as a gateway receives them. Prints the time per chunk and the collections seen
 * (`PerformanceObserver` 'gc': count, total and longest pause per kind) and the old generation's
 * growth. Run it on two versions of the pipeline, interleaved, to compare.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/input-pipeline-gc.ts [sessions=100] [seconds=20]
 */
import { loadavg } from 'node:os';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { addNoise, bytesFromPcm16 } from '@chorus/audio';
import { INPUT_RATE, InputPipeline } from '../../packages/local/src/model/input-pipeline.js';
import { createFvad } from '../../packages/local/src/vad/fvad-vad.js';

const sessions = Number(process.argv[2] ?? 100);
const seconds = Number(process.argv[3] ?? 20);
const format = { type: 'audio/pcm', rate: INPUT_RATE } as const;
// 64 different chunks of light noise, each a fresh buffer per push as a socket delivers it.
const chunks = Array.from({ length: 64 }, (_, i) =>
  bytesFromPcm16(addNoise(new Int16Array(INPUT_RATE / 50), 0.003, i + 1)),
);

const pipelines: InputPipeline[] = [];
for (let s = 0; s < sessions; s++) {
  const vad = await createFvad({ sampleRate: INPUT_RATE, frameMs: 20, mode: 2 });
  const pipeline = new InputPipeline(
    vad,
    { prefixPaddingMs: 300, silenceDurationMs: 500, minSpeechMs: 200 },
    {
      onSpeechStarted: () => {},
      onSpeechStopped: () => {},
      onError: (e) => {
        throw e;
      },
    },
    true,
  );
  await pipeline.prepare(format);
  pipelines.push(pipeline);
}

const kinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
const gcs: { kind: string; ms: number }[] = [];
let measuring = false;
const observer = new PerformanceObserver((list) => {
  if (!measuring) return;
  for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind: number } })[])
    gcs.push({ kind: kinds[e.detail?.kind ?? -1] ?? 'other', ms: e.duration });
});
observer.observe({ entryTypes: ['gc'] });

function feed(frames: number): void {
  for (let f = 0; f < frames; f++) {
    for (const [s, pipeline] of pipelines.entries())
      pipeline.push((chunks[(f + s) & 63] as Uint8Array).slice(), format);
  }
}

const oldSpace = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;
feed(100); // warm-up: 2 s of audio per session
measuring = true;
const oldBefore = oldSpace();
const t0 = process.hrtime.bigint();
const frames = seconds * 50;
feed(frames);
const ns = Number(process.hrtime.bigint() - t0);
await new Promise((r) => setTimeout(r, 50));
measuring = false;
const oldAfter = oldSpace();
const summary = Object.entries(
  gcs.reduce<Record<string, number[]>>((acc, g) => {
    acc[g.kind] = [...(acc[g.kind] ?? []), g.ms];
    return acc;
  }, {}),
)
  .map(
    ([kind, ms]) =>
      `${kind} ${ms.length} x, ${ms.reduce((a, b) => a + b, 0).toFixed(0)} ms total, longest ${Math.max(...ms).toFixed(1)} ms`,
  )
  .join('; ');
console.log(
  `${sessions} sessions x ${seconds} s of quiet audio (load ${loadavg()[0]?.toFixed(2)}): ` +
    `${(ns / (frames * sessions)).toFixed(0)} ns per chunk; ${summary}; ` +
    `old space ${((oldAfter - oldBefore) / 1048576).toFixed(1)} MB more`,
);
for (const p of pipelines) p.dispose();

// Figures for the embedded local model. Run: node --conditions=@chorus/source --import tsx packages/local/bench/local.ts
// (or any TypeScript runner that honours the "@chorus/source" export condition).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { addNoise, generateSilence, generateTone } from '@chorus/audio';
import type { SessionConfig } from '@chorus/core';
import type { ModelEvent } from '@chorus/protocol';
import { createFvad, EspeakWasmTts, LocalModel, rulesBrain } from '../src/index.js';

const session: SessionConfig = {
  instructions: '',
  tools: [],
  modalities: ['audio', 'text'],
  inputAudioFormat: { type: 'audio/pcm', rate: 16000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'server_vad' },
  inputTranscription: false,
};

const REPLY =
  'Sure. The weather in Paris is sunny with a light breeze, and it should stay that way until the evening. ' +
  'Tomorrow looks a little cloudier, but still dry. Is there anything else I can help you with today?';

const brain = rulesBrain({ intents: [{ match: /.*/, reply: REPLY }] });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function firstAudioDelay(): Promise<number[]> {
  const model = new LocalModel({ brain, transcriber: null, vad: null });
  await model.connect(session);
  const delays: number[] = [];
  for (let i = 0; i < 11; i++) {
    const started = performance.now();
    const first = new Promise<number>((resolve) => {
      const sub = model.events$.subscribe((e: ModelEvent) => {
        if (e.type === 'model_response_audio_delta') {
          sub.unsubscribe();
          resolve(performance.now() - started);
        }
      });
    });
    model.send({ type: 'text', text: 'weather?' });
    // The end-of-turn decision is the moment the response is asked for (what VAD's stop does).
    model.createResponse();
    const delay = await first;
    model.cancelResponse();
    if (i > 0) delays.push(delay); // the first one is cold
    await new Promise((r) => setTimeout(r, 20));
  }
  await model.close();
  return delays;
}

async function ttsSpeed(): Promise<{ realtime: number; coldMs: number }> {
  const tts = new EspeakWasmTts();
  const t0 = performance.now();
  await tts.synthesize('Warming up.');
  const coldMs = performance.now() - t0;
  let audioMs = 0;
  const t1 = performance.now();
  for (let i = 0; i < 10; i++) {
    const speech = await tts.synthesize(REPLY);
    audioMs += (speech.audio.length / speech.sampleRate) * 1000;
  }
  const wallMs = performance.now() - t1;
  await tts.dispose();
  return { realtime: audioMs / wallMs, coldMs };
}

/**
 * The floor under the figure above: the same TTS (warm, same worker) synthesizing the reply's first
 * sentence directly, without the model, its brain or its speaker.
 */
async function ttsFirstSentence(): Promise<number[]> {
  const tts = new EspeakWasmTts();
  await tts.synthesize('Warming up.');
  const out: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await tts.synthesize('Sure.');
    out.push(performance.now() - t0);
  }
  await tts.dispose();
  return out;
}

async function vadCost(): Promise<number> {
  const vad = await createFvad({ frameMs: 20 });
  const signal = addNoise(
    new Int16Array([...generateSilence(500, 16000), ...generateTone(300, 500, 16000)]),
    0.01,
    1,
  );
  const frames: Int16Array[] = [];
  for (let i = 0; i + 320 <= signal.length; i += 320) frames.push(signal.slice(i, i + 320));
  let flagged = 0;
  const rounds = 2000;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const frame of frames) if (vad.isSpeech(frame)) flagged++;
  const perFrameUs = ((performance.now() - t0) * 1000) / (rounds * frames.length);
  vad.dispose();
  if (flagged === 0) throw new Error('VAD flagged nothing');
  return perFrameUs;
}

async function loopDelayWhileSpeaking(agents: number): Promise<{ p99: number; max: number; deltas: number }> {
  const models = Array.from(
    { length: agents },
    () => new LocalModel({ brain, transcriber: null, vad: null }),
  );
  await Promise.all(models.map((m) => m.connect({ ...session, voice: 'alloy' })));
  let deltas = 0;
  const done = models.map(
    (m) =>
      new Promise<void>((resolve) => {
        m.events$.subscribe((e) => {
          if (e.type === 'model_response_audio_delta') deltas++;
          if (e.type === 'model_response_done') resolve();
        });
      }),
  );
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  for (const m of models) {
    m.send({ type: 'text', text: 'go' });
    m.createResponse();
  }
  await Promise.all(done);
  histogram.disable();
  await Promise.all(models.map((m) => m.close()));
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, deltas };
}

const delays = await firstAudioDelay();
console.log(
  `end-of-turn decision -> first audio delta (warm, rules brain, espeak wasm): median ${median(delays).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms`,
);
const floor = await ttsFirstSentence();
console.log(
  `baseline: the TTS alone on the first sentence (warm): median ${median(floor).toFixed(1)} ms, max ${Math.max(...floor).toFixed(1)} ms`,
);
const tts = await ttsSpeed();
console.log(
  `TTS speed (espeak-ng wasm in a worker, warm): ${tts.realtime.toFixed(0)}x real time (first synthesis ${tts.coldMs.toFixed(0)} ms cold, including worker start)`,
);
console.log(
  `VAD cost (WebRTC VAD wasm, 20 ms frame at 16 kHz): ${(await vadCost()).toFixed(2)} us per frame`,
);
const loop = await loopDelayWhileSpeaking(10);
console.log(
  `event-loop delay while 10 LocalModels speak at once (real time, ${loop.deltas} audio deltas): p99 ${loop.p99.toFixed(2)} ms, max ${loop.max.toFixed(2)} ms`,
);
// Machine-readable figures for test/bench/run-all.ts.
console.log(
  `BENCH_JSON ${JSON.stringify({ voiceToVoiceMs: delays, ttsFloorMs: floor, loopP99Ms: loop.p99 })}`,
);

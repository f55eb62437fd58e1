/**
 * Barge-in latency with the local model's VAD: a client talks over an agent that is speaking; the
 * figure is the time from the first speech frame the client sends (loopback: the moment it reaches
 * the gateway) to `agent_response_interrupted` arriving back at the client. Also counts false
 * barge-ins (noise bursts and clicks that cut the agent off) and the cost of the voicing test.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/barge-in.ts [--quick]
 *
 * run-all.ts imports the measuring functions; run on its own, this file prints its figures.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resamplePcm16 } from '@chorus/audio';
import { RealtimeAgent } from '@chorus/core';
import { createFvad, EspeakWasmTts, LocalModel, rulesBrain, VoicingDetector } from '@chorus/local';
import { createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import WebSocket from 'ws';
import { show, summarize } from './stats.js';

/**
 * The barge-in setting of the LocalModel (undefined: the model's default, the speech-onset rule). A
 * number is `interruptOnsetMs`; it and `voicedOnset` belong to the earlier `'voiced-share'` rule, which
 * they select.
 */
export type BargeInSetting =
  | number
  | undefined
  | { readonly interruptOnsetMs?: number; readonly voicedOnset?: boolean };

function modelSetting(setting: BargeInSetting): {
  bargeIn?: 'voiced-share';
  interruptOnsetMs?: number;
  voicedOnset?: boolean;
} {
  if (setting === undefined) return {};
  if (typeof setting === 'number') return { bargeIn: 'voiced-share', interruptOnsetMs: setting };
  return {
    bargeIn: 'voiced-share',
    ...(setting.interruptOnsetMs !== undefined ? { interruptOnsetMs: setting.interruptOnsetMs } : {}),
    ...(setting.voicedOnset !== undefined ? { voicedOnset: setting.voicedOnset } : {}),
  };
}

const LONG_REPLY =
  'Let me tell you about the weather across the whole country this week, region by region, in some detail, ' +
  'starting in the north where it will be cold and windy, and then moving south where it is milder.';

/** A spoken interruption at 16 kHz, starting at its first voiced sample. */
async function interruptionSpeech(): Promise<Int16Array> {
  // Real speech (espeak-ng), since WebRTC VAD is built to ignore steady tones.
  const tts = new EspeakWasmTts();
  const spoken = await tts.synthesize('Wait, stop, I have a question about the weather in the south.');
  await tts.dispose();
  const resampled = await resamplePcm16(spoken.audio, spoken.sampleRate, 16000);
  // Start at the first voiced sample, so the figure does not include the clip's leading silence.
  const onset = Math.max(
    0,
    resampled.findIndex((v) => Math.abs(v) > 1000),
  );
  return resampled.subarray(onset);
}

/**
 * The baseline: the same speech into a LocalModel directly (no gateway, no agent, no socket), from
 * the first frame to `model_input_started`. What is left above it is the gateway's and agent's share.
 */
export async function vadOnlyLatencies(repetitions: number, setting?: BargeInSetting): Promise<number[]> {
  const speech = await interruptionSpeech();
  const out: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const model = new LocalModel({
      brain: rulesBrain({ intents: [{ match: /.*/, reply: LONG_REPLY }] }),
      transcriber: null,
      ...modelSetting(setting),
    });
    await model.connect({
      instructions: '',
      tools: [],
      modalities: ['audio', 'text'],
      inputAudioFormat: { type: 'audio/pcm', rate: 16000 },
      outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
      turnDetection: { type: 'server_vad' },
      inputTranscription: false,
    });
    const silence = new Uint8Array(640);
    for (let i = 0; i < 25; i++)
      model.send({ type: 'audio', audio: silence, format: { type: 'audio/pcm', rate: 16000 } });
    // Speaking, as in the gateway figure: the interrupt onset applies only while a response plays.
    const speaking = new Promise<void>((resolve) => {
      const sub = model.events$.subscribe((e) => {
        if (e.type === 'model_response_audio_delta') {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    model.send({ type: 'text', text: 'weather please' });
    model.createResponse();
    await speaking;
    const started = new Promise<number>((resolve) => {
      const sub = model.events$.subscribe((e) => {
        if (e.type === 'model_input_started') {
          sub.unsubscribe();
          resolve(performance.now());
        }
      });
    });
    const frame = (i: number) => {
      const start = (i * 320) % (speech.length - 320);
      const samples = speech.subarray(start, start + 320);
      model.send({
        type: 'audio',
        audio: new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength),
        format: { type: 'audio/pcm', rate: 16000 },
      });
    };
    const t0 = performance.now();
    let i = 0;
    frame(i++);
    const pacer = setInterval(() => frame(i++), 20);
    out.push((await started) - t0);
    clearInterval(pacer);
    await model.close();
  }
  return out;
}

/**
 * What the client sends while the agent speaks. False barge-ins: `cough` a 100 ms white-noise burst,
 * `cough-shaped` 100 ms of lowpassed noise with a cough's fast attack and decay, `click` a 3 ms
 * impulse; `speech-60ms` is the first 60 ms of a word: speech, which may interrupt.
 */
export type FalseBargeInStimulus = 'cough' | 'cough-shaped' | 'click' | 'speech-60ms';
type Stimulus = 'speech' | FalseBargeInStimulus;

/** A seeded generator of uniform values in [-1, 1), so every run sends the same noises. */
function noiseSource(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}

/** 100 ms of loud white noise (peak 8000): a broadband burst like a knock or a harsh cough. */
function coughNoise(seed: number): Int16Array {
  const random = noiseSource(seed);
  const out = new Int16Array(1600);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(random() * 8000);
  return out;
}

/**
 * 100 ms shaped like a real cough: white noise through two one-pole lowpass filters at 1.2 kHz, a 5 ms
 * attack and a 30 ms exponential decay, peak 13000.
 */
function coughShaped(seed: number): Int16Array {
  const random = noiseSource(seed);
  const alpha = 1 - Math.exp((-2 * Math.PI * 1200) / 16000);
  const shaped = new Float64Array(1600);
  let first = 0;
  let second = 0;
  let peak = 0;
  for (let i = 0; i < shaped.length; i++) {
    first += alpha * (random() - first);
    second += alpha * (first - second);
    const t = i / 16000;
    shaped[i] = second * Math.min(1, t / 0.005) * Math.exp(-t / 0.03);
    peak = Math.max(peak, Math.abs(shaped[i] as number));
  }
  return Int16Array.from(shaped, (v) => Math.round((v / peak) * 13000));
}

/** A 3 ms click: noise decaying with a 0.5 ms time constant from a peak of 20000. */
function clickImpulse(seed: number): Int16Array {
  const random = noiseSource(seed);
  return Int16Array.from({ length: 48 }, (_, i) => Math.round(random() * 20000 * Math.exp(-i / 8)));
}

/** One measurement per repetition, in ms (barge-in latency), with the given setting. */
export function bargeInLatencies(repetitions: number, setting?: BargeInSetting): Promise<number[]> {
  return bargeInTrials(repetitions, 'speech', setting);
}

/**
 * False barge-ins: how many of `repetitions` short sounds (see {@link FalseBargeInStimulus}; each
 * repetition has its own noise) interrupted the agent within 1 s.
 */
export async function falseBargeIns(
  repetitions: number,
  stimulus: FalseBargeInStimulus,
  setting?: BargeInSetting,
): Promise<number> {
  const results = await bargeInTrials(repetitions, stimulus, setting);
  return results.filter((r) => Number.isFinite(r)).length;
}

function stimulusSound(stimulus: Stimulus, speech: Int16Array, seed: number): Int16Array {
  switch (stimulus) {
    case 'speech':
      return speech;
    case 'cough':
      return coughNoise(seed);
    case 'cough-shaped':
      return coughShaped(seed);
    case 'click': {
      // Somewhere inside the first frame, as a click has no reason to fall on a frame boundary.
      const out = new Int16Array(320);
      out.set(clickImpulse(seed), (seed * 97) % (320 - 48));
      return out;
    }
    case 'speech-60ms':
      return speech.subarray(0, 960);
  }
}

async function bargeInTrials(
  repetitions: number,
  stimulus: Stimulus,
  setting: BargeInSetting,
): Promise<number[]> {
  const server = createChorusServer({
    rooms: {
      local: () =>
        new RealtimeAgent({
          name: 'local',
          instructions: '',
          model: new LocalModel({
            brain: rulesBrain({ intents: [{ match: /.*/, reply: LONG_REPLY }] }),
            transcriber: null,
            ...modelSetting(setting),
          }),
        }),
    },
    auth: { apiKeys: ['bench-key'] },
    logger: pino({ level: 'silent' }),
    limits: { messagesPerSecond: 1e4, messageBurst: 1e4 },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const speech = await interruptionSpeech();
  const silence = new Int16Array(320);
  const out: number[] = [];
  try {
    for (let r = 0; r < repetitions; r++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/bench/b${r}`, {
        headers: { Authorization: 'Bearer bench-key' },
        perMessageDeflate: false,
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const waiters: { type: string; resolve: (at: number) => void }[] = [];
      ws.on('message', (data, binary) => {
        if (binary) return;
        const type = (JSON.parse(data.toString()) as { type: string }).type;
        const at = performance.now();
        for (const w of waiters.filter((w) => w.type === type)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(at);
        }
      });
      const next = (type: string) =>
        new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${type} within 20 s`)), 20_000);
          waiters.push({
            type,
            resolve: (at) => {
              clearTimeout(timer);
              resolve(at);
            },
          });
        });
      const send = (event: unknown) => ws.send(JSON.stringify(event));
      const frame = (samples: Int16Array) =>
        send({
          type: 'client_audio_append',
          audio: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64'),
          format: { type: 'audio/pcm', rate: 16000 },
        });
      const created = next('server_session_created');
      send({ type: 'client_session_create', config: {} });
      await created;
      // Silence first, so the VAD has a noise floor (as a microphone would give it).
      for (let i = 0; i < 25; i++) frame(silence);
      const speaking = next('agent_response_audio_delta');
      send({ type: 'client_text_append', text: 'weather please' });
      send({ type: 'client_response_create' });
      await speaking;
      const interrupted = next('agent_response_interrupted');
      const firstSpeech = performance.now();
      // Speech goes on until the interruption; a short sound is followed by silence.
      const sound = stimulusSound(stimulus, speech, r + 1);
      const frameAt = (i: number) => {
        if (stimulus !== 'speech') {
          if (i * 320 >= sound.length) return silence;
          const frame = new Int16Array(320);
          frame.set(sound.subarray(i * 320, (i + 1) * 320));
          return frame;
        }
        const start = (i * 320) % (sound.length - 320);
        return sound.subarray(start, start + 320);
      };
      let i = 1;
      const pacer = setInterval(() => frame(frameAt(i++)), 20);
      frame(frameAt(0));
      try {
        if (stimulus === 'speech') out.push((await interrupted) - firstSpeech);
        else {
          const quiet = new Promise<number>((r) => setTimeout(() => r(Number.NaN), 1000));
          out.push(await Promise.race([interrupted.then((at) => at - firstSpeech), quiet]));
          interrupted.catch(() => {});
        }
      } finally {
        clearInterval(pacer);
        ws.terminate();
      }
    }
  } finally {
    await server.close();
  }
  return out;
}

/** Microseconds per call of the voicing test (with and without the previous frame) and of the VAD. */
export async function voicingCost(iterations = 20_000): Promise<{
  withPrevious: number;
  alone: number;
  vad: number;
}> {
  const speech = await interruptionSpeech();
  const frames: Int16Array[] = [];
  for (let i = 0; i + 320 <= Math.min(speech.length, 320 * 50); i += 320)
    frames.push(speech.subarray(i, i + 320));
  const detector = new VoicingDetector();
  const vad = await createFvad();
  const time = (run: (i: number) => unknown): number => {
    let sink = 0;
    for (let i = 0; i < 2000; i++) sink += run(i) ? 1 : 0;
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) sink += run(i) ? 1 : 0;
    const us = ((performance.now() - t0) * 1000) / iterations;
    if (sink < 0) console.log(sink);
    return us;
  };
  const frame = (i: number) => frames[i % frames.length] as Int16Array;
  const previous = (i: number) => frames[(i + frames.length - 1) % frames.length] as Int16Array;
  const result = {
    withPrevious: time((i) => detector.isVoiced(frame(i), previous(i))),
    alone: time((i) => detector.isVoiced(frame(i))),
    vad: time((i) => vad.isSpeech(frame(i))),
  };
  vad.dispose();
  return result;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const reps = quick ? 2 : 7;
  const falseReps = quick ? 2 : 10;
  const settings: [string, BargeInSetting][] = [
    ["default (bargeIn: 'speech-onset')", undefined],
    ["bargeIn: 'voiced-share', interruptOnsetMs: 200 (conservative)", 200],
  ];
  console.log(`Barge-in: first speech frame -> interruption, ${reps} runs each, median (min-max, n) ms`);
  for (const [label, setting] of settings) {
    const gateway = summarize(await bargeInLatencies(reps, setting));
    const direct = summarize(await vadOnlyLatencies(reps, setting));
    console.log(`  ${label}: gateway -> client ${show(gateway, 0)}; LocalModel alone ${show(direct, 0)}`);
  }
  const falseSettings: [string, BargeInSetting][] = [
    ...settings,
    ["bargeIn: 'voiced-share', voicedOnset: false (60 ms, no voicing test)", { voicedOnset: false }],
  ];
  const kinds: [FalseBargeInStimulus, string][] = [
    ['cough', '100 ms white-noise burst'],
    ['cough-shaped', '100 ms cough-shaped burst (lowpassed, fast attack and decay)'],
    ['click', '3 ms click'],
  ];
  console.log(`\nFalse barge-ins: interrupted within 1 s, of ${falseReps} (each with its own noise)`);
  for (const [label, setting] of falseSettings) {
    const counts: string[] = [];
    for (const [kind, name] of kinds) counts.push(`${name} ${await falseBargeIns(falseReps, kind, setting)}`);
    console.log(`  ${label}: ${counts.join('; ')}`);
  }
  console.log(
    `\nSpeech, not counted as false: the first 60 ms of a word, interrupted within 1 s, of ${falseReps}`,
  );
  for (const [label, setting] of falseSettings)
    console.log(`  ${label}: ${await falseBargeIns(falseReps, 'speech-60ms', setting)}`);
  const cost = await voicingCost(quick ? 2000 : 20_000);
  console.log(
    `\nVoicing test per 20 ms frame: ${cost.withPrevious.toFixed(1)} µs with the previous frame (as used), ` +
      `${cost.alone.toFixed(1)} µs alone; WebRTC VAD ${cost.vad.toFixed(1)} µs`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
  process.exit(0);
}

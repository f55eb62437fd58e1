/**
 * Barge-in latency with the local model's VAD: a client talks over an agent that is speaking; the
 * figure is the time from the first speech frame the client sends (loopback: the moment it reaches
 * the gateway) to `agent_response_interrupted` arriving back at the client.
 */
import { resamplePcm16 } from '@chorus/audio';
import { RealtimeAgent } from '@chorus/core';
import { EspeakWasmTts, LocalModel, rulesBrain } from '@chorus/local';
import { createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import WebSocket from 'ws';

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
export async function vadOnlyLatencies(repetitions: number, interruptOnsetMs?: number): Promise<number[]> {
  const speech = await interruptionSpeech();
  const out: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const model = new LocalModel({
      brain: rulesBrain({ intents: [{ match: /.*/, reply: LONG_REPLY }] }),
      transcriber: null,
      ...(interruptOnsetMs !== undefined ? { interruptOnsetMs } : {}),
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

/** What the client sends while the agent speaks. */
type Stimulus = 'speech' | 'cough' | 'click';

/** 100 ms of loud broadband noise: the shape of a cough or a knock on the table. */
function coughNoise(): Int16Array {
  const out = new Int16Array(1600);
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = ((seed / 0x7fffffff) * 2 - 1) * 8000;
  }
  return out;
}

/** One measurement per repetition, in ms (barge-in latency), with the given interrupt onset. */
export function bargeInLatencies(repetitions: number, interruptOnsetMs?: number): Promise<number[]> {
  return bargeInTrials(repetitions, 'speech', interruptOnsetMs);
}

/**
 * False barge-ins: how many of `repetitions` short non-speech sounds (a 100 ms cough-like noise burst, or
 * the first 60 ms of a word, like a click or an 'mm') interrupted the agent within 1 s.
 */
export async function falseBargeIns(
  repetitions: number,
  stimulus: 'cough' | 'click',
  interruptOnsetMs?: number,
): Promise<number> {
  const results = await bargeInTrials(repetitions, stimulus, interruptOnsetMs);
  return results.filter((r) => Number.isFinite(r)).length;
}

async function bargeInTrials(
  repetitions: number,
  stimulus: Stimulus,
  interruptOnsetMs?: number,
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
            ...(interruptOnsetMs !== undefined ? { interruptOnsetMs } : {}),
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
      // Speech goes on until the interruption; a cough or click is followed by silence.
      const sound =
        stimulus === 'speech' ? speech : stimulus === 'cough' ? coughNoise() : speech.subarray(0, 960);
      const frameAt = (i: number) => {
        if (stimulus !== 'speech' && (i + 1) * 320 > sound.length) return silence;
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

import {
  addNoise,
  bytesFromPcm16,
  generateSilence,
  generateTone,
  muLawEncode,
  Resampler,
  resamplePcm16,
} from '@chorus/audio';
import { TestClock } from '@chorus/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EspeakWasmTts,
  LocalModel,
  NO_TRANSCRIBER_MESSAGE,
  NOT_TRANSCRIBED_MESSAGE,
  rulesBrain,
} from '../src/index.js';
import { click, coughBurst, placed, whiteNoise } from './barge-in-signals.js';
import { EventLog, session } from './helpers.js';

const brain = rulesBrain({
  intents: [{ match: ['story'], reply: 'Once upon a time there was a small robot who liked to talk a lot.' }],
});

/** 300 ms silence, 400 ms of a 300 Hz tone, `tailMs` of silence, light noise throughout, 16 kHz. */
function toneTurn(tailMs = 1000): Int16Array {
  const signal = new Int16Array(((700 + tailMs) * 16000) / 1000);
  signal.set(generateSilence(300, 16000), 0);
  signal.set(generateTone(300, 400, 16000, 0.5), 4800);
  return addNoise(signal, 0.01, 3);
}

function sendInChunks(model: LocalModel, samples: Int16Array, chunkMs = 20, rate = 16000): void {
  const step = (rate * chunkMs) / 1000;
  for (let i = 0; i < samples.length; i += step) {
    model.send({
      type: 'audio',
      audio: bytesFromPcm16(samples.subarray(i, i + step)),
      format: { type: 'audio/pcm', rate },
    });
  }
}

const models: LocalModel[] = [];
afterEach(async () => {
  await Promise.all(models.splice(0).map((m) => m.close()));
});

function makeModel(options: Partial<ConstructorParameters<typeof LocalModel>[0]> = {}): LocalModel {
  const model = new LocalModel({ brain, transcriber: null, tts: null, ...options });
  models.push(model);
  return model;
}

describe('LocalModel turn detection (WebRTC VAD)', () => {
  it('reports a tone turn with exact audio_start_ms / audio_end_ms on the stream clock', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    await model.connect(
      session({ turnDetection: { type: 'server_vad', prefixPaddingMs: 200, silenceDurationMs: 500 } }),
    );
    sendInChunks(model, toneTurn());
    await model.inputDrained();
    // The tone runs 300-700 ms; the WebRTC VAD's own hangover keeps flagging until 820 ms, then
    // 500 ms of silence end the turn at 1320 ms. The start is dated at 300 - 200 ms of padding.
    expect(log.of('model_input_started').map((e) => e.audio_start_ms)).toEqual([100]);
    expect(log.of('model_input_done').map((e) => e.audio_end_ms)).toEqual([1320]);
    expect(log.of('model_input_done')[0]?.item_id).toBe(log.of('model_input_started')[0]?.item_id);
  });

  it('does not start a turn on a 60 ms click nor on the noisy start of the stream', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    await model.connect(session());
    const signal = new Int16Array(16000);
    signal.set(generateTone(300, 60, 16000, 0.5), 8000);
    sendInChunks(model, addNoise(signal, 0.01, 3));
    await model.inputDrained();
    expect(log.of('model_input_started')).toEqual([]);
  });

  it('takes G.711 u-law at 8 kHz and PCM16 at 48 kHz', async () => {
    for (const rate of [8000, 48000]) {
      const model = makeModel();
      const log = new EventLog(model);
      await model.connect(
        session({ turnDetection: { type: 'server_vad', prefixPaddingMs: 200, silenceDurationMs: 500 } }),
      );
      const resampler = await Resampler.create({ inputRate: 16000, outputRate: rate });
      const converted = resampler.process(toneTurn());
      resampler.dispose();
      if (rate === 8000) {
        const ulaw = muLawEncode(converted);
        for (let i = 0; i < ulaw.length; i += 160) {
          model.send({
            type: 'audio',
            audio: ulaw.subarray(i, i + 160),
            format: { type: 'audio/pcmu', rate: 8000 },
          });
        }
      } else sendInChunks(model, converted, 20, rate);
      await model.inputDrained();
      const start = log.of('model_input_started')[0]?.audio_start_ms ?? -1;
      const end = log.of('model_input_done')[0]?.audio_end_ms ?? -1;
      // the resamplers' filter delays move the edges by a frame or two
      expect(start).toBeGreaterThanOrEqual(80);
      expect(start).toBeLessThanOrEqual(140);
      expect(end).toBeGreaterThanOrEqual(1280);
      expect(end).toBeLessThanOrEqual(1380);
    }
  });

  it('explains once, clearly, that speech cannot be transcribed, and tells each later turn it was not', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    await model.connect(session());
    sendInChunks(model, toneTurn());
    sendInChunks(model, toneTurn().subarray(2400));
    await model.inputDrained();
    await model.transcriptionsDone();
    expect(log.of('model_input_done')).toHaveLength(2);
    expect(log.of('model_error')).toEqual([
      {
        type: 'model_error',
        error_type: 'transcription_unavailable',
        code: 'no_transcriber',
        message: NO_TRANSCRIBER_MESSAGE,
        fatal: false,
      },
      {
        type: 'model_error',
        error_type: 'transcription_unavailable',
        code: 'no_transcriber',
        message: NOT_TRANSCRIBED_MESSAGE,
        fatal: false,
      },
    ]);
    expect(NO_TRANSCRIBER_MESSAGE).toContain('npx -p @chorus/cli chorus speech install');
    expect(NO_TRANSCRIBER_MESSAGE).toContain('apt-get install pocketsphinx pocketsphinx-en-us');
  });
});

describe('LocalModel barge-in', () => {
  async function speakingModel(
    interruptResponse?: boolean,
    options: Partial<ConstructorParameters<typeof LocalModel>[0]> = {},
  ) {
    const clock = new TestClock();
    const model = makeModel({ clock, tts: 'auto', ...options });
    const log = new EventLog(model);
    await model.connect(
      session({
        turnDetection: {
          type: 'server_vad',
          ...(interruptResponse !== undefined ? { interruptResponse } : {}),
        },
      }),
    );
    model.send({ type: 'text', text: 'tell me a story' });
    model.createResponse();
    await log.next('model_response_audio_delta');
    clock.increment(400);
    return { model, log, clock };
  }

  // The tone stands in for speech with the earlier rule; the default rule does not take a tone for a voice.
  const voicedShare = { bargeIn: 'voiced-share' } as const;

  it('stops the audio at once when the user starts speaking', async () => {
    const { model, log, clock } = await speakingModel(undefined, voicedShare);
    const sentBefore = log.of('model_response_audio_delta').length;
    expect(sentBefore).toBe(11);
    sendInChunks(model, toneTurn(0).subarray(0, 8000));
    await model.inputDrained();
    const types = log.types();
    const started = types.indexOf('model_input_started');
    expect(started).toBeGreaterThan(0);
    // nothing more was sent after speech was detected, and the response ended as cancelled
    expect(types.slice(started).filter((t) => t === 'model_response_audio_delta')).toEqual([]);
    const done = await log.next('model_response_done', { seen: true });
    expect(done.status).toBe('cancelled');
    clock.increment(2000);
    expect(log.of('model_response_audio_delta')).toHaveLength(sentBefore);
    expect(log.of('model_response_audio_transcript_done')[0]?.transcript).toBe(log.transcript());
  });

  it('keeps talking when interrupt_response is false', async () => {
    const { model, log, clock } = await speakingModel(false, voicedShare);
    sendInChunks(model, toneTurn(0).subarray(0, 8000));
    await model.inputDrained();
    expect(log.of('model_input_started')).toHaveLength(1);
    const sent = log.of('model_response_audio_delta').length;
    clock.increment(400);
    expect(log.of('model_response_audio_delta').length).toBe(sent + 10);
    expect(log.of('model_response_done')).toHaveLength(0);
  });

  /** Sends 300 ms of noise then a tone frame by frame; returns how many tone frames started the turn. */
  async function toneFramesUntilStarted(model: LocalModel, log: EventLog): Promise<number> {
    const turn = toneTurn(0);
    for (let i = 0; i < turn.length / 320; i++) {
      sendInChunks(model, turn.subarray(i * 320, (i + 1) * 320));
      await model.inputDrained();
      if (log.of('model_input_started').length > 0) return i + 1 - 15;
    }
    return -1;
  }

  it("with bargeIn 'voiced-share', interrupts a voiced onset after 60 ms, after 200 ms with interruptOnsetMs: 200", async () => {
    const fast = await speakingModel(undefined, voicedShare);
    // the VAD flags the tone from its first frame, and it is voiced: 3 frames of 20 ms
    expect(await toneFramesUntilStarted(fast.model, fast.log)).toBe(3);
    expect((await fast.log.next('model_response_done', { seen: true })).status).toBe('cancelled');
    const slow = await speakingModel(undefined, { ...voicedShare, interruptOnsetMs: 200 });
    expect(await toneFramesUntilStarted(slow.model, slow.log)).toBe(10);
  });

  it('passes voicedOnset settings to the voicing test', async () => {
    // a level floor above the tone's: never voiced, so the onset waits for the minimum speech
    const strict = await speakingModel(undefined, { ...voicedShare, voicedOnset: { minRms: 30000 } });
    expect(await toneFramesUntilStarted(strict.model, strict.log)).toBe(10);
  });

  it('does not shorten turn starts while nothing plays', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    await model.connect(session());
    expect(await toneFramesUntilStarted(model, log)).toBe(10);
  });

  /**
   * Sends 300 ms of light noise, `sound`, then light noise up to 1.3 s, frame by frame; returns after how
   * many frames of the sound a turn started, or -1 when none did.
   */
  async function soundFramesUntilStarted(
    model: LocalModel,
    log: EventLog,
    sound: Int16Array,
  ): Promise<number> {
    const signal = addNoise(placed(sound, 300, 1300), 0.01, 3);
    for (let i = 0; i < signal.length / 320; i++) {
      sendInChunks(model, signal.subarray(i * 320, (i + 1) * 320));
      await model.inputDrained();
      if (log.of('model_input_started').length > 0) return i + 1 - 15;
    }
    return -1;
  }

  const noises = {
    'a 100 ms white-noise burst': () => whiteNoise(100, 0.25, 7),
    'a 100 ms cough-like burst': () => coughBurst(100, 0.4, 11),
    'a 3 ms click': () => click(3, 0.6, 3),
  };

  for (const [name, sound] of Object.entries(noises)) {
    it(`keeps talking through ${name}, which interrupts only the voiced-share rule with voicedOnset: false`, async () => {
      const { model, log, clock } = await speakingModel();
      expect(await soundFramesUntilStarted(model, log, sound())).toBe(-1);
      const sent = log.of('model_response_audio_delta').length;
      clock.increment(400);
      expect(log.of('model_response_audio_delta').length).toBe(sent + 10);
      expect(log.of('model_response_done')).toEqual([]);
      // the VAD does flag it as speech: without the voicing test it cuts the response off
      const unguarded = await speakingModel(undefined, { ...voicedShare, voicedOnset: false });
      expect(await soundFramesUntilStarted(unguarded.model, unguarded.log, sound())).toBe(3);
      expect((await unguarded.log.next('model_response_done', { seen: true })).status).toBe('cancelled');
    });
  }

  it('interrupts on spoken words (espeak-ng) after 40 ms (10 ms analysis hops)', async () => {
    const tts = new EspeakWasmTts();
    try {
      const spoken = await tts.synthesize('Wait, I have a question.');
      const audio = await resamplePcm16(spoken.audio, spoken.sampleRate, 16000);
      const words = audio.subarray(audio.findIndex((v) => Math.abs(v) > 1000));
      const { model, log } = await speakingModel();
      expect(await soundFramesUntilStarted(model, log, words)).toBe(2);
      expect((await log.next('model_response_done', { seen: true })).status).toBe('cancelled');
    } finally {
      await tts.dispose();
    }
  });

  it('a short voiced sound interrupts but is not a turn: the response stays cancelled, nothing is answered', async () => {
    const { model, log, clock } = await speakingModel(undefined, voicedShare);
    const sent = log.of('model_response_audio_delta').length;
    // 40 ms of tone in noise at 500 ms (the VAD's hangover stretches it), then a second of quiet
    const signal = new Int16Array(24000);
    signal.set(generateTone(300, 40, 16000, 0.5), 8000);
    sendInChunks(model, addNoise(signal, 0.01, 3));
    await model.inputDrained();
    await model.transcriptionsDone();
    expect(log.of('model_input_started')).toHaveLength(1);
    expect(log.of('model_input_done')).toHaveLength(1);
    expect((await log.next('model_response_done', { seen: true })).status).toBe('cancelled');
    clock.increment(2000);
    expect(log.of('model_response_audio_delta')).toHaveLength(sent);
    // an unconfirmed turn is not transcribed: no 'no transcriber' error, no new response
    expect(log.of('model_error')).toEqual([]);
    expect(log.of('model_response_created')).toHaveLength(1);
  });

  /** espeak-ng's `text` at 16 kHz from its first sound on. */
  async function spoken(text: string, voice?: string): Promise<Int16Array> {
    const tts = new EspeakWasmTts();
    try {
      const speech = await tts.synthesize(text, voice ? { voice } : undefined);
      const audio = await resamplePcm16(speech.audio, speech.sampleRate, 16000);
      return audio.subarray(audio.findIndex((v) => Math.abs(v) > 300));
    } finally {
      await tts.dispose();
    }
  }

  it('interrupts a word that starts unvoiced ("stop") within 4 frames by default; the earlier rule waited for its vowel', async () => {
    const words = await spoken('Stop, please.');
    const { model, log } = await speakingModel();
    const n = await soundFramesUntilStarted(model, log, words);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(4);
    expect((await log.next('model_response_done', { seen: true })).status).toBe('cancelled');
    const earlier = await speakingModel(undefined, voicedShare);
    expect(await soundFramesUntilStarted(earlier.model, earlier.log, words)).toBeGreaterThan(6);
  });

  it('keeps talking through a steady tone by default, however long; the earlier rule stopped after 3 frames', async () => {
    const { model, log, clock } = await speakingModel();
    const tone = generateTone(300, 900, 16000, 0.5);
    expect(await soundFramesUntilStarted(model, log, tone)).toBe(-1);
    const sent = log.of('model_response_audio_delta').length;
    clock.increment(400);
    expect(log.of('model_response_audio_delta').length).toBe(sent + 10);
    const earlier = await speakingModel(undefined, voicedShare);
    expect(await soundFramesUntilStarted(earlier.model, earlier.log, tone)).toBe(3);
  });
});

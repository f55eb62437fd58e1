import { addNoise, generateTone, resamplePcm16 } from '@chorus/audio';
import { afterAll, describe, expect, it } from 'vitest';
import { createFvad, EspeakWasmTts, VoicingDetector } from '../src/index.js';
import { click, coughBurst, frames, harmonicTone, placed, whiteNoise } from './barge-in-signals.js';

/** The voiced flag of every frame of `signal`, each measured with the frame before it. */
function voicedFlags(detector: VoicingDetector, signal: Int16Array): boolean[] {
  const all = frames(signal);
  return all.map((frame, i) => detector.isVoiced(frame, all[i - 1]));
}

const count = (flags: boolean[]) => flags.filter(Boolean).length;

describe('VoicingDetector', () => {
  const detector = new VoicingDetector();

  it('finds a harmonic-rich 150 Hz tone voiced in every frame, with its pitch', () => {
    const tone = harmonicTone(150, 200);
    expect(voicedFlags(detector, tone)).toEqual(new Array(10).fill(true));
    const all = frames(tone);
    const measured = detector.measure(all[5] as Int16Array, all[4]);
    expect(measured.voiced).toBe(true);
    expect(measured.periodicity).toBeGreaterThan(0.95);
    // 8 kHz analysis: the lag is a whole number of samples (53 -> 150.9 Hz)
    expect(Math.abs(measured.pitchHz - 150)).toBeLessThan(2);
  });

  it('finds a low (80 Hz) and a high (300 Hz) voice, and a pure tone, voiced', () => {
    // the first frame has no frame before it: a 20 ms window holds too few 12.5 ms periods
    expect(voicedFlags(detector, harmonicTone(80, 200))).toEqual([false, ...new Array(9).fill(true)]);
    expect(count(voicedFlags(detector, harmonicTone(300, 200)))).toBe(10);
    expect(count(voicedFlags(detector, generateTone(220, 200, 16000, 0.3)))).toBe(10);
  });

  it('finds white noise, a cough-like burst, clicks and silence unvoiced', () => {
    for (let seed = 1; seed <= 10; seed++) {
      expect(count(voicedFlags(detector, whiteNoise(200, 0.25, seed)))).toBe(0);
      expect(count(voicedFlags(detector, placed(coughBurst(100, 0.4, seed), 30, 200)))).toBe(0);
      expect(count(voicedFlags(detector, placed(click(3, 0.6, seed), 50, 200)))).toBe(0);
    }
    const impulse = new Int16Array(3200);
    impulse[1000] = 30000;
    expect(count(voicedFlags(detector, impulse))).toBe(0);
    expect(detector.measure(new Int16Array(320))).toEqual({
      voiced: false,
      periodicity: 0,
      pitchHz: 0,
      rms: 0,
    });
  });

  it('finds a voice in noise voiced, and a decaying ringing click not', () => {
    const noisy = addNoise(harmonicTone(120, 200, 0.3), 0.1, 4);
    expect(count(voicedFlags(detector, noisy))).toBe(10);
    // 300 Hz ringing decaying with a 3 ms time constant: periodic, but each period far weaker than the last
    const ringing = new Int16Array(3200);
    for (let i = 0; i < 480; i++)
      ringing[1000 + i] = Math.round(20000 * Math.sin((2 * Math.PI * 300 * i) / 16000) * Math.exp(-i / 48));
    expect(count(voicedFlags(detector, ringing))).toBe(0);
  });

  it('leaves frames below the level floor unvoiced, however periodic', () => {
    const quiet = harmonicTone(150, 100, 0.005);
    const all = frames(quiet);
    const measured = detector.measure(all[2] as Int16Array, all[1]);
    expect(measured.rms).toBeLessThan(200);
    expect(measured.voiced).toBe(false);
    expect(count(voicedFlags(new VoicingDetector({ minRms: 20 }), quiet))).toBe(5);
  });

  it('without the previous frame, still finds a 150 Hz voice (pitches under 100 Hz need it)', () => {
    const all = frames(harmonicTone(150, 100));
    expect(all.map((frame) => detector.isVoiced(frame))).toEqual([true, true, true, true, true]);
    const low = frames(harmonicTone(70, 100));
    expect(detector.isVoiced(low[2] as Int16Array, low[1])).toBe(true);
  });

  it('takes 8 kHz frames', () => {
    const narrow = new VoicingDetector({ sampleRate: 8000 });
    const tone = harmonicTone(150, 200);
    const at8k = new Int16Array(tone.length / 2).map((_, i) => tone[2 * i] as number);
    const halves: Int16Array[] = [];
    for (let i = 0; i + 160 <= at8k.length; i += 160) halves.push(at8k.subarray(i, i + 160));
    expect(halves.map((f, i) => narrow.isVoiced(f, halves[i - 1]))).toEqual(new Array(10).fill(true));
    const noise = whiteNoise(200, 0.25, 2).subarray(0, 1600);
    expect(narrow.isVoiced(noise.subarray(160, 320), noise.subarray(0, 160))).toBe(false);
  });

  it('rejects bad settings by name', () => {
    expect(() => new VoicingDetector({ sampleRate: 44100 })).toThrow(
      /voicing: sampleRate must be 16000 or 8000, got 44100/,
    );
    expect(() => new VoicingDetector({ minPitchHz: 400, maxPitchHz: 100 })).toThrow(
      /voicing: need 0 < minPitchHz < maxPitchHz <= 1000, got 400 and 100/,
    );
    expect(() => new VoicingDetector({ threshold: 0 })).toThrow(/threshold must be in \(0, 1\], got 0/);
    expect(() => new VoicingDetector({ minRms: -1 })).toThrow(/minRms must be >= 0, got -1/);
  });

  describe('on speech (espeak-ng, resampled to 16 kHz)', () => {
    const tts = new EspeakWasmTts();
    afterAll(() => tts.dispose());

    async function speech(text: string): Promise<Int16Array> {
      const spoken = await tts.synthesize(text);
      const audio = await resamplePcm16(spoken.audio, spoken.sampleRate, 16000);
      // from the first audible sample, as a microphone hears a word start
      return audio.subarray(audio.findIndex((v) => Math.abs(v) > 1000));
    }

    it('finds a vowel-only phrase voiced nearly throughout, and its onset at once', async () => {
      const flags = voicedFlags(detector, await speech('No no no.'));
      expect(flags.length).toBeGreaterThan(20);
      expect(count(flags) / flags.length).toBeGreaterThan(0.9);
      expect(count(flags.slice(0, 3))).toBe(3);
    });

    it('finds 2 of the first 3 frames of "wait" voiced', async () => {
      expect(
        count(voicedFlags(detector, await speech('Wait, I have a question.')).slice(0, 3)),
      ).toBeGreaterThan(1);
    });

    it('finds the hiss of "s" unvoiced although the VAD calls it speech', async () => {
      const audio = await speech('Stop.');
      const vad = await createFvad();
      const all = frames(audio);
      const vadFlags = all.map((frame) => vad.isSpeech(frame));
      vad.dispose();
      const flags = voicedFlags(detector, audio);
      // the fricative and the stop burst: the first 100 ms
      expect(flags.slice(0, 5)).toEqual([false, false, false, false, false]);
      expect(vadFlags.slice(0, 4)).toEqual([true, true, true, true]);
      // then the vowel
      expect(count(flags.slice(5, 10))).toBeGreaterThan(2);
    });
  });
});

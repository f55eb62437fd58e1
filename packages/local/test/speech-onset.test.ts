import { addNoise, generateTone } from '@chorus/audio';
import { describe, expect, it } from 'vitest';
import { SpeechOnsetDetector } from '../src/index.js';
import {
  click,
  coughBurst,
  frames,
  glidingVowel,
  harmonicTone,
  joined,
  placed,
  sibilant,
  whiteNoise,
} from './barge-in-signals.js';

const ONSET_AT_MS = 300;

/**
 * Feeds 300 ms of light background and then `sound` (in the same background) frame by frame, as while
 * a response plays; returns how many frames of the sound were pushed when the onset was confirmed, or
 * -1 when it never was.
 */
function framesToOnset(sound: Int16Array, detector = new SpeechOnsetDetector(), totalMs = 1500): number {
  const signal = addNoise(placed(sound, ONSET_AT_MS, totalMs), 0.005, 9);
  const all = frames(signal);
  const first = ONSET_AT_MS / 20;
  for (let i = 0; i < all.length; i++) if (detector.push(all[i] as Int16Array)) return i + 1 - first;
  return -1;
}

describe('SpeechOnsetDetector', () => {
  it('confirms an unvoiced (sibilant) onset within 3 frames, long before its vowel', () => {
    // 's' for 150 ms, then the vowel: the voiced rule alone would need 8 frames or more
    const word = joined(sibilant(150, 0.08), glidingVowel(130, 115, 300));
    const n = framesToOnset(word);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(3);
  });

  it('confirms a voiced onset with a gliding pitch within 4 frames (3 with 20 ms hops)', () => {
    // Linear glides of 3-14 % over 400 ms, slower than most onsets: at 10 ms hops each step is about
    // the least drift (0.3 %), so the slow ones take a frame more than with the 20 ms analysis.
    for (const [from, to] of [
      [120, 105],
      [90, 100],
      [220, 250],
    ] as const) {
      const n = framesToOnset(glidingVowel(from, to, 400));
      expect(n, `${from} -> ${to} Hz`).toBeGreaterThan(0);
      expect(n, `${from} -> ${to} Hz`).toBeLessThanOrEqual(4);
      const coarse = framesToOnset(glidingVowel(from, to, 400), new SpeechOnsetDetector({ hopMs: 20 }));
      expect(coarse, `${from} -> ${to} Hz, 20 ms hops`).toBeGreaterThan(0);
      expect(coarse, `${from} -> ${to} Hz, 20 ms hops`).toBeLessThanOrEqual(3);
    }
  });

  it('judges each 20 ms frame in two 10 ms hops: a sibilant is confirmed within its first frame', () => {
    const word = joined(sibilant(150, 0.08), glidingVowel(130, 115, 300));
    expect(framesToOnset(word)).toBe(1);
    expect(framesToOnset(word, new SpeechOnsetDetector({ hopMs: 20 }))).toBe(2);
  });

  it('confirms speech in noise: a sibilant 15 dB over white noise', () => {
    const detector = new SpeechOnsetDetector();
    const word = joined(sibilant(150, 0.2), glidingVowel(130, 115, 300, 0.3));
    // white noise of peak 0.03 (rms about 0.017): the hiss is about 15 dB above it
    const signal = addNoise(placed(word, ONSET_AT_MS, 1200), 0.03, 4);
    const all = frames(signal);
    let at = -1;
    for (let i = 0; i < all.length && at < 0; i++) if (detector.push(all[i] as Int16Array)) at = i + 1 - 15;
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThanOrEqual(4);
  });

  it('never confirms a click, a double click or typing', () => {
    for (let seed = 1; seed <= 8; seed++) {
      expect(framesToOnset(click(3, 0.6, seed))).toBe(-1);
      const typing = joined(...[0, 1, 2, 3, 4].map((k) => placed(click(5, 0.4, seed + k), 0, 110 + 10 * k)));
      expect(framesToOnset(typing)).toBe(-1);
    }
  });

  it('never confirms a steady tone, a chord or a held note, however long', () => {
    expect(framesToOnset(generateTone(440, 1200, 16000, 0.3))).toBe(-1);
    expect(framesToOnset(generateTone(300, 1200, 16000, 0.5))).toBe(-1);
    expect(framesToOnset(harmonicTone(220, 1200))).toBe(-1);
    expect(framesToOnset(harmonicTone(110, 1200))).toBe(-1);
    const chord = new Int16Array(16000);
    for (const hz of [261.6, 329.6, 392]) {
      const tone = generateTone(hz, 1000, 16000, 0.2);
      for (let i = 0; i < chord.length; i++) chord[i] = (chord[i] as number) + (tone[i] as number);
    }
    expect(framesToOnset(chord)).toBe(-1);
  });

  it('never confirms a cough-like burst, a white-noise burst or a low thump', () => {
    for (let seed = 1; seed <= 8; seed++) {
      expect(framesToOnset(coughBurst(250, 0.4, seed))).toBe(-1);
      expect(framesToOnset(whiteNoise(100, 0.25, seed))).toBe(-1);
      // 300 ms of white noise: 15 hops of hiss as flat as an f, never tilted enough for a fricative
      expect(framesToOnset(whiteNoise(300, 0.25, seed))).toBe(-1);
    }
    // a 60 Hz thump decaying over 400 ms, like a door
    const thump = Int16Array.from({ length: 6400 }, (_, i) =>
      Math.round(20000 * Math.sin((2 * Math.PI * 60 * i) / 16000) * Math.exp(-i / 2400)),
    );
    expect(framesToOnset(thump)).toBe(-1);
  });

  it('only learns the floor from observed frames: they never confirm', () => {
    const detector = new SpeechOnsetDetector();
    const signal = addNoise(placed(glidingVowel(120, 105, 400), 300, 900), 0.005, 9);
    for (const frame of frames(signal)) detector.observe(frame);
    // after reset, pushing the same audio confirms it
    detector.reset();
    expect(framesToOnset(glidingVowel(120, 105, 400), detector)).toBeGreaterThan(0);
  });

  it('rejects bad settings, naming the field', () => {
    expect(() => new SpeechOnsetDetector({ fricativeFrames: 0 })).toThrow(/fricativeFrames .* got 0/);
    expect(() => new SpeechOnsetDetector({ voicedFrames: 4 })).toThrow(
      /voicedFrames must be 1, 2 or 3, got 4/,
    );
    expect(() => new SpeechOnsetDetector({ minPitchDrift: -1 })).toThrow(/minPitchDrift must be >= 0/);
    expect(() => new SpeechOnsetDetector({ marginDb: Number.NaN })).toThrow(/marginDb must be >= 0/);
    expect(() => new SpeechOnsetDetector({ hopMs: 5 as 10 })).toThrow(/hopMs must be 10 or 20, got 5/);
  });
});

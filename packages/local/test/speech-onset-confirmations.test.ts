import { addNoise } from '@chorus/audio';
import { describe, expect, it } from 'vitest';
import { SpeechOnsetDetector, type SpeechOnsetOptions } from '../src/index.js';
import { coughBurst, frames, joined, RATE, whiteNoise } from './barge-in-signals.js';

/**
 * The confirmations added to the speech onset rule after the first barge-in corpus figures: sibilant
 * hiss (sh), top-band hiss (f, th above pink or brown noise), murmurs (m, n, r, w) and the fade guard on
 * voicing (a thump). Each test shows the behaviour with the confirmation on and off, so that it fails
 * if the confirmation stops working.
 */

const samplesFor = (ms: number) => Math.round((ms * RATE) / 1000);
const LEAD_MS = 400;

/** Brown noise (integrated white noise, slightly leaky), peak about `level`: most energy below 200 Hz. */
function brownNoise(ms: number, level: number, seed = 21): Int16Array {
  const white = addNoise(new Int16Array(samplesFor(ms)), 1, seed);
  const raw = new Float64Array(white.length);
  let acc = 0;
  let peak = 0;
  for (let i = 0; i < white.length; i++) {
    acc = 0.995 * acc + (white[i] as number);
    raw[i] = acc;
    peak = Math.max(peak, Math.abs(acc));
  }
  return Int16Array.from(raw, (v) => Math.round((v / peak) * level * 32767));
}

/** `sound` mixed into `background` from `LEAD_MS` on (clipped to 16 bits). */
function over(background: Int16Array, sound: Int16Array): Int16Array {
  const out = Int16Array.from(background);
  const at = samplesFor(LEAD_MS);
  for (let i = 0; i < sound.length && at + i < out.length; i++)
    out[at + i] = Math.max(-32768, Math.min(32767, (out[at + i] as number) + (sound[i] as number)));
  return out;
}

/** Frames of `signal` pushed after the lead before the onset was confirmed (-1: never). */
function framesToOnset(signal: Int16Array, options: SpeechOnsetOptions = {}): number {
  const detector = new SpeechOnsetDetector(options);
  const all = frames(signal);
  const first = LEAD_MS / 20;
  for (let i = 0; i < all.length; i++) {
    const frame = all[i] as Int16Array;
    if (i < first) detector.observe(frame);
    else if (detector.push(frame)) return i + 1 - first;
  }
  return -1;
}

/** White noise through a two-pole resonator at `hz` (Q about 1.5), rising over 20 ms: an sh's hiss. */
function resonantHiss(ms: number, hz: number, level: number, seed = 5): Int16Array {
  const white = whiteNoise(ms, 1, seed);
  const w = (2 * Math.PI * hz) / RATE;
  const r = Math.exp(-w / 3);
  const a1 = 2 * r * Math.cos(w);
  const a2 = -r * r;
  const raw = new Float64Array(white.length);
  let y1 = 0;
  let y2 = 0;
  let peak = 0;
  for (let i = 0; i < white.length; i++) {
    const y = (white[i] as number) + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    raw[i] = y * Math.min(1, i / samplesFor(20));
    peak = Math.max(peak, Math.abs(raw[i] as number));
  }
  return Int16Array.from(raw, (v) => Math.round((v / peak) * level * 32767));
}

/**
 * A periodic sound whose pitch follows `pitchAt` (Hz at each second), with `partials` as the amplitudes
 * of its harmonics, rising over 40 ms: `[1, 0.5, 0.3, 0.2]` is a nasal murmur (most energy at the
 * fundamental, too little above it for the voicing rule), `[1]` a pure tone.
 */
function tone(
  pitchAt: (seconds: number) => number,
  ms: number,
  level: number,
  partials: number[],
): Int16Array {
  const n = samplesFor(ms);
  const out = new Int16Array(n);
  const sum = partials.reduce((a, b) => a + b, 0);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * pitchAt(i / RATE)) / RATE;
    let v = 0;
    partials.forEach((a, h) => {
      v += a * Math.sin((h + 1) * phase);
    });
    out[i] = Math.round((v / sum) * Math.min(1, i / samplesFor(40)) * level * 32767);
  }
  return out;
}

const NASAL = [1, 0.5, 0.3, 0.2];
/** A nasal murmur gliding from `fromHz` to `toHz` over `ms`. */
const murmur = (fromHz: number, toHz: number, ms: number, level: number) =>
  tone((t) => fromHz + ((toHz - fromHz) * t * 1000) / ms, ms, level, NASAL);

/**
 * A thump whose pitch wavers down as it decays (a footstep): harmonics of 92 -> 88 Hz, decaying with a
 * 20 ms time constant. Its second and third hops are periodic with a gliding pitch, as a vowel's are;
 * only its fall in level tells it apart.
 */
function wavering(ms: number, level: number): Int16Array {
  const n = samplesFor(ms);
  const out = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * (92 - (4 * i) / n)) / RATE;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(h * phase) / h;
    out[i] = Math.round((v / 1.85) * Math.exp(-i / samplesFor(20)) * level * 32767);
  }
  return out;
}

describe('SpeechOnsetDetector: sibilants, top-band hiss, murmurs', () => {
  const quiet = () => addNoise(new Int16Array(samplesFor(1400)), 0.003, 9);

  it('confirms an sh (hiss around 3.5 kHz, flatter than an s) on its third hop, and not without `sibilant`', () => {
    const sh = resonantHiss(300, 3500, 0.1);
    const n = framesToOnset(over(quiet(), sh));
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(2);
    expect(framesToOnset(over(quiet(), sh), { confirm: { sibilant: false } })).toBe(-1);
  });

  it('hears a weak flat hiss (an f) in brown noise by its top band, and not without `topBand`', () => {
    const f = whiteNoise(300, 0.02, 8);
    const signal = over(brownNoise(1400, 0.3), f);
    const n = framesToOnset(signal);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(3);
    expect(framesToOnset(signal, { confirm: { topBand: false } })).toBe(-1);
    // the brown noise alone never confirms
    expect(framesToOnset(brownNoise(1400, 0.3))).toBe(-1);
  });

  it('never confirms a burst of white noise over a quiet room (static, a puff on the microphone), 40-300 ms', () => {
    for (const ms of [40, 60, 100, 300])
      for (const level of [0.05, 0.25])
        for (let seed = 1; seed <= 4; seed++)
          expect(framesToOnset(over(quiet(), whiteNoise(ms, level, seed)))).toBe(-1);
  });

  it('still never confirms a cough-like burst (its hiss stops below the top band)', () => {
    for (let seed = 1; seed <= 8; seed++)
      expect(framesToOnset(over(quiet(), coughBurst(250, 0.4, seed)))).toBe(-1);
  });

  it('confirms a murmur (an n gliding up) by its pitch, and not without `murmur`', () => {
    const n = murmur(200, 236, 300, 0.3);
    const at = framesToOnset(over(quiet(), n));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThanOrEqual(5);
    expect(framesToOnset(over(quiet(), n), { confirm: { murmur: false } })).toBe(-1);
  });

  it('adds no interruption on vibrato (a flute, a singer), a pure tone sweeping like a siren, or a high glide', () => {
    // What the rule without the later confirmations does with each (a rich tone with vibrato glides as a
    // voice does, and that rule takes it in the end): the later confirmations must not add or hasten any.
    const previous = { confirm: { sibilant: false, topBand: false, murmur: false } };
    const vibrato = (hz: number, depth: number, rate: number, partials: number[]) =>
      tone((t) => hz * (1 + depth * Math.sin(2 * Math.PI * rate * t)), 1500, 0.2, partials);
    const sounds = [
      vibrato(440, 0.02, 5.5, [1]),
      vibrato(330, 0.025, 5, [1, 0.5, 0.33]),
      vibrato(220, 0.02, 6, NASAL),
      // a pure tone sweeping 200 -> 400 Hz in a second: a voice's range, no harmonics
      tone((t) => 200 + 200 * t, 1000, 0.2, [1]),
      // a murmur-like sound gliding above a voice's pitch
      tone((t) => 340 + 120 * t, 600, 0.3, NASAL),
    ];
    for (const sound of sounds) {
      const before = framesToOnset(over(quiet(), sound), previous);
      const now = framesToOnset(over(quiet(), sound));
      expect(now === -1 || now >= before).toBe(true);
      expect(now === -1).toBe(before === -1);
    }
    // the pure tones never confirm at all
    expect(framesToOnset(over(quiet(), sounds[0] as Int16Array))).toBe(-1);
    expect(framesToOnset(over(quiet(), sounds[3] as Int16Array))).toBe(-1);
  });

  it('never confirms a murmur-like tone that holds its pitch (a hum) or a thump that wavers as it decays', () => {
    expect(framesToOnset(over(quiet(), murmur(220, 220, 600, 0.3)))).toBe(-1);
    const steps = joined(wavering(300, 0.4), wavering(300, 0.4), wavering(300, 0.4));
    expect(framesToOnset(over(quiet(), steps))).toBe(-1);
  });
});

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
 * A nasal murmur: a pitch gliding from `fromHz` to `toHz`, almost all of its energy at the fundamental
 * (a tenth at the second harmonic), rising over 40 ms.
 */
function murmur(fromHz: number, toHz: number, ms: number, level: number): Int16Array {
  const n = samplesFor(ms);
  const out = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * (fromHz + ((toHz - fromHz) * i) / n)) / RATE;
    const v = Math.sin(phase) + 0.1 * Math.sin(2 * phase);
    out[i] = Math.round(v * Math.min(1, i / samplesFor(40)) * level * 30000);
  }
  return out;
}

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

  it('confirms a steady full-band hiss as it would an f or an sh: it cannot be told from them (documented)', () => {
    const hiss = over(quiet(), whiteNoise(300, 0.25, 3));
    expect(framesToOnset(hiss)).toBeGreaterThan(0);
    // the rule before these confirmations let it pass
    expect(framesToOnset(hiss, { confirm: { topBand: false, sibilant: false } })).toBe(-1);
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

  it('never confirms a murmur-like tone that holds its pitch (a hum) or a thump that wavers as it decays', () => {
    expect(framesToOnset(over(quiet(), murmur(220, 220, 600, 0.3)))).toBe(-1);
    const steps = joined(wavering(300, 0.4), wavering(300, 0.4), wavering(300, 0.4));
    expect(framesToOnset(over(quiet(), steps))).toBe(-1);
  });
});

import { addNoise } from '@chorus/audio';

/** Test sounds at 16 kHz for voicing and barge-in: voiced tones, and the noises that must not interrupt. */
export const RATE = 16000;

const samplesFor = (ms: number) => Math.round((ms * RATE) / 1000);

/**
 * A harmonic-rich periodic tone, like a vowel's glottal pulses: the first 20 harmonics of `f0` with
 * amplitudes falling as 1/h (a sawtooth), peak about `amplitude` of full scale.
 */
export function harmonicTone(f0: number, ms: number, amplitude = 0.3): Int16Array {
  const out = new Int16Array(samplesFor(ms));
  // The partial sums of a sawtooth peak near 1.85 (Gibbs), so this keeps the peak at `amplitude`.
  const scale = (amplitude * 32767) / 1.85;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    let v = 0;
    for (let h = 1; h <= 20 && h * f0 < RATE / 2; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
    out[i] = Math.round(v * scale);
  }
  return out;
}

/** Uniform white noise of peak `level` (0-1), reproducible by `seed`. */
export function whiteNoise(ms: number, level = 0.25, seed = 7): Int16Array {
  return addNoise(new Int16Array(samplesFor(ms)), level, seed);
}

/**
 * A cough-like burst: white noise through two one-pole lowpass filters at 1.2 kHz, with a 5 ms attack
 * and an exponential decay (30 ms time constant), peak about `level` of full scale.
 */
export function coughBurst(ms = 100, level = 0.4, seed = 11): Int16Array {
  const noise = whiteNoise(ms, 1, seed);
  const alpha = 1 - Math.exp((-2 * Math.PI * 1200) / RATE);
  const shaped = new Float64Array(noise.length);
  let first = 0;
  let second = 0;
  let peak = 0;
  for (let i = 0; i < noise.length; i++) {
    first += alpha * ((noise[i] as number) - first);
    second += alpha * (first - second);
    const t = i / RATE;
    const envelope = Math.min(1, t / 0.005) * Math.exp(-t / 0.03);
    shaped[i] = second * envelope;
    peak = Math.max(peak, Math.abs(shaped[i] as number));
  }
  const out = new Int16Array(noise.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(((shaped[i] as number) / peak) * level * 32767);
  return out;
}

/** A click: `ms` of noise decaying fast (0.5 ms time constant) from about `level` of full scale. */
export function click(ms = 3, level = 0.6, seed = 3): Int16Array {
  const noise = whiteNoise(ms, 1, seed);
  const out = new Int16Array(noise.length);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round((noise[i] as number) * level * Math.exp(-i / (0.0005 * RATE)));
  return out;
}

/** `sound` placed `atMs` into `totalMs` of silence. */
export function placed(sound: Int16Array, atMs: number, totalMs: number): Int16Array {
  const out = new Int16Array(samplesFor(totalMs));
  out.set(sound.subarray(0, Math.max(0, out.length - samplesFor(atMs))), samplesFor(atMs));
  return out;
}

/** The 20 ms frames (320 samples) of `signal`; a trailing partial frame is dropped. */
export function frames(signal: Int16Array): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i + 320 <= signal.length; i += 320) out.push(signal.subarray(i, i + 320));
  return out;
}

/**
 * A vowel-like sound: the first 30 harmonics of a pitch gliding linearly from `fromHz` to `toHz` (as a
 * voice's always does), shaped by a first formant near 600 Hz, with a 30 ms rise; peak about `amplitude`.
 */
export function glidingVowel(fromHz: number, toHz: number, ms: number, amplitude = 0.3): Int16Array {
  const n = samplesFor(ms);
  const raw = new Float64Array(n);
  let phase = 0;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const f0 = fromHz + ((toHz - fromHz) * i) / n;
    phase += (2 * Math.PI * f0) / RATE;
    let v = 0;
    for (let h = 1; h <= 30 && h * f0 < RATE / 2; h++) {
      // A resonance near 600 Hz over a falling source spectrum.
      const formant = 1 / (1 + ((h * f0 - 600) / 300) ** 2);
      v += (Math.sin(h * phase) * (0.3 + formant)) / h;
    }
    raw[i] = v * Math.min(1, i / samplesFor(30));
    peak = Math.max(peak, Math.abs(v));
  }
  return Int16Array.from(raw, (v) => Math.round((v / peak) * amplitude * 32767));
}

/**
 * An 's'-like hiss: white noise through two first differences (a rising, high-frequency spectrum, like
 * a sibilant's 4-8 kHz), with a 20 ms rise and no decay; peak about `level`.
 */
export function sibilant(ms: number, level = 0.1, seed = 5): Int16Array {
  const noise = whiteNoise(ms + 1, 1, seed);
  const n = samplesFor(ms);
  const raw = new Float64Array(n);
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const a = noise[i] as number;
    const b = noise[i + 1] as number;
    const c = noise[i + 2] ?? b;
    raw[i] = (c - 2 * b + a) * Math.min(1, i / samplesFor(20));
    peak = Math.max(peak, Math.abs(raw[i] as number));
  }
  return Int16Array.from(raw, (v) => Math.round((v / peak) * level * 32767));
}

/** `parts` one after the other. */
export function joined(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

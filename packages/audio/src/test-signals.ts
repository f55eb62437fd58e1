import { samplesForMs } from './duration.js';
import { saturatePcm16 } from './saturate.js';
import { seededRandom } from './seeded-random.js';

/**
 * A sine tone as mono PCM16, starting at phase 0, for tests and fakes.
 *
 * @param frequency - in Hz.
 * @param ms - length; rounded to the nearest whole sample.
 * @param rate - sample rate in Hz.
 * @param amplitude - peak as a fraction of full scale, 0..1 (default 0.5, about -9 dBFS).
 * @throws Error when the amplitude is outside 0..1 or the length or rate is invalid.
 */
export function generateTone(frequency: number, ms: number, rate: number, amplitude = 0.5): Int16Array {
  if (!(amplitude >= 0 && amplitude <= 1)) throw new Error(`amplitude must be within 0..1, got ${amplitude}`);
  const out = new Int16Array(samplesForMs(ms, rate));
  const step = (2 * Math.PI * frequency) / rate;
  const peak = amplitude * 32767;
  for (let i = 0; i < out.length; i++) out[i] = Math.round(peak * Math.sin(step * i));
  return out;
}

/** `ms` milliseconds of digital silence (all zeros) at `rate` Hz. */
export function generateSilence(ms: number, rate: number): Int16Array {
  return new Int16Array(samplesForMs(ms, rate));
}

/**
 * Returns a copy of `samples` with uniform white noise added, saturating at the PCM16 limits.
 * The same `seed` always gives the same noise, so tests stay reproducible.
 *
 * @param level - noise peak as a fraction of full scale, 0..1 (uniform noise of peak `p` has rms `p/sqrt(3)`).
 * @param seed - any integer.
 */
export function addNoise(samples: Int16Array, level: number, seed = 1): Int16Array {
  if (!(level >= 0 && level <= 1)) throw new Error(`noise level must be within 0..1, got ${level}`);
  const random = seededRandom(seed);
  const peak = level * 32767;
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const noisy = Math.round((samples[i] ?? 0) + (random() * 2 - 1) * peak);
    out[i] = saturatePcm16(noisy);
  }
  return out;
}

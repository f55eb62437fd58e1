import { seededRandom } from '@chorus/audio';

/**
 * Telephone audio (8 kHz, so nothing above 4 kHz) brought to 16 kHz for a recogniser trained on
 * wideband speech. pocketsphinx's en-us model computes its features over 130-6800 Hz (its
 * `feat.params`, which override the command line), so the mel bands above 4 kHz of such audio hold
 * no energy at all; their log energies sit at the floor, every cepstral coefficient is pulled by
 * them, and the decoder hears nothing it knows ("what's the weather in paris" came back as "what a").
 * Filling the empty band with quiet noise gives those bands the low, steady level they have in
 * wideband recordings of the same speech.
 */

const TAPS = 63;

/** A windowed-sinc low-pass (Hamming) with its cut-off at `cutoff` of the sample rate (0-0.5). */
function lowPass(cutoff: number): Float64Array {
  const h = new Float64Array(TAPS);
  const middle = (TAPS - 1) / 2;
  for (let k = 0; k < TAPS; k++) {
    const m = k - middle;
    const sinc = m === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * m) / (Math.PI * m);
    h[k] = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * k) / (TAPS - 1)));
  }
  return h;
}

function convolve(x: ArrayLike<number>, h: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  const delay = (h.length - 1) / 2;
  for (let i = 0; i < x.length; i++) {
    let acc = 0;
    for (let k = 0; k < h.length; k++) {
      const j = i + delay - k;
      if (j >= 0 && j < x.length) acc += (h[k] ?? 0) * (x[j] ?? 0);
    }
    y[i] = acc;
  }
  return y;
}

/** Low-pass at 5 kHz of a 16 kHz signal: what is left above it is the band telephone audio lacks. */
const DETECT = lowPass(5000 / 16000);
/** Low-pass at 4 kHz; shifted by half the sample rate it becomes the 4-8 kHz band. */
const HALF_BAND = lowPass(0.25);

/**
 * The share of a 16 kHz signal's energy above 5 kHz, in dB (-Infinity for silence). Wideband
 * speech from espeak-ng measures about -20 to -30 dB; 8 kHz audio brought to 16 kHz, below -60 dB.
 */
export function highBandDb(samples: Int16Array): number {
  let total = 0;
  for (const s of samples) total += s * s;
  if (total === 0) return Number.NEGATIVE_INFINITY;
  const low = convolve(samples, DETECT);
  let high = 0;
  for (let i = 0; i < samples.length; i++) {
    const d = (samples[i] ?? 0) - (low[i] ?? 0);
    high += d * d;
  }
  return high === 0 ? Number.NEGATIVE_INFINITY : 10 * Math.log10(high / total);
}

/** Below this share of energy above 5 kHz, 16 kHz audio is taken for narrowband (telephone) audio. */
export const NARROWBAND_BELOW_DB = -45;

/** True when 16 kHz audio carries (next to) nothing above 5 kHz, as 8 kHz audio resampled does. */
export function isNarrowband(samples: Int16Array): boolean {
  const db = highBandDb(samples);
  return Number.isFinite(db) && db < NARROWBAND_BELOW_DB;
}

/**
 * How far below the speech the 4-8 kHz noise sits, in dB. Chosen with test/bench/speech-accuracy.ts
 * (clean 8 kHz requests, one voice): 0/10 intents without the fill; 7/10 at 30 and at 40 dB,
 * 6/10 at 20 dB.
 */
export const DEFAULT_FILL_DB = 30;

/**
 * Adds white noise in the 4-8 kHz band of a 16 kHz signal, `levelDb` below the speech's level
 * (measured over samples louder than the quiet floor). Returns a new array.
 */
export function fillHighBand(samples: Int16Array, levelDb = DEFAULT_FILL_DB): Int16Array {
  let energy = 0;
  let voiced = 0;
  for (const s of samples) {
    if (Math.abs(s) > 100) {
      energy += s * s;
      voiced++;
    }
  }
  if (voiced === 0) return samples.slice();
  const level = Math.sqrt(energy / voiced) / 10 ** (levelDb / 20);
  const random = seededRandom(8000);
  const white = new Float64Array(samples.length);
  for (let i = 0; i < white.length; i++) {
    white[i] = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  }
  const low = convolve(white, HALF_BAND);
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    // (-1)^n moves 0-4 kHz to 4-8 kHz; sqrt 2 restores the power the half-band filter took away.
    const noise = (low[i] ?? 0) * (i % 2 === 0 ? 1 : -1) * Math.SQRT2 * level;
    out[i] = Math.max(-32768, Math.min(32767, Math.round((samples[i] ?? 0) + noise)));
  }
  return out;
}

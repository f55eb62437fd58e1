import { type AudioFormat, bytesPerSample } from './audio-format.js';

/**
 * How long a piece of audio lasts, in milliseconds (fractional; not rounded).
 *
 * @param byteLengthOrSamples - a byte count or encoded bytes in `format` (2 bytes per sample for
 *   `audio/pcm`, 1 for G.711), or already decoded PCM16 samples at `format.rate`.
 * @param format - the wire format; only `rate` matters for decoded samples.
 * @throws Error when the byte count is negative or not an integer, or the rate is not positive.
 */
export function durationMs(
  byteLengthOrSamples: number | Uint8Array | Int16Array,
  format: AudioFormat,
): number {
  if (!(format.rate > 0)) throw new Error(`format.rate must be positive, got ${String(format.rate)}`);
  if (byteLengthOrSamples instanceof Int16Array) return (byteLengthOrSamples.length * 1000) / format.rate;
  const bytes =
    byteLengthOrSamples instanceof Uint8Array ? byteLengthOrSamples.byteLength : byteLengthOrSamples;
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw new Error(`byte length must be a non-negative integer, got ${String(bytes)}`);
  }
  return (bytes / bytesPerSample(format) / format.rate) * 1000;
}

/**
 * How many samples `ms` milliseconds take at `rate` Hz, rounded to the nearest whole sample
 * (20 ms at 16 kHz is 320; 10 ms at 44.1 kHz is 441).
 *
 * @throws Error when `ms` is negative or not finite, or `rate` is not positive.
 */
export function samplesForMs(ms: number, rate: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`ms must be a non-negative finite number, got ${ms}`);
  if (!(rate > 0)) throw new Error(`rate must be positive, got ${rate}`);
  return Math.round((ms * rate) / 1000);
}

/**
 * Root mean square of PCM16 samples on a 0..1 scale (full-scale square wave = 1, a full-scale sine
 * ~0.707). An empty array has rms 0.
 */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    sum += s * s;
  }
  return Math.sqrt(sum / samples.length) / 32768;
}

/**
 * Level in dB relative to full scale, from {@link rms}: 0 dBFS is a full-scale square wave, a
 * full-scale sine is about -3 dBFS, silence is `-Infinity`. Handy for energy-based voice detection
 * thresholds (speech is typically -40 to -10 dBFS, room noise below -50).
 */
export function dbfs(samples: Int16Array): number {
  const level = rms(samples);
  return level === 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(level);
}

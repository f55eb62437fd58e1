/**
 * A streaming resampler for speech: chunks in at `fromRate`, chunks out at `toRate`, continuous across
 * chunk boundaries. Downsampling averages the input over each output sample's span (a box filter)
 * before picking, which keeps the aliasing of 48 kHz microphone audio out of a 16 kHz VAD; upsampling
 * interpolates linearly. Good enough for voice; not a hi-fi resampler.
 */
export class StreamResampler {
  readonly #step: number;
  /** Position of the next output sample, in input samples, relative to the start of `#carry`. */
  #position = 0;
  #carry: Float32Array = new Float32Array(0);

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {
    if (!(fromRate > 0 && toRate > 0)) {
      throw new RangeError(`sample rates must be positive, got ${fromRate} -> ${toRate}`);
    }
    this.#step = fromRate / toRate;
  }

  process(chunk: Float32Array): Float32Array {
    if (this.fromRate === this.toRate) return chunk;
    const input = new Float32Array(this.#carry.length + chunk.length);
    input.set(this.#carry);
    input.set(chunk, this.#carry.length);
    const step = this.#step;
    const out: number[] = [];
    let pos = this.#position;
    if (step > 1) {
      // Each output sample averages the input samples in [pos, pos + step).
      while (pos + step <= input.length) {
        const from = Math.floor(pos);
        const to = Math.floor(pos + step);
        let sum = 0;
        for (let i = from; i < to; i++) sum += input[i] ?? 0;
        out.push(sum / Math.max(1, to - from));
        pos += step;
      }
    } else {
      while (pos + 1 < input.length) {
        const i = Math.floor(pos);
        const frac = pos - i;
        out.push((input[i] ?? 0) * (1 - frac) + (input[i + 1] ?? 0) * frac);
        pos += step;
      }
    }
    const keepFrom = Math.floor(pos);
    this.#carry = input.slice(keepFrom);
    this.#position = pos - keepFrom;
    return Float32Array.from(out);
  }
}

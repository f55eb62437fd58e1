/** Options for {@link FrameChunker}. */
export interface FrameChunkerOptions {
  /** Sample rate of the incoming PCM16, in Hz. */
  rate: number;
  /** Length of each frame in milliseconds; `rate * frameMs / 1000` must be a whole number of samples. */
  frameMs: number;
}

/**
 * Cuts a stream of PCM16 chunks of any size into frames of exactly `frameMs` (for example the 10, 20
 * or 30 ms a WebRTC VAD wants), carrying the remainder over to the next chunk.
 *
 * Each frame returned is a fresh array the caller may keep; apart from that the chunker allocates
 * nothing per chunk (the remainder lives in one frame-sized buffer made up front).
 */
export class FrameChunker {
  /** Samples per frame. */
  readonly frameSamples: number;
  readonly #remainder: Int16Array;
  #remainderLength = 0;

  /** @throws Error when the rate or frame length is not positive or gives a fractional frame. */
  constructor(options: FrameChunkerOptions) {
    const { rate, frameMs } = options;
    if (!(rate > 0) || !(frameMs > 0)) {
      throw new Error(`rate and frameMs must be positive, got rate ${rate} and frameMs ${frameMs}`);
    }
    const samples = (rate * frameMs) / 1000;
    if (!Number.isInteger(samples)) {
      throw new Error(
        `${frameMs} ms at ${rate} Hz is ${samples} samples; a frame must be a whole number of samples`,
      );
    }
    this.frameSamples = samples;
    this.#remainder = new Int16Array(samples);
  }

  /** Samples held back until enough arrive to fill a frame (always fewer than `frameSamples`). */
  get pendingSamples(): number {
    return this.#remainderLength;
  }

  /** Adds a chunk and returns the whole frames now available, oldest first (possibly none). */
  push(samples: Int16Array): Int16Array[] {
    const size = this.frameSamples;
    const frames: Int16Array[] = [];
    let read = 0;
    if (this.#remainderLength > 0) {
      const take = Math.min(size - this.#remainderLength, samples.length);
      this.#remainder.set(samples.subarray(0, take), this.#remainderLength);
      this.#remainderLength += take;
      read = take;
      if (this.#remainderLength < size) return frames;
      frames.push(this.#remainder.slice());
      this.#remainderLength = 0;
    }
    while (samples.length - read >= size) {
      frames.push(samples.slice(read, read + size));
      read += size;
    }
    if (read < samples.length) {
      this.#remainder.set(samples.subarray(read), 0);
      this.#remainderLength = samples.length - read;
    }
    return frames;
  }

  /**
   * Ends the stream: returns the held-back samples padded with silence to a full frame, or
   * `undefined` when nothing is held back. The chunker is then empty and can be reused.
   */
  flush(): Int16Array | undefined {
    if (this.#remainderLength === 0) return undefined;
    const frame = new Int16Array(this.frameSamples);
    frame.set(this.#remainder.subarray(0, this.#remainderLength));
    this.#remainderLength = 0;
    return frame;
  }

  /** Discards held-back samples (for example when the input stream is cleared). */
  reset(): void {
    this.#remainderLength = 0;
  }
}

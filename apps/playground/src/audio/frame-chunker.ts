/**
 * Cuts a stream of samples into frames of exactly `frameSamples` (e.g. 40 ms), so the gateway gets
 * evenly sized `client_audio_append` events whatever block size the audio thread delivers.
 */
export class FrameChunker {
  readonly #buffer: Float32Array;
  #fill = 0;

  constructor(readonly frameSamples: number) {
    if (!Number.isInteger(frameSamples) || frameSamples < 1) {
      throw new RangeError(`frameSamples must be a positive integer, got ${frameSamples}`);
    }
    this.#buffer = new Float32Array(frameSamples);
  }

  /** Adds samples; returns the frames completed by them (possibly none). */
  push(samples: Float32Array): Float32Array[] {
    const frames: Float32Array[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.frameSamples - this.#fill, samples.length - offset);
      this.#buffer.set(samples.subarray(offset, offset + take), this.#fill);
      this.#fill += take;
      offset += take;
      if (this.#fill === this.frameSamples) {
        frames.push(this.#buffer.slice());
        this.#fill = 0;
      }
    }
    return frames;
  }

  /** Drops a partial frame (the microphone stopped). */
  reset(): void {
    this.#fill = 0;
  }
}

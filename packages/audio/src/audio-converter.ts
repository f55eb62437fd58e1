import { type AudioFormat, assertAudioFormat } from './audio-format.js';
import { aLawDecode, aLawEncode, muLawDecode, muLawEncode } from './g711.js';
import { bytesFromPcm16, pcm16FromBytes } from './pcm16.js';
import { Resampler } from './resampler.js';

/**
 * Converts a stream of audio bytes from one Chorus wire format to another: decodes G.711 or PCM16,
 * resamples (keeping filter state across chunks, so 20 ms frames join cleanly), and encodes.
 *
 * At matching rates no resampler is made: a change of encoding only transcodes, and the same
 * format hands its input back untouched.
 *
 * One converter per stream. PCM16 input split in the middle of a sample is fine: the odd byte is
 * held until the next chunk. Call {@link AudioConverter.flush} at the end of a stream for the
 * resampler's tail, and {@link AudioConverter.dispose} to free its wasm memory.
 *
 * @example
 * ```ts
 * const toProvider = await AudioConverter.create({ type: 'audio/pcmu', rate: 8000 }, { type: 'audio/pcm', rate: 24000 });
 * const pcm24k = toProvider.convert(bytesFromBase64(twilioPayload));
 * ```
 */
export class AudioConverter {
  /** The format `convert` accepts. */
  readonly from: AudioFormat;
  /** The format `convert` returns. */
  readonly to: AudioFormat;
  /** Undefined when the rates match: no resampler is made, loaded or run then. */
  readonly #resampler: Resampler | undefined;
  readonly #passThrough: boolean;
  #disposed = false;
  /** The first byte of a PCM16 sample whose second byte has not arrived yet. */
  #pendingByte: number | undefined;
  #droppedBytes = 0;

  private constructor(from: AudioFormat, to: AudioFormat, resampler: Resampler | undefined) {
    this.from = { type: from.type, rate: from.rate };
    this.to = { type: to.type, rate: to.rate };
    this.#resampler = resampler;
    this.#passThrough = from.type === to.type && from.rate === to.rate;
  }

  /**
   * Creates a converter. G.711 formats must say `rate: 8000`.
   *
   * @throws Error (as a rejected promise) naming the bad format field.
   */
  static async create(from: AudioFormat, to: AudioFormat): Promise<AudioConverter> {
    assertAudioFormat(from, 'from');
    assertAudioFormat(to, 'to');
    // Same rate: only the encoding changes (or nothing does), so there is nothing to resample.
    const resampler =
      from.rate === to.rate
        ? undefined
        : await Resampler.create({ inputRate: from.rate, outputRate: to.rate });
    return new AudioConverter(from, to, resampler);
  }

  /** Whether the two formats are the same, so that `convert` hands its input back untouched. */
  get passThrough(): boolean {
    return this.#passThrough;
  }

  /**
   * Bytes of PCM16 input discarded by {@link AudioConverter.flush} because the stream ended halfway
   * through a sample (0 or 1 per flushed stream, summed). Non-zero means the sender is broken.
   */
  get droppedBytes(): number {
    return this.#droppedBytes;
  }

  /**
   * Converts the next chunk of the stream. Returns a new array, or the input itself when the two
   * formats are the same.
   *
   * @throws Error after dispose.
   */
  convert(bytes: Uint8Array): Uint8Array {
    if (this.#disposed) throw new Error('AudioConverter.convert() called after dispose()');
    if (this.#passThrough) return bytes;
    const samples = this.#decode(bytes);
    return this.#encode(this.#resampler ? this.#resampler.process(samples) : samples);
  }

  /**
   * Ends the stream: returns the resampler's remaining samples in the target format and resets, so
   * the converter can carry a new stream. A dangling half PCM16 sample is dropped and counted in
   * {@link AudioConverter.droppedBytes}.
   */
  flush(): Uint8Array {
    if (this.#disposed) throw new Error('AudioConverter.flush() called after dispose()');
    if (this.#pendingByte !== undefined) {
      this.#pendingByte = undefined;
      this.#droppedBytes += 1;
    }
    if (!this.#resampler) return new Uint8Array(0);
    return this.#encode(this.#resampler.flush());
  }

  /** Frees the resampler's wasm memory. Safe to call more than once. */
  dispose(): void {
    this.#disposed = true;
    this.#resampler?.dispose();
  }

  #decode(bytes: Uint8Array): Int16Array {
    switch (this.from.type) {
      case 'audio/pcmu':
        return muLawDecode(bytes);
      case 'audio/pcma':
        return aLawDecode(bytes);
      case 'audio/pcm':
        return this.#decodePcm16(bytes);
    }
  }

  #decodePcm16(bytes: Uint8Array): Int16Array {
    let whole = bytes;
    if (this.#pendingByte !== undefined) {
      whole = new Uint8Array(bytes.byteLength + 1);
      whole[0] = this.#pendingByte;
      whole.set(bytes, 1);
      this.#pendingByte = undefined;
    }
    if (whole.byteLength % 2 === 1) {
      this.#pendingByte = whole[whole.byteLength - 1];
      whole = whole.subarray(0, whole.byteLength - 1);
    }
    return pcm16FromBytes(whole);
  }

  #encode(samples: Int16Array): Uint8Array {
    switch (this.to.type) {
      case 'audio/pcmu':
        return muLawEncode(samples);
      case 'audio/pcma':
        return aLawEncode(samples);
      case 'audio/pcm':
        return bytesFromPcm16(samples);
    }
  }
}

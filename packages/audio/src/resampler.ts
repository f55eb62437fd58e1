import { concatPcm16 } from './pcm16.js';
import { loadSpeexModule, type SpeexResamplerModule } from './speex-module.js';

/** Options for {@link Resampler.create}. */
export interface ResamplerOptions {
  /** Rate of the samples given to `process`, in Hz (a positive integer). */
  inputRate: number;
  /** Rate of the samples it returns, in Hz (a positive integer). */
  outputRate: number;
  /** Interleaved channels per frame; 1 (mono) unless said otherwise. */
  channels?: number;
  /** SpeexDSP quality, 0 (fastest) to 10 (best); {@link DEFAULT_RESAMPLER_QUALITY} unless said otherwise. */
  quality?: number;
  /**
   * Remove the filter's delay from the output. Off (the default), every chunk comes out with exactly
   * `length * outputRate / inputRate` samples (within one, the fraction carrying over to the next
   * chunk), which keeps 20 ms in = 20 ms out for pacing, and the whole stream is shifted later by
   * {@link Resampler.delaySamples} output samples. On, output sample `i` lines up with input time
   * `i / outputRate`, the first chunk comes out shorter by the delay, and `flush()` returns the rest,
   * so a whole stream comes out exactly `round(total * outputRate / inputRate)` samples long.
   */
  compensateDelay?: boolean;
}

/**
 * SpeexDSP quality level used when none is given: 5 is Speex's "desktop" setting, transparent for
 * speech, and costs a few microseconds per 20 ms frame (see `bench/codec.ts`).
 */
export const DEFAULT_RESAMPLER_QUALITY = 5;

const SPEEX_ERRORS: Record<number, string> = {
  1: 'memory allocation failed',
  2: 'bad resampler state',
  3: 'invalid argument',
  4: 'input and output buffers overlap',
  5: 'overflow',
};

/** What a resampler owns inside the shared wasm memory; also what the finalizer frees. */
interface SpeexAllocation {
  module: SpeexResamplerModule;
  state: number;
  /** One block: [inLength u32, outLength u32, error i32, pad]. */
  scalars: number;
  input: number;
  output: number;
}

function freeAllocation(allocation: SpeexAllocation): void {
  const { module } = allocation;
  if (allocation.state !== 0) module._speex_resampler_destroy(allocation.state);
  module._free(allocation.scalars);
  if (allocation.input !== 0) module._free(allocation.input);
  if (allocation.output !== 0) module._free(allocation.output);
  allocation.state = 0;
  allocation.input = 0;
  allocation.output = 0;
}

// A resampler dropped without dispose() would otherwise leak its wasm memory for the process lifetime.
const leakGuard = new FinalizationRegistry<SpeexAllocation>(freeAllocation);

/**
 * A streaming PCM16 sample-rate converter backed by the SpeexDSP resampler compiled to wasm.
 *
 * It keeps the filter's history between calls, so consecutive chunks (say 20 ms frames) join without
 * clicks or gaps, exactly as if the whole stream had been given at once. Create it with
 * {@link Resampler.create}; feed chunks to {@link Resampler.process}; call {@link Resampler.flush} at
 * the end of a stream to get the filter's tail; call {@link Resampler.dispose} to free its wasm memory.
 * When input and output rates are equal no wasm is loaded and `process` returns its input unchanged.
 *
 * Not safe to share between streams: each audio stream needs its own resampler.
 */
export class Resampler {
  /** Rate of the samples given to `process`, in Hz. */
  readonly inputRate: number;
  /** Rate of the samples `process` returns, in Hz. */
  readonly outputRate: number;
  /** Interleaved channels per frame. */
  readonly channels: number;
  /** SpeexDSP quality level, 0-10. */
  readonly quality: number;
  /** Whether the filter delay is removed from the output (see {@link ResamplerOptions.compensateDelay}). */
  readonly compensateDelay: boolean;
  /**
   * How many output frames the output lags the input by, from the filter's length (60 at quality 5
   * for 16 kHz to 24 kHz, 2.5 ms). 0 for an identity resampler or with `compensateDelay`.
   */
  readonly delaySamples: number;

  readonly #allocation: SpeexAllocation | undefined;
  readonly #inputLatency: number;
  #inputCapacity = 0;
  #outputCapacity = 0;
  #framesIn = 0;
  #framesOut = 0;
  #disposed = false;

  private constructor(options: Required<ResamplerOptions>, allocation: SpeexAllocation | undefined) {
    this.inputRate = options.inputRate;
    this.outputRate = options.outputRate;
    this.channels = options.channels;
    this.quality = options.quality;
    this.compensateDelay = options.compensateDelay;
    this.#allocation = allocation;
    if (allocation) {
      const { module, state } = allocation;
      this.#inputLatency = module._speex_resampler_get_input_latency(state);
      this.delaySamples = options.compensateDelay ? 0 : module._speex_resampler_get_output_latency(state);
      if (options.compensateDelay) module._speex_resampler_skip_zeros(state);
      leakGuard.register(this, allocation, this);
    } else {
      this.#inputLatency = 0;
      this.delaySamples = 0;
    }
  }

  /**
   * Creates a resampler. Loads the shared wasm module the first time rates differ.
   *
   * @throws Error (as a rejected promise) naming the option that is out of range.
   */
  static async create(options: ResamplerOptions): Promise<Resampler> {
    const resolved: Required<ResamplerOptions> = {
      inputRate: options.inputRate,
      outputRate: options.outputRate,
      channels: options.channels ?? 1,
      quality: options.quality ?? DEFAULT_RESAMPLER_QUALITY,
      compensateDelay: options.compensateDelay ?? false,
    };
    assertPositiveInteger(resolved.inputRate, 'inputRate');
    assertPositiveInteger(resolved.outputRate, 'outputRate');
    assertPositiveInteger(resolved.channels, 'channels');
    if (!Number.isInteger(resolved.quality) || resolved.quality < 0 || resolved.quality > 10) {
      throw new Error(`quality must be an integer from 0 to 10, got ${String(resolved.quality)}`);
    }
    if (resolved.inputRate === resolved.outputRate) return new Resampler(resolved, undefined);
    const module = await loadSpeexModule();
    const scalars = module._malloc(16);
    const state = module._speex_resampler_init(
      resolved.channels,
      resolved.inputRate,
      resolved.outputRate,
      resolved.quality,
      scalars + 8,
    );
    if (state === 0) {
      const code = module.HEAP32[(scalars + 8) >> 2] ?? 0;
      module._free(scalars);
      throw new Error(
        `Speex resampler init failed for ${resolved.inputRate} Hz -> ${resolved.outputRate} Hz: ${SPEEX_ERRORS[code] ?? `error ${code}`}`,
      );
    }
    return new Resampler(resolved, { module, state, scalars, input: 0, output: 0 });
  }

  /** Whether {@link Resampler.dispose} has been called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Resamples one chunk of the stream (interleaved when `channels` > 1) and returns a new array
   * (the input itself for an identity resampler). The chunk may have any length, including 0.
   *
   * @throws Error after dispose, or when the length is not a whole number of frames.
   */
  process(samples: Int16Array): Int16Array {
    this.#assertUsable('process');
    if (samples.length % this.channels !== 0) {
      throw new Error(
        `chunk of ${samples.length} samples is not a whole number of ${this.channels}-channel frames`,
      );
    }
    const allocation = this.#allocation;
    if (!allocation) return samples;
    this.#framesIn += samples.length / this.channels;
    return this.#run(allocation, samples, Number.POSITIVE_INFINITY);
  }

  /**
   * Ends the current stream: returns the samples still inside the filter (the last
   * {@link Resampler.delaySamples} frames, or with `compensateDelay` whatever brings the total to the
   * exact length) and resets the filter so the resampler can start a new, unrelated stream.
   *
   * @throws Error after dispose.
   */
  flush(): Int16Array {
    this.#assertUsable('flush');
    const allocation = this.#allocation;
    if (!allocation) return new Int16Array(0);
    const expectedFrames =
      Math.round((this.#framesIn * this.outputRate) / this.inputRate) +
      (this.compensateDelay ? 0 : this.delaySamples);
    const missingFrames = Math.max(0, expectedFrames - this.#framesOut);
    // Zeros push the last real samples through the filter; one extra input frame covers rounding.
    const tail = this.#run(
      allocation,
      new Int16Array((this.#inputLatency + 1) * this.channels),
      missingFrames,
    );
    const { module, state } = allocation;
    module._speex_resampler_reset_mem(state);
    if (this.compensateDelay) module._speex_resampler_skip_zeros(state);
    this.#framesIn = 0;
    this.#framesOut = 0;
    return tail;
  }

  /** Frees the wasm memory this resampler owns. Safe to call more than once. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#allocation) {
      leakGuard.unregister(this);
      freeAllocation(this.#allocation);
    }
  }

  #assertUsable(operation: string): void {
    if (this.#disposed) throw new Error(`Resampler.${operation}() called after dispose()`);
  }

  /** Runs `samples` through Speex and returns at most `maxFrames` of the frames it produces. */
  #run(allocation: SpeexAllocation, samples: Int16Array, maxFrames: number): Int16Array {
    const { module, state, scalars } = allocation;
    const channels = this.channels;
    const inFrames = samples.length / channels;
    const roomFrames = Math.ceil((inFrames * this.outputRate) / this.inputRate) + 2;
    this.#ensureCapacity(allocation, samples.length, roomFrames * channels);
    module.HEAP16.set(samples, allocation.input >> 1);
    const chunks: Int16Array[] = [];
    let consumedFrames = 0;
    let producedFrames = 0;
    // Speex normally takes the whole chunk in one call; loop in case the output room ran short.
    for (let guard = 0; consumedFrames < inFrames && guard < 64; guard++) {
      module.HEAPU32[scalars >> 2] = inFrames - consumedFrames;
      module.HEAPU32[(scalars >> 2) + 1] = roomFrames;
      const code = module._speex_resampler_process_interleaved_int(
        state,
        allocation.input + consumedFrames * channels * 2,
        scalars,
        allocation.output,
        scalars + 4,
      );
      if (code !== 0) throw new Error(`Speex resampler failed: ${SPEEX_ERRORS[code] ?? `error ${code}`}`);
      const used = module.HEAPU32[scalars >> 2] ?? 0;
      const made = module.HEAPU32[(scalars >> 2) + 1] ?? 0;
      consumedFrames += used;
      const keep = Math.min(made, maxFrames - producedFrames);
      if (keep > 0) {
        const start = allocation.output >> 1;
        chunks.push(module.HEAP16.slice(start, start + keep * channels));
        producedFrames += keep;
      }
      if (used === 0 && made === 0) break;
    }
    this.#framesOut += producedFrames;
    return chunks.length === 1 ? (chunks[0] as Int16Array) : concatPcm16(chunks);
  }

  #ensureCapacity(allocation: SpeexAllocation, inputSamples: number, outputSamples: number): void {
    const { module } = allocation;
    if (inputSamples > this.#inputCapacity) {
      if (allocation.input !== 0) module._free(allocation.input);
      this.#inputCapacity = Math.max(inputSamples, 1024);
      allocation.input = mallocOrThrow(module, this.#inputCapacity * 2);
    }
    if (outputSamples > this.#outputCapacity) {
      if (allocation.output !== 0) module._free(allocation.output);
      this.#outputCapacity = Math.max(outputSamples, 1024);
      allocation.output = mallocOrThrow(module, this.#outputCapacity * 2);
    }
  }
}

/**
 * Resamples a whole clip at once (not for streams: use a {@link Resampler} there so chunk edges join).
 * The result is exactly `round(samples.length * toRate / fromRate)` samples with no delay, and is
 * always a new array.
 *
 * @throws Error (as a rejected promise) when a rate or the quality is out of range.
 */
export async function resamplePcm16(
  samples: Int16Array,
  fromRate: number,
  toRate: number,
  quality: number = DEFAULT_RESAMPLER_QUALITY,
): Promise<Int16Array> {
  const resampler = await Resampler.create({
    inputRate: fromRate,
    outputRate: toRate,
    quality,
    compensateDelay: true,
  });
  try {
    if (fromRate === toRate) return samples.slice();
    const body = resampler.process(samples);
    const tail = resampler.flush();
    return concatPcm16([body, tail]);
  } finally {
    resampler.dispose();
  }
}

function mallocOrThrow(module: SpeexResamplerModule, bytes: number): number {
  const pointer = module._malloc(bytes);
  if (pointer === 0) throw new Error(`Speex resampler could not allocate ${bytes} bytes of wasm memory`);
  return pointer;
}

function assertPositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got ${String(value)}`);
  }
}

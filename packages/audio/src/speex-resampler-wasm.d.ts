// The package ships an Emscripten factory without type definitions; these are the parts this package
// calls, with the C signatures from SpeexDSP's speex_resampler.h (pointers are offsets into HEAP*).
declare module '@echogarden/speex-resampler-wasm' {
  export interface SpeexResamplerModule {
    HEAP16: Int16Array;
    HEAP32: Int32Array;
    HEAPU32: Uint32Array;
    _malloc(size: number): number;
    _free(pointer: number): void;
    _speex_resampler_init(
      channels: number,
      inRate: number,
      outRate: number,
      quality: number,
      errorPointer: number,
    ): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_process_interleaved_int(
      state: number,
      input: number,
      inLengthPointer: number,
      output: number,
      outLengthPointer: number,
    ): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_get_output_latency(state: number): number;
    _speex_resampler_skip_zeros(state: number): number;
    _speex_resampler_reset_mem(state: number): number;
    _speex_resampler_strerror(code: number): number;
  }
  const createSpeexResamplerModule: (options?: Record<string, unknown>) => Promise<SpeexResamplerModule>;
  export default createSpeexResamplerModule;
}

declare module '@echogarden/speex-resampler-wasm/simd' {
  import type { SpeexResamplerModule } from '@echogarden/speex-resampler-wasm';

  const createSpeexResamplerModule: (options?: Record<string, unknown>) => Promise<SpeexResamplerModule>;
  export default createSpeexResamplerModule;
}

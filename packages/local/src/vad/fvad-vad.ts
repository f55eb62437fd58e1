/// <reference path="./fvad-wasm.d.ts" />
import type { Vad } from './vad.js';

interface FvadModule {
  _fvad_new(): number;
  _fvad_free(instance: number): void;
  _fvad_reset(instance: number): void;
  _fvad_set_mode(instance: number, mode: number): number;
  _fvad_set_sample_rate(instance: number, rate: number): number;
  _fvad_process(instance: number, frame: number, length: number): number;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAP16: Int16Array;
}

/** Rates the WebRTC VAD supports. */
export const FVAD_SAMPLE_RATES = [8000, 16000, 32000, 48000] as const;

export interface FvadOptions {
  /** 8000, 16000, 32000 or 48000 (default 16000). */
  readonly sampleRate?: (typeof FVAD_SAMPLE_RATES)[number];
  /** 10, 20 or 30 ms (default 20). */
  readonly frameMs?: 10 | 20 | 30;
  /** Aggressiveness 0 (most speech passes) to 3 (least), default 2. */
  readonly mode?: 0 | 1 | 2 | 3;
}

let modulePromise: Promise<FvadModule> | undefined;

function loadFvad(): Promise<FvadModule> {
  modulePromise ??= import('@echogarden/fvad-wasm').then(
    async (loaded: { default: () => Promise<unknown> }) => (await loaded.default()) as FvadModule,
  );
  return modulePromise;
}

/** Maps OpenAI's `threshold` (0-1, higher needs louder speech) to a WebRTC VAD aggressiveness. */
export function fvadModeForThreshold(threshold: number): 0 | 1 | 2 | 3 {
  if (threshold < 0.25) return 0;
  if (threshold < 0.5) return 1;
  if (threshold < 0.75) return 2;
  return 3;
}

/**
 * The WebRTC VAD (`@echogarden/fvad-wasm`): a few microseconds per frame. The wasm module is loaded
 * once per process; each instance keeps its own noise estimate.
 */
export async function createFvad(options: FvadOptions = {}): Promise<Vad> {
  const sampleRate = options.sampleRate ?? 16000;
  const frameMs = options.frameMs ?? 20;
  const mode = options.mode ?? 2;
  if (!(FVAD_SAMPLE_RATES as readonly number[]).includes(sampleRate)) {
    throw new Error(
      `fvad: unsupported sample rate ${sampleRate}; use one of ${FVAD_SAMPLE_RATES.join(', ')}`,
    );
  }
  if (![10, 20, 30].includes(frameMs)) throw new Error(`fvad: frameMs must be 10, 20 or 30, got ${frameMs}`);
  const fvad = await loadFvad();
  const instance = fvad._fvad_new();
  if (!instance) throw new Error('fvad: could not create an instance');
  if (fvad._fvad_set_sample_rate(instance, sampleRate) !== 0 || fvad._fvad_set_mode(instance, mode) !== 0) {
    fvad._fvad_free(instance);
    throw new Error('fvad: rejected the sample rate or mode');
  }
  const frameSamples = (sampleRate * frameMs) / 1000;
  const buffer = fvad._malloc(frameSamples * 2);
  let disposed = false;
  return {
    sampleRate,
    frameSamples,
    isSpeech(frame) {
      if (disposed) throw new Error('fvad: used after dispose');
      if (frame.length !== frameSamples) {
        throw new Error(`fvad: frame has ${frame.length} samples, expected ${frameSamples}`);
      }
      fvad.HEAP16.set(frame, buffer >> 1);
      const result = fvad._fvad_process(instance, buffer, frameSamples);
      if (result < 0) throw new Error('fvad: processing failed');
      return result === 1;
    },
    reset() {
      fvad._fvad_reset(instance);
      fvad._fvad_set_sample_rate(instance, sampleRate);
      fvad._fvad_set_mode(instance, mode);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      fvad._free(buffer);
      fvad._fvad_free(instance);
    },
  };
}

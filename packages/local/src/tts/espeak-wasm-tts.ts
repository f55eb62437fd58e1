import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ESPEAK_WORKER_SOURCE } from './espeak-worker-source.js';
import type { SynthesisOptions, SynthesizedSpeech, Tts, WordMark } from './tts.js';
import { espeakVoiceFor } from './voices.js';

interface WorkerReply {
  readonly id?: number;
  readonly ready?: boolean;
  readonly fatal?: string;
  readonly error?: string;
  readonly audio?: Int16Array;
  readonly sampleRate?: number;
  readonly words?: WordMark[];
}

interface PendingRequest {
  readonly id: number;
  readonly text: string;
  readonly message: Record<string, unknown>;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (speech: SynthesizedSpeech) => void;
  readonly reject: (error: Error) => void;
}

function espeakModuleUrl(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(require.resolve('@echogarden/espeak-ng-emscripten/espeak-ng.js')).href;
}

/**
 * espeak-ng compiled to wasm (`@echogarden/espeak-ng-emscripten`), run in a worker thread: a
 * synthesis call is synchronous and takes milliseconds per sentence, which must not stall the event
 * loop that paces everyone's audio. Requests are served in order; one worker serves many models.
 */
export class EspeakWasmTts implements Tts {
  readonly name = 'espeak-wasm';
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();
  // Requests wait here and go to the worker one at a time, so a cancelled response's sentences are
  // dropped before they cost synthesis time that the next response would wait for.
  private readonly waiting: PendingRequest[] = [];
  private inFlight: number | undefined;
  private disposed = false;

  /** Starts the worker and loads the voice data (about 300 ms); later calls reuse it. */
  warmUp(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('espeak-wasm TTS was disposed'));
    if (this.ready) return this.ready;
    const worker = new Worker(ESPEAK_WORKER_SOURCE, {
      eval: true,
      workerData: { moduleUrl: espeakModuleUrl() },
    });
    // The worker must not keep the process alive on its own; owners dispose it explicitly.
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.ready) return resolve();
        if (reply.fatal !== undefined) {
          const error = new Error(`espeak-ng (wasm) failed to start: ${reply.fatal}`);
          this.failAll(error);
          return reject(error);
        }
        this.settle(reply);
      });
      worker.on('error', (error) => {
        const failure = new Error(`espeak-ng worker crashed: ${error.message}`, { cause: error });
        this.failAll(failure);
        reject(failure);
      });
      worker.on('exit', (code) => {
        if (!this.disposed) this.failAll(new Error(`espeak-ng worker exited with code ${code}`));
        this.ready = undefined;
        this.worker = undefined;
      });
    });
    // Avoid an unhandled rejection when nobody awaits warmUp directly.
    this.ready.catch(() => {});
    return this.ready;
  }

  async synthesize(text: string, options: SynthesisOptions = {}): Promise<SynthesizedSpeech> {
    options.signal?.throwIfAborted();
    await this.warmUp();
    const worker = this.worker;
    if (!worker) throw new Error('espeak-ng worker is not running');
    const id = this.nextId++;
    const voice = espeakVoiceFor(options.voice);
    return new Promise<SynthesizedSpeech>((resolve, reject) => {
      const message = { id, text, voice: voice.voice, pitch: voice.pitch, rate: voice.rate };
      this.waiting.push({ id, text, message, signal: options.signal, resolve, reject });
      this.sendNext();
    });
  }

  private sendNext(): void {
    const worker = this.worker;
    if (!worker || this.inFlight !== undefined) return;
    for (let request = this.waiting.shift(); request; request = this.waiting.shift()) {
      if (request.signal?.aborted) {
        request.reject(new Error('synthesis cancelled'));
        continue;
      }
      this.inFlight = request.id;
      this.pending.set(request.id, request);
      // Keep the process alive while a request is in flight, then let it go again.
      worker.ref();
      worker.postMessage(request.message);
      return;
    }
    worker.unref();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new Error('espeak-wasm TTS was disposed'));
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    if (reply.id === undefined) return;
    const request = this.pending.get(reply.id);
    if (!request) return;
    this.pending.delete(reply.id);
    if (this.inFlight === reply.id) this.inFlight = undefined;
    this.sendNext();
    if (reply.error !== undefined || !reply.audio || !reply.sampleRate) {
      request.reject(
        new Error(`espeak-ng could not synthesize "${request.text}": ${reply.error ?? 'no audio'}`),
      );
      return;
    }
    request.resolve({
      text: request.text,
      audio: reply.audio,
      sampleRate: reply.sampleRate,
      words: reply.words ?? [],
    });
  }

  private failAll(error: Error): void {
    for (const request of this.pending.values()) request.reject(error);
    for (const request of this.waiting) request.reject(error);
    this.pending.clear();
    this.waiting.length = 0;
    this.inFlight = undefined;
  }
}

let shared: { tts: EspeakWasmTts; users: number } | undefined;

/**
 * A handle on the process-wide espeak worker: models share one worker (one copy of the 24 MB voice
 * data). Each handle's `dispose` releases its share; the worker stops with the last one.
 */
export function sharedEspeakWasmTts(): Tts & { warmUp(): Promise<void> } {
  if (!shared) shared = { tts: new EspeakWasmTts(), users: 0 };
  const entry = shared;
  entry.users++;
  let released = false;
  return {
    name: entry.tts.name,
    warmUp: () => entry.tts.warmUp(),
    synthesize: (text, options) => entry.tts.synthesize(text, options),
    async dispose() {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0) {
        if (shared === entry) shared = undefined;
        await entry.tts.dispose();
      }
    },
  };
}

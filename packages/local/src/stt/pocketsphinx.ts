import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, resamplePcm16 } from '@chorus/audio';
import { findExecutable } from './find-executable.js';
import { buildJsgfGrammar, buildPhraseGrammar } from './jsgf-grammar.js';
import { fillHighBand, isNarrowband } from './narrowband.js';
import { type Pronunciations, parsePronunciations, phoneSimilarity } from './phone-similarity.js';
import { runProcess } from './run-process.js';
import type { TranscribeOptions, Transcriber } from './transcriber.js';

/** Where Debian's `pocketsphinx-en-us` puts the dictionary. */
export const DEBIAN_POCKETSPHINX_DICTIONARY = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';

/**
 * Which pocketsphinx command line is installed: the classic `pocketsphinx_continuous -infile f.wav`
 * (Debian's 0.8 / 5prealpha) or the 5.x `pocketsphinx single f.wav`, which prints JSON.
 */
export interface PocketsphinxCli {
  readonly kind: 'continuous' | 'single';
  readonly path: string;
}

/** Looks for a pocketsphinx CLI on PATH; undefined when none is installed. */
export async function detectPocketsphinx(path?: string): Promise<PocketsphinxCli | undefined> {
  const continuous = await findExecutable('pocketsphinx_continuous', path);
  if (continuous) return { kind: 'continuous', path: continuous };
  const single = await findExecutable('pocketsphinx', path);
  if (single) return { kind: 'single', path: single };
  return undefined;
}

export interface PocketsphinxOptions {
  /** The CLI to run; detected on PATH when omitted. */
  readonly cli?: PocketsphinxCli;
  /**
   * The pronunciation dictionary, used to keep grammar words to known ones. Default: Debian's path.
   * Without a dictionary, no grammar is built and recognition runs on the plain language model.
   */
  readonly dictionary?: string;
  /**
   * How the brain's vocabulary steers recognition:
   * - `'fallback'` (default): decode with pocketsphinx's own language model and, at the same time,
   *   with a grammar of the brain's example requests (or, without examples, its vocabulary); keep the
   *   grammar's text only when the brain understands it better and it sounds like what the open decode
   *   heard (see {@link chooseTranscript}). Speech the brain has no intent for keeps the open text.
   * - `'grammar'`: decode only with the vocabulary grammar (the earlier behaviour). The grammar is a
   *   free loop over a few dozen words, so everything said is forced onto them: measured worse than
   *   the defaults ("what's the weather in paris" came back as "what this not weather we i there we").
   * - `'none'`: pocketsphinx's defaults.
   * See test/bench/RESULTS.md (speech recognition) for the figures behind the default.
   */
  readonly bias?: 'fallback' | 'grammar' | 'none';
  /**
   * How alike (0-1, by phones) the open and the constrained text must sound for the constrained one
   * to be kept (default {@link DEFAULT_MIN_SIMILARITY}).
   */
  readonly minSimilarity?: number;
  /**
   * Telephone audio (8 kHz, or 16 kHz with nothing above 4 kHz) gets its empty upper band filled with
   * quiet noise before decoding, which the wideband model needs (see `narrowband.ts`). `'auto'`
   * (default) detects it; `false` decodes the audio as it is.
   */
  readonly narrowband?: 'auto' | false;
  /** @deprecated use `bias: 'none'`; `false` means no grammar. */
  readonly useGrammar?: boolean;
}

/**
 * Chosen with test/bench/speech-accuracy.ts: at 0.2 no free sentence was forced onto a request and
 * most demo requests were kept; at 0 every clean request was kept but half the free sentences
 * became requests; at 0.5 most requests were lost.
 */
export const DEFAULT_MIN_SIMILARITY = 0.2;

let dictionary: Promise<Pronunciations> | undefined;
let dictionaryPath: string | undefined;

async function loadDictionary(path: string): Promise<Pronunciations> {
  if (dictionaryPath !== path || !dictionary) {
    dictionaryPath = path;
    dictionary = readFile(path, 'utf8').then(parsePronunciations);
  }
  return dictionary;
}

/** Pulls the words out of what the CLI printed. */
export function parsePocketsphinxOutput(kind: PocketsphinxCli['kind'], stdout: string): string {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (kind === 'continuous')
    return lines
      .filter((l) => !/^(INFO|WARN|ERROR|FATAL)/.test(l))
      .join(' ')
      .trim();
  const texts: string[] = [];
  for (const line of lines) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object' && typeof (parsed as { t?: unknown }).t === 'string') {
        texts.push((parsed as { t: string }).t);
      }
    } catch {
      // a log line, not a result
    }
  }
  return texts.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * The `'fallback'` choice between the open decode and the constrained one: the constrained text only
 * when the brain understands it better (a more specific intent, or any intent where the open text has
 * none) and it sounds like the open text (`similar`); otherwise the open text, the better guess at
 * what was said.
 */
export function chooseTranscript(
  open: string,
  constrained: string,
  rank: (text: string) => number | undefined,
  similar: (open: string, constrained: string) => boolean = () => true,
): string {
  const openRank = rank(open) ?? Number.POSITIVE_INFINITY;
  const constrainedRank = rank(constrained) ?? Number.POSITIVE_INFINITY;
  return constrainedRank < openRank && similar(open, constrained) ? constrained : open;
}

/**
 * Speech recognition with CMU pocketsphinx from the system (`apt-get install pocketsphinx
 * pocketsphinx-en-us`), one short process per decode. Weak on open speech; with the brain's vocabulary
 * as a second, biased decode it picks out a rules brain's requests (see {@link PocketsphinxOptions.bias}).
 */
export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';

  constructor(
    private readonly cli: PocketsphinxCli,
    private readonly options: PocketsphinxOptions = {},
  ) {}

  async transcribe(audio: Int16Array, sampleRate: number, options: TranscribeOptions = {}): Promise<string> {
    if (sampleRate !== 16000 && sampleRate !== 8000)
      throw new Error(`pocketsphinx needs 16 kHz (or 8 kHz) audio, got ${sampleRate} Hz`);
    if (audio.length === 0) return '';
    const wideband = sampleRate === 8000 ? await resamplePcm16(audio, 8000, 16000) : audio;
    const prepared =
      this.options.narrowband !== false && (sampleRate === 8000 || isNarrowband(wideband))
        ? fillHighBand(wideband)
        : wideband;
    const dir = await mkdtemp(join(tmpdir(), 'chorus-sphinx-'));
    try {
      const wavPath = join(dir, 'turn.wav');
      await writeFile(wavPath, encodeWav(prepared, 16000));
      const bias = this.options.useGrammar === false ? 'none' : (this.options.bias ?? 'fallback');
      const rank = options.rank;
      const known = bias === 'none' ? undefined : await this.dictionary();
      const grammar = !known
        ? undefined
        : bias === 'fallback' && rank && options.phrases?.length
          ? buildPhraseGrammar(options.phrases, (w) => known.has(w))
          : buildJsgfGrammar(options.vocabulary ?? [], (w) => known.has(w));
      if (!grammar || !known) return await this.decode(wavPath, [], options.signal);
      const grammarPath = join(dir, 'vocabulary.gram');
      await writeFile(grammarPath, grammar);
      const grammarArgs = ['-jsgf', grammarPath];
      if (bias === 'grammar') return await this.decode(wavPath, grammarArgs, options.signal);
      if (!rank) return await this.decode(wavPath, [], options.signal);
      // Both decodes at once: one process each, so the turn waits for the slower, not for the sum.
      const [open, constrained] = await Promise.all([
        this.decode(wavPath, [], options.signal),
        this.decode(wavPath, grammarArgs, options.signal),
      ]);
      const minSimilarity = this.options.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
      return chooseTranscript(
        open,
        constrained,
        rank,
        (a, b) => phoneSimilarity(a, b, known) >= minSimilarity,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async decode(wavPath: string, extra: readonly string[], signal?: AbortSignal): Promise<string> {
    const args = [...extra];
    if (this.cli.kind === 'continuous') args.push('-logfn', '/dev/null', '-infile', wavPath);
    else args.push('single', wavPath);
    const result = await runProcess(this.cli.path, args, { signal });
    if (result.code !== 0) {
      const reason = result.stderr.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`pocketsphinx exited with code ${result.code}: ${reason}`);
    }
    return parsePocketsphinxOutput(this.cli.kind, result.stdout);
  }

  /** The pronunciation dictionary, or undefined without one (then no grammar is built). */
  private async dictionary(): Promise<Pronunciations | undefined> {
    const path = this.options.dictionary ?? DEBIAN_POCKETSPHINX_DICTIONARY;
    return existsSync(path) ? loadDictionary(path) : undefined;
  }
}

/**
 * The pocketsphinx transcriber when pocketsphinx is installed, otherwise undefined (the model then
 * explains once how to enable speech recognition).
 */
export async function pocketsphinxTranscriber(
  options: PocketsphinxOptions = {},
): Promise<PocketsphinxTranscriber | undefined> {
  const cli = options.cli ?? (await detectPocketsphinx());
  return cli ? new PocketsphinxTranscriber(cli, options) : undefined;
}

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, resamplePcm16 } from '@chorus/audio';
import { type Backtrace, parseBacktrace } from './backtrace.js';
import { type DictionaryLines, dictionarySubset, parseDictionaryLines } from './dictionary-subset.js';
import { findExecutable } from './find-executable.js';
import { buildJsgfGrammar, buildPhraseGrammar } from './jsgf-grammar.js';
import { fillHighBand, isNarrowband } from './narrowband.js';
import { phoneLoopDictionary, phoneLoopGrammar } from './phone-loop.js';
import { type Pronunciations, parsePronunciations, phoneSimilarity } from './phone-similarity.js';
import { runProcess } from './run-process.js';
import { frameSpeech, type SpeechFramingOptions } from './speech-framing.js';
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
  /**
   * How well (per 10 ms frame, in pocketsphinx's acoustic score units) the constrained request must
   * fit the audio compared with the free phone loop for it to be kept (default {@link DEFAULT_MIN_FIT}).
   * Only the classic CLI logs the scores; with pocketsphinx 5's `single`, {@link minSimilarity} decides.
   */
  readonly minFit?: number;
  /**
   * How much of the speech (0-1, frames) the request's words must take up compared with the phone
   * loop's (default {@link DEFAULT_MIN_COVERAGE}): a short request matched inside a long sentence
   * leaves the rest to silence.
   */
  readonly minCoverage?: number;
  /**
   * The request grammar and the phone loop, whose scores make the fit, decode the turn trimmed to its
   * speech and padded with a fixed amount of digital silence (`speech-framing.ts`), so the fit does
   * not depend on how much silence (or noise) the turn detector left around the speech (default:
   * 150 ms kept either side of the speech, 300 ms of silence added). `false` decodes the turn as it came (the rule before).
   */
  readonly framing?: SpeechFramingOptions | false;
  /** @deprecated use `bias: 'none'`; `false` means no grammar. */
  readonly useGrammar?: boolean;
}

/**
 * Used only where the CLI logs no acoustic scores (pocketsphinx 5's `single`). Chosen with an earlier
 * run of test/bench/speech-accuracy.ts on one voice; with more voices and free sentences it let 9 of
 * 24 free sentences through on en-us 165 wpm, which the fit and coverage do not.
 */
export const DEFAULT_MIN_SIMILARITY = 0.2;

interface LoadedDictionary {
  readonly pronunciations: Pronunciations;
  readonly lines: DictionaryLines;
}

/**
 * Chosen with test/bench/speech-accuracy.ts on two of its four voices (en-us 165 wpm, en 185 wpm; the
 * other two held out): the largest share of requests kept while no free sentence became a request.
 * A request pocketsphinx itself finds fits at -3 to +16; free sentences forced onto a request, mostly
 * -5 to -19, and the few that fit better were short requests inside long sentences (coverage).
 */
export const DEFAULT_MIN_FIT = -3;

/** Chosen with {@link DEFAULT_MIN_FIT}: requests found cover 0.6-1.0 of the speech. */
export const DEFAULT_MIN_COVERAGE = 0.6;

/** What {@link PocketsphinxTranscriber.transcribe} chooses from. */
export interface TurnDecodes {
  /** pocketsphinx's own decode (its language model), of the audio as prepared. */
  readonly open: string;
  /** The best of the room's requests (a grammar of the brain's example phrases), if any fit at all. */
  readonly constrained?: string;
  /**
   * How well the constrained request fits the audio: its acoustic score minus the free phone loop's,
   * per frame. Near or above 0 it sounds as the audio does; far below, the audio was something else.
   */
  readonly fit?: number;
  /**
   * How much of the speech the request's words take up: their frames over the phone loop's (the rest
   * the grammar had to call silence). Well below 1, the request is shorter than what was said.
   */
  readonly coverage?: number;
  /** The same difference of scores per frame the phone loop gives to speech (not to silence). */
  readonly speechFit?: number;
  /** How alike the open and the constrained text sound, 0-1 (phones); used when there is no fit. */
  readonly similarity?: number;
}

let dictionary: Promise<LoadedDictionary> | undefined;
let dictionaryPath: string | undefined;

async function loadDictionary(path: string): Promise<LoadedDictionary> {
  if (dictionaryPath !== path || !dictionary) {
    dictionaryPath = path;
    dictionary = readFile(path, 'utf8').then((text) => ({
      pronunciations: parsePronunciations(text),
      lines: parseDictionaryLines(text),
    }));
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
    const decodes = await this.decodeTurn(audio, sampleRate, options);
    return decodes.constrained === undefined || !options.rank
      ? decodes.open
      : chooseTranscript(decodes.open, decodes.constrained, options.rank, () => this.accepts(decodes));
  }

  /** Whether the constrained text fits the audio well enough to be kept (see {@link TurnDecodes}). */
  accepts(decodes: TurnDecodes): boolean {
    if (decodes.constrained === undefined) return false;
    if (decodes.fit === undefined || decodes.coverage === undefined)
      return (decodes.similarity ?? 0) >= (this.options.minSimilarity ?? DEFAULT_MIN_SIMILARITY);
    return (
      decodes.fit >= (this.options.minFit ?? DEFAULT_MIN_FIT) &&
      decodes.coverage >= (this.options.minCoverage ?? DEFAULT_MIN_COVERAGE)
    );
  }

  /**
   * The decodes {@link transcribe} chooses from, for measuring the choice (test/bench/speech-accuracy.ts).
   * With `bias: 'fallback'`, a rank and phrases, three run at once: the open decode, the room's
   * requests as a grammar, and the phone loop the requests' fit is measured against. `open`, when
   * given, is the open decode of this same turn made before (a bench measuring several settings of
   * one turn): it is not run again.
   */
  async decodeTurn(
    audio: Int16Array,
    sampleRate: number,
    options: TranscribeOptions = {},
    open?: string,
  ): Promise<TurnDecodes> {
    if (sampleRate !== 16000 && sampleRate !== 8000)
      throw new Error(`pocketsphinx needs 16 kHz (or 8 kHz) audio, got ${sampleRate} Hz`);
    if (audio.length === 0) return { open: '' };
    const wideband = sampleRate === 8000 ? await resamplePcm16(audio, 8000, 16000) : audio;
    const narrowband = this.options.narrowband !== false && (sampleRate === 8000 || isNarrowband(wideband));
    const prepared = narrowband ? fillHighBand(wideband) : wideband;
    const dir = await mkdtemp(join(tmpdir(), 'chorus-sphinx-'));
    try {
      const wavPath = join(dir, 'turn.wav');
      await writeFile(wavPath, encodeWav(prepared, 16000));
      const bias = this.options.useGrammar === false ? 'none' : (this.options.bias ?? 'fallback');
      const signal = options.signal;
      const known = bias === 'none' ? undefined : await this.dictionary();
      if (!known) return { open: await this.decode(wavPath, [], signal) };
      if (bias === 'grammar') {
        const grammar = buildJsgfGrammar(options.vocabulary ?? [], (w) => known.pronunciations.has(w));
        if (!grammar) return { open: await this.decode(wavPath, [], signal) };
        await writeFile(join(dir, 'vocabulary.gram'), grammar);
        return { open: await this.decode(wavPath, ['-jsgf', join(dir, 'vocabulary.gram')], signal) };
      }
      if (!options.rank) return { open: await this.decode(wavPath, [], signal) };
      const grammar = options.phrases?.length
        ? buildPhraseGrammar(options.phrases, (w) => known.pronunciations.has(w))
        : undefined;
      if (!grammar && options.phrases?.length) return { open: await this.decode(wavPath, [], signal) };
      if (!grammar) {
        // A brain without example requests: its vocabulary as a word loop, judged by how alike the
        // texts sound (no fit: a free loop of words scores close to the phone loop whatever was said).
        const loop = buildJsgfGrammar(options.vocabulary ?? [], (w) => known.pronunciations.has(w));
        if (!loop) return { open: await this.decode(wavPath, [], signal) };
        await writeFile(join(dir, 'vocabulary.gram'), loop);
        const [open, constrained] = await Promise.all([
          this.decode(wavPath, [], signal),
          this.decode(wavPath, ['-jsgf', join(dir, 'vocabulary.gram')], signal),
        ]);
        if (!constrained) return { open };
        return { open, constrained, similarity: phoneSimilarity(open, constrained, known.pronunciations) };
      }
      const requests = join(dir, 'requests.gram');
      await writeFile(requests, grammar);
      const phraseWords = (options.phrases ?? []).flatMap((p) => p.toLowerCase().split(/\s+/));
      const words = dictionarySubset(
        phraseWords.filter((w) => known.pronunciations.has(w)),
        known.lines,
      );
      const requestArgs = ['-jsgf', requests];
      if (words) {
        await writeFile(join(dir, 'requests.dict'), words);
        requestArgs.push('-dict', join(dir, 'requests.dict'));
      }
      // The fit needs acoustic scores, which only the classic CLI's log gives (`-backtrace`).
      const scored = this.cli.kind === 'continuous';
      // The two decodes the fit compares hear the turn framed to its speech, so their scores do not
      // depend on the silence the cut left (speech-framing.ts). The open decode hears the turn as it
      // came: its text is pocketsphinx's own reading of the turn, which framing moved either way.
      let fitPath = wavPath;
      if (scored) {
        await writeFile(join(dir, 'phones.gram'), phoneLoopGrammar());
        await writeFile(join(dir, 'phones.dict'), phoneLoopDictionary());
        const framing = this.options.framing;
        if (framing !== false) {
          const framed = frameSpeech(wideband, framing);
          fitPath = join(dir, 'framed.wav');
          await writeFile(fitPath, encodeWav(narrowband ? fillHighBand(framed) : framed, 16000));
        }
      }
      // All decodes at once: one process each, so the turn waits for the slowest, not for the sum.
      const [openText, constrained, phones] = await Promise.all([
        open ?? this.decode(wavPath, [], signal),
        scored
          ? this.decodeScored(fitPath, requestArgs, join(dir, 'requests.log'), signal)
          : this.decode(wavPath, requestArgs, signal).then((text) => ({ text, backtrace: undefined })),
        scored
          ? this.decodeScored(
              fitPath,
              ['-jsgf', join(dir, 'phones.gram'), '-dict', join(dir, 'phones.dict')],
              join(dir, 'phones.log'),
              signal,
            )
          : undefined,
      ]);
      if (!constrained.text) return { open: openText };
      const fit =
        constrained.backtrace && phones?.backtrace && constrained.backtrace.frames > 0
          ? (constrained.backtrace.acousticScore - phones.backtrace.acousticScore) /
            constrained.backtrace.frames
          : undefined;
      const speechFit =
        constrained.backtrace && phones?.backtrace && phones.backtrace.wordFrames > 0
          ? (constrained.backtrace.acousticScore - phones.backtrace.acousticScore) /
            phones.backtrace.wordFrames
          : undefined;
      const coverage =
        constrained.backtrace && phones?.backtrace && phones.backtrace.wordFrames > 0
          ? constrained.backtrace.wordFrames / phones.backtrace.wordFrames
          : undefined;
      return {
        open: openText,
        constrained: constrained.text,
        ...(coverage === undefined ? {} : { coverage }),
        similarity: phoneSimilarity(openText, constrained.text, known.pronunciations),
        ...(fit === undefined ? {} : { fit }),
        ...(speechFit === undefined ? {} : { speechFit }),
      };
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

  /** A classic-CLI decode that also logs its best path's scores (`-backtrace`) to `logPath`. */
  private async decodeScored(
    wavPath: string,
    extra: readonly string[],
    logPath: string,
    signal?: AbortSignal,
  ): Promise<{ text: string; backtrace: Backtrace | undefined }> {
    const args = [...extra, '-backtrace', 'yes', '-logfn', logPath, '-infile', wavPath];
    const result = await runProcess(this.cli.path, args, { signal });
    if (result.code !== 0) {
      const log = await readFile(logPath, 'utf8').catch(() => result.stderr);
      throw new Error(
        `pocketsphinx exited with code ${result.code}: ${log.trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
    const text = parsePocketsphinxOutput('continuous', result.stdout);
    return { text, backtrace: text ? parseBacktrace(await readFile(logPath, 'utf8')) : undefined };
  }

  /** The dictionary's pronunciations (first of each word), or undefined without a dictionary. */
  async pronunciations(): Promise<Pronunciations | undefined> {
    return (await this.dictionary())?.pronunciations;
  }

  /** The pronunciation dictionary, or undefined without one (then no grammar is built). */
  private async dictionary(): Promise<LoadedDictionary | undefined> {
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

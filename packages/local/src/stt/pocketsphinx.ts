import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@chorus/audio';
import { findExecutable } from './find-executable.js';
import { buildJsgfGrammar } from './jsgf-grammar.js';
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
export async function detectPocketsphinx(): Promise<PocketsphinxCli | undefined> {
  const continuous = await findExecutable('pocketsphinx_continuous');
  if (continuous) return { kind: 'continuous', path: continuous };
  const single = await findExecutable('pocketsphinx');
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
   * Bias recognition towards the brain's vocabulary with a JSGF grammar (default true). The measured
   * effect on espeak speech with light noise: "book a haircut today at three pm" went from "look up to
   * cultivate a three pm" to "book at haircut a the i i three pm".
   */
  readonly useGrammar?: boolean;
}

let dictionaryWords: Promise<Set<string>> | undefined;
let dictionaryPath: string | undefined;

async function loadDictionary(path: string): Promise<Set<string>> {
  if (dictionaryPath !== path || !dictionaryWords) {
    dictionaryPath = path;
    dictionaryWords = readFile(path, 'utf8').then((text) => {
      const words = new Set<string>();
      for (const line of text.split('\n')) {
        const word = line.slice(0, line.indexOf(' ')).replace(/\(\d+\)$/, '');
        if (word) words.add(word);
      }
      return words;
    });
  }
  return dictionaryWords;
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
 * Speech recognition with CMU pocketsphinx from the system (`apt-get install pocketsphinx
 * pocketsphinx-en-us`), one short process per turn. Weak on open speech; good enough to pick out a
 * rules brain's keywords, especially with the grammar built from its vocabulary.
 */
export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';

  constructor(
    private readonly cli: PocketsphinxCli,
    private readonly options: PocketsphinxOptions = {},
  ) {}

  async transcribe(audio: Int16Array, sampleRate: number, options: TranscribeOptions = {}): Promise<string> {
    if (sampleRate !== 16000) throw new Error(`pocketsphinx needs 16 kHz audio, got ${sampleRate} Hz`);
    if (audio.length === 0) return '';
    const dir = await mkdtemp(join(tmpdir(), 'chorus-sphinx-'));
    try {
      const wavPath = join(dir, 'turn.wav');
      await writeFile(wavPath, encodeWav(audio, sampleRate));
      const args: string[] = [];
      const grammar = await this.grammarFor(options.vocabulary);
      if (grammar) {
        const grammarPath = join(dir, 'vocabulary.gram');
        await writeFile(grammarPath, grammar);
        args.push('-jsgf', grammarPath);
      }
      if (this.cli.kind === 'continuous') args.push('-infile', wavPath);
      else args.push('single', wavPath);
      const result = await runProcess(this.cli.path, args, { signal: options.signal });
      if (result.code !== 0) {
        const reason = result.stderr.trim().split('\n').slice(-3).join(' | ');
        throw new Error(`pocketsphinx exited with code ${result.code}: ${reason}`);
      }
      return parsePocketsphinxOutput(this.cli.kind, result.stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async grammarFor(vocabulary: readonly string[] | undefined): Promise<string | undefined> {
    if (this.options.useGrammar === false || !vocabulary || vocabulary.length === 0) return undefined;
    const path = this.options.dictionary ?? DEBIAN_POCKETSPHINX_DICTIONARY;
    if (!existsSync(path)) return undefined;
    const known = await loadDictionary(path);
    return buildJsgfGrammar(vocabulary, (word) => known.has(word));
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

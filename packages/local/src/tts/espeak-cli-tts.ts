import { decodeWav } from '@chorus/audio';
import { findExecutable } from '../stt/find-executable.js';
import { runProcess } from '../stt/run-process.js';
import { estimateWordMarks, type SynthesisOptions, type SynthesizedSpeech, type Tts } from './tts.js';
import { espeakVoiceFor } from './voices.js';

/**
 * The system's `espeak-ng` binary (Debian package `espeak-ng`), one process per sentence: faster and
 * lighter than the wasm build, but the CLI reports no word positions, so they are estimated.
 */
export class EspeakCliTts implements Tts {
  readonly name = 'espeak-cli';

  constructor(private readonly binary: string) {}

  async synthesize(text: string, options: SynthesisOptions = {}): Promise<SynthesizedSpeech> {
    const voice = espeakVoiceFor(options.voice);
    // `--stdin` keeps the text out of argv, so a sentence starting with "-" is not read as an option.
    const result = await runProcess(
      this.binary,
      ['--stdout', '-v', voice.voice, '-p', String(voice.pitch), '-s', String(voice.rate), '--stdin'],
      { input: new TextEncoder().encode(text), ...(options.signal ? { signal: options.signal } : {}) },
    );
    if (result.code !== 0)
      throw new Error(`espeak-ng exited with code ${result.code}: ${result.stderr.trim().slice(0, 200)}`);
    const wav = decodeWav(result.stdoutBytes);
    return {
      text,
      audio: wav.samples,
      sampleRate: wav.rate,
      words: estimateWordMarks(text, (wav.samples.length / wav.rate) * 1000),
    };
  }

  async dispose(): Promise<void> {}
}

/** The espeak-ng binary as a TTS when installed, otherwise undefined. */
export async function espeakCliTts(): Promise<EspeakCliTts | undefined> {
  const binary = await findExecutable('espeak-ng');
  return binary ? new EspeakCliTts(binary) : undefined;
}

/** Where a word starts in synthesized audio, so transcripts can follow the audio word by word. */
export interface WordMark {
  /** Character offset of the word in the synthesized text (0-based). */
  readonly textOffset: number;
  /** Where the word's audio starts, in milliseconds from the start of this synthesis. */
  readonly audioMs: number;
}

/** The audio of one piece of text (a sentence, usually) and where each word sits in it. */
export interface SynthesizedSpeech {
  readonly text: string;
  /** Mono PCM16 samples. */
  readonly audio: Int16Array;
  readonly sampleRate: number;
  /** In text order; may be empty when the engine reports no word positions. */
  readonly words: readonly WordMark[];
}

export interface SynthesisOptions {
  /** An agent voice name (`alloy`, `Puck`, `Cherry`, an espeak voice id); engines map it. */
  readonly voice?: string;
  readonly signal?: AbortSignal;
}

/** Text to speech: one call per sentence, resolved once the sentence's audio is ready. */
export interface Tts {
  /** A short name for logs: `espeak-wasm`, `espeak-cli`, `speech-endpoint`. */
  readonly name: string;
  synthesize(text: string, options?: SynthesisOptions): Promise<SynthesizedSpeech>;
  /** Frees the engine (a worker thread, a process). Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Word marks spread over the audio in proportion to character count, for engines that give no word
 * positions. Good enough for truncation to land on a word boundary near the right one.
 */
export function estimateWordMarks(text: string, durationMs: number): WordMark[] {
  const marks: WordMark[] = [];
  const pattern = /\S+/g;
  const total = Math.max(1, text.replace(/\s+/g, '').length);
  let seen = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    marks.push({ textOffset: m.index, audioMs: (seen / total) * durationMs });
    seen += m[0].length;
  }
  return marks;
}

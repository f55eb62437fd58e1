export interface TranscribeOptions {
  /** Words and phrases the listener expects (the brain's vocabulary), to bias recognition. */
  readonly vocabulary?: readonly string[];
  /**
   * How well the listener understands a text (the brain's intent rank: 0 best, undefined for not at
   * all), to choose between decodes.
   */
  readonly rank?: (text: string) => number | undefined;
  /** Whole requests the listener expects (the brain's examples), for a constrained decode. */
  readonly phrases?: readonly string[];
  readonly signal?: AbortSignal;
}

/** Speech to text for one finished turn. */
export interface Transcriber {
  /** A short name for logs: `pocketsphinx`, `transcription-endpoint`. */
  readonly name: string;
  /** Transcribes 16 kHz mono PCM16; resolves to the words heard ('' for none). */
  transcribe(audio: Int16Array, sampleRate: number, options?: TranscribeOptions): Promise<string>;
  /**
   * Called when speech starts: a recogniser that loads something heavy on first use starts loading
   * it then, so the turn does not wait for it, and sessions that never speak never pay for it.
   */
  warmUp?(): void;
}

/** What the model says, once, when audio arrives and nothing can transcribe it. */
export const NO_TRANSCRIBER_MESSAGE =
  'Speech recognition is not available, so spoken turns cannot be understood (text input still works; ' +
  'audio still drives turn detection and barge-in). To enable it, run `npx -p @chorus/cli chorus speech install` ' +
  "(Moonshine, from npm) and, for the rooms' requests, `sudo apt-get install pocketsphinx " +
  'pocketsphinx-en-us`; or pass a speech-to-text server: ' +
  "`transcriber: transcriptionEndpoint({ url: 'http://127.0.0.1:8080/v1/audio/transcriptions' })`.";

/** What the model says for each later turn it could not transcribe. */
export const NOT_TRANSCRIBED_MESSAGE = 'not transcribed: speech recognition is not installed';

/**
 * The one command that installs the default speech recognition (Moonshine's model files). `-p`: the
 * command comes from `@chorus/cli` even where only this package is installed (an unrelated npm
 * package is called `chorus`).
 */
export const INSTALL_SPEECH_RECOGNITION = 'npx -p @chorus/cli chorus speech install';

/** The command that installs pocketsphinx on Debian and Ubuntu (the rooms' requests, with Moonshine). */
export const INSTALL_POCKETSPHINX = 'sudo apt-get install pocketsphinx pocketsphinx-en-us';

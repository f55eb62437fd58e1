export interface TranscribeOptions {
  /** Words and phrases the listener expects (the brain's vocabulary), to bias recognition. */
  readonly vocabulary?: readonly string[];
  readonly signal?: AbortSignal;
}

/** Speech to text for one finished turn. */
export interface Transcriber {
  /** A short name for logs: `pocketsphinx`, `transcription-endpoint`. */
  readonly name: string;
  /** Transcribes 16 kHz mono PCM16; resolves to the words heard ('' for none). */
  transcribe(audio: Int16Array, sampleRate: number, options?: TranscribeOptions): Promise<string>;
}

/** What the model says, once, when audio arrives and nothing can transcribe it. */
export const NO_TRANSCRIBER_MESSAGE =
  'Speech recognition is not available, so spoken turns cannot be understood (text input still works; ' +
  'audio still drives turn detection and barge-in). To enable it, install pocketsphinx ' +
  '(`sudo apt-get install pocketsphinx pocketsphinx-en-us`), or pass a speech-to-text server: ' +
  "`transcriber: transcriptionEndpoint({ url: 'http://127.0.0.1:8080/v1/audio/transcriptions' })`.";

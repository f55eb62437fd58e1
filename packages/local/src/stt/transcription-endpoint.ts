import { encodeWav } from '@chorus/audio';
import type { TranscribeOptions, Transcriber } from './transcriber.js';

export interface TranscriptionEndpointOptions {
  /**
   * The server's base URL (`http://127.0.0.1:8080/v1`) or the full `/audio/transcriptions` URL
   * (whisper.cpp server, faster-whisper servers, LocalAI).
   */
  readonly url: string;
  /** Sent as the `model` field (default `whisper-1`; many local servers ignore it). */
  readonly model?: string;
  readonly language?: string;
  readonly apiKey?: string;
  /** Send the brain's vocabulary as the `prompt` field, which whisper uses as context (default true). */
  readonly vocabularyPrompt?: boolean;
  /** Gives up after this long (default 30 s). */
  readonly timeoutMs?: number;
}

/** Speech recognition through any OpenAI-compatible `/v1/audio/transcriptions` endpoint. */
export class TranscriptionEndpoint implements Transcriber {
  readonly name = 'transcription-endpoint';
  private readonly url: string;

  constructor(private readonly options: TranscriptionEndpointOptions) {
    if (!options.url) throw new Error('transcriptionEndpoint: `url` is required');
    const trimmed = options.url.replace(/\/+$/, '');
    this.url = trimmed.endsWith('/audio/transcriptions') ? trimmed : `${trimmed}/audio/transcriptions`;
  }

  async transcribe(audio: Int16Array, sampleRate: number, options: TranscribeOptions = {}): Promise<string> {
    if (audio.length === 0) return '';
    const form = new FormData();
    form.append('file', new Blob([encodeWav(audio, sampleRate)], { type: 'audio/wav' }), 'turn.wav');
    form.append('model', this.options.model ?? 'whisper-1');
    form.append('response_format', 'json');
    if (this.options.language) form.append('language', this.options.language);
    if (this.options.vocabularyPrompt !== false && options.vocabulary && options.vocabulary.length > 0) {
      form.append('prompt', options.vocabulary.join(', '));
    }
    const signals = [AbortSignal.timeout(this.options.timeoutMs ?? 30_000)];
    if (options.signal) signals.push(options.signal);
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        body: form,
        headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      throw new Error(`cannot reach ${this.url}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`${this.url} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    try {
      const parsed = JSON.parse(text) as { text?: unknown };
      if (typeof parsed.text === 'string') return parsed.text.trim();
    } catch {
      // some servers answer plain text whatever was asked
    }
    return text.trim();
  }
}

/** A {@link TranscriptionEndpoint}: `transcriptionEndpoint({ url: 'http://127.0.0.1:8080/v1' })`. */
export function transcriptionEndpoint(options: TranscriptionEndpointOptions): TranscriptionEndpoint {
  return new TranscriptionEndpoint(options);
}

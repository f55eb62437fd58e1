import { decodeWav } from '@chorus/audio';
import { estimateWordMarks, type SynthesisOptions, type SynthesizedSpeech, type Tts } from './tts.js';

export interface SpeechEndpointOptions {
  /** The server's base URL (`http://127.0.0.1:8880/v1`) or the full `/audio/speech` URL. */
  readonly url: string;
  /** Sent as `model` (default `tts-1`). */
  readonly model?: string;
  /** Used when the agent names no voice (default `alloy`). */
  readonly defaultVoice?: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
}

/**
 * Speech through any OpenAI-compatible `/v1/audio/speech` endpoint, asking for WAV. Such servers give
 * no word timings, so word positions are estimated from the text.
 */
export class SpeechEndpointTts implements Tts {
  readonly name = 'speech-endpoint';
  private readonly url: string;

  constructor(private readonly options: SpeechEndpointOptions) {
    if (!options.url) throw new Error('speechEndpointTts: `url` is required');
    const trimmed = options.url.replace(/\/+$/, '');
    this.url = trimmed.endsWith('/audio/speech') ? trimmed : `${trimmed}/audio/speech`;
  }

  async synthesize(text: string, options: SynthesisOptions = {}): Promise<SynthesizedSpeech> {
    const signals = [AbortSignal.timeout(this.options.timeoutMs ?? 30_000)];
    if (options.signal) signals.push(options.signal);
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: this.options.model ?? 'tts-1',
        input: text,
        voice: options.voice ?? this.options.defaultVoice ?? 'alloy',
        response_format: 'wav',
      }),
      signal: AbortSignal.any(signals),
    });
    if (!response.ok)
      throw new Error(
        `${this.url} answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`,
      );
    const wav = decodeWav(new Uint8Array(await response.arrayBuffer()));
    const durationMs = (wav.samples.length / wav.rate) * 1000;
    return { text, audio: wav.samples, sampleRate: wav.rate, words: estimateWordMarks(text, durationMs) };
  }

  async dispose(): Promise<void> {}
}

/** A {@link SpeechEndpointTts}: `speechEndpointTts({ url: 'http://127.0.0.1:8880/v1' })`. */
export function speechEndpointTts(options: SpeechEndpointOptions): SpeechEndpointTts {
  return new SpeechEndpointTts(options);
}

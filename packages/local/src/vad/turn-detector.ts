/** Turn detection settings, in OpenAI `server_vad` terms plus the smoothing a frame VAD needs. */
export interface TurnDetectorOptions {
  /** Length of each classified frame. */
  readonly frameMs: number;
  /** Audio kept before the detected start; `audio_start_ms` is moved back by this much (default 300). */
  readonly prefixPaddingMs?: number;
  /** Silence that ends a turn; `audio_end_ms` is where it ran out (default 500). */
  readonly silenceDurationMs?: number;
  /**
   * Speech must last this long before a turn starts (default 200; the WebRTC VAD itself holds a flag for
   * about 120 ms after sound stops, so a 60 ms click reads as 180 ms of speech): clicks, coughs and single
   * misclassified frames do not start turns.
   */
  readonly minSpeechMs?: number;
  /**
   * Frames at the very start of a stream are ignored while the VAD learns the noise floor (default
   * 120); the WebRTC VAD flags about the first 100 ms of a noisy stream as speech.
   */
  readonly warmupMs?: number;
}

export type TurnEvent =
  | { readonly type: 'speech_started'; readonly audioStartMs: number; readonly detectedAtMs: number }
  | { readonly type: 'speech_stopped'; readonly audioEndMs: number };

/**
 * Turns per-frame speech flags into turns on the stream's own clock: a start once speech lasted
 * `minSpeechMs` (dated back to the first speech frame minus the prefix padding), a stop once
 * `silenceDurationMs` of silence followed (dated at the end of that silence, as OpenAI does).
 */
export class TurnDetector {
  readonly frameMs: number;
  readonly prefixPaddingMs: number;
  readonly silenceDurationMs: number;
  readonly minSpeechMs: number;
  readonly warmupMs: number;
  private speaking = false;
  private speechRunStartMs: number | undefined;
  private silenceMs = 0;

  constructor(options: TurnDetectorOptions) {
    this.frameMs = options.frameMs;
    this.prefixPaddingMs = options.prefixPaddingMs ?? 300;
    this.silenceDurationMs = options.silenceDurationMs ?? 500;
    this.minSpeechMs = options.minSpeechMs ?? 200;
    this.warmupMs = options.warmupMs ?? 120;
    for (const [name, value] of Object.entries({
      frameMs: this.frameMs,
      prefixPaddingMs: this.prefixPaddingMs,
      silenceDurationMs: this.silenceDurationMs,
      minSpeechMs: this.minSpeechMs,
      warmupMs: this.warmupMs,
    })) {
      if (!Number.isFinite(value) || value < 0)
        throw new Error(`turn detection: ${name} must be >= 0, got ${value}`);
    }
  }

  /** Whether a turn is in progress. */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Feeds the flag for the frame that starts at `frameStartMs`; returns the turn event it caused. */
  push(isSpeech: boolean, frameStartMs: number): TurnEvent | undefined {
    const frameEndMs = frameStartMs + this.frameMs;
    if (!this.speaking) {
      if (!isSpeech || frameStartMs < this.warmupMs) {
        this.speechRunStartMs = undefined;
        return undefined;
      }
      this.speechRunStartMs ??= frameStartMs;
      if (frameEndMs - this.speechRunStartMs < Math.max(this.minSpeechMs, this.frameMs)) return undefined;
      this.speaking = true;
      this.silenceMs = 0;
      const audioStartMs = Math.max(0, this.speechRunStartMs - this.prefixPaddingMs);
      this.speechRunStartMs = undefined;
      return { type: 'speech_started', audioStartMs, detectedAtMs: frameEndMs };
    }
    if (isSpeech) {
      this.silenceMs = 0;
      return undefined;
    }
    this.silenceMs += this.frameMs;
    if (this.silenceMs < this.silenceDurationMs) return undefined;
    this.speaking = false;
    this.silenceMs = 0;
    return { type: 'speech_stopped', audioEndMs: frameEndMs };
  }

  /** Forgets any turn in progress (input cleared). */
  reset(): void {
    this.speaking = false;
    this.speechRunStartMs = undefined;
    this.silenceMs = 0;
  }
}

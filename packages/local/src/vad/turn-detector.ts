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
   * While a response is playing, speech lasting this long starts the turn at once so that the response is
   * interrupted sooner (default: `minSpeechMs`, no shortcut; 40-60 ms answers a barge-in within about
   * 60 ms). The turn still counts as speech only once `minSpeechMs` of voiced frames were heard; one that
   * ends sooner is reported as unconfirmed (a cough, a click, echo) and not answered. The response it
   * cut off stays cancelled either way, which is why the default does not shorten it.
   */
  readonly interruptOnsetMs?: number;
  /**
   * Frames at the very start of a stream are ignored while the VAD learns the noise floor (default
   * 120); the WebRTC VAD flags about the first 100 ms of a noisy stream as speech.
   */
  readonly warmupMs?: number;
}

export type TurnEvent =
  | { readonly type: 'speech_started'; readonly audioStartMs: number; readonly detectedAtMs: number }
  | {
      readonly type: 'speech_stopped';
      readonly audioEndMs: number;
      /** Whether `minSpeechMs` of voiced frames were heard (false only after an interrupt onset). */
      readonly confirmed: boolean;
    };

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
  readonly interruptOnsetMs: number;
  private speaking = false;
  /** Voiced time heard in the current turn, until it reaches `minSpeechMs`. */
  private voicedMs = 0;
  private speechRunStartMs: number | undefined;
  private silenceMs = 0;

  constructor(options: TurnDetectorOptions) {
    this.frameMs = options.frameMs;
    this.prefixPaddingMs = options.prefixPaddingMs ?? 300;
    this.silenceDurationMs = options.silenceDurationMs ?? 500;
    this.minSpeechMs = options.minSpeechMs ?? 200;
    this.warmupMs = options.warmupMs ?? 120;
    this.interruptOnsetMs = Math.min(options.interruptOnsetMs ?? this.minSpeechMs, this.minSpeechMs);
    for (const [name, value] of Object.entries({
      frameMs: this.frameMs,
      prefixPaddingMs: this.prefixPaddingMs,
      silenceDurationMs: this.silenceDurationMs,
      minSpeechMs: this.minSpeechMs,
      warmupMs: this.warmupMs,
      interruptOnsetMs: this.interruptOnsetMs,
    })) {
      if (!Number.isFinite(value) || value < 0)
        throw new Error(`turn detection: ${name} must be >= 0, got ${value}`);
    }
  }

  /** Whether a turn is in progress. */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /**
   * Feeds the flag for the frame that starts at `frameStartMs`; returns the turn event it caused.
   * `interrupting` says a response is playing, so `interruptOnsetMs` of speech is enough to start.
   */
  push(isSpeech: boolean, frameStartMs: number, interrupting = false): TurnEvent | undefined {
    const frameEndMs = frameStartMs + this.frameMs;
    if (!this.speaking) {
      if (!isSpeech || frameStartMs < this.warmupMs) {
        this.speechRunStartMs = undefined;
        return undefined;
      }
      this.speechRunStartMs ??= frameStartMs;
      const needed = interrupting ? this.interruptOnsetMs : this.minSpeechMs;
      const runMs = frameEndMs - this.speechRunStartMs;
      if (runMs < Math.max(needed, this.frameMs)) return undefined;
      this.speaking = true;
      this.silenceMs = 0;
      this.voicedMs = runMs;
      const audioStartMs = Math.max(0, this.speechRunStartMs - this.prefixPaddingMs);
      this.speechRunStartMs = undefined;
      return { type: 'speech_started', audioStartMs, detectedAtMs: frameEndMs };
    }
    if (isSpeech) {
      this.silenceMs = 0;
      if (this.voicedMs < this.minSpeechMs) this.voicedMs += this.frameMs;
      return undefined;
    }
    this.silenceMs += this.frameMs;
    if (this.silenceMs < this.silenceDurationMs) return undefined;
    this.speaking = false;
    this.silenceMs = 0;
    return { type: 'speech_stopped', audioEndMs: frameEndMs, confirmed: this.voicedMs >= this.minSpeechMs };
  }

  /** Forgets any turn in progress (input cleared). */
  reset(): void {
    this.speaking = false;
    this.speechRunStartMs = undefined;
    this.silenceMs = 0;
    this.voicedMs = 0;
  }
}

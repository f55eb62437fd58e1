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
   * 60 ms). The turn still counts as speech only once `minSpeechMs` of speech frames were heard; one that
   * ends sooner is reported as unconfirmed (a cough, a click, echo) and not answered. The response it
   * cut off stays cancelled either way, which is why the shortcut should be gated with
   * `onsetVoicedFrames`.
   */
  readonly interruptOnsetMs?: number;
  /**
   * How many of the last `interruptOnsetMs` of frames must be voiced (periodic, the `voiced` argument of
   * {@link TurnDetector.push}) for the interrupt onset to start a turn (default 0: the VAD flag alone is
   * enough). A cough, a knock or a click is flagged as speech by the WebRTC VAD but is not periodic, so
   * with e.g. 2 of 3 frames it no longer interrupts; a run that is not voiced enough starts a turn only
   * after `minSpeechMs`, as when nothing plays. At most the number of frames in `interruptOnsetMs`.
   */
  readonly onsetVoicedFrames?: number;
  /**
   * While a response plays, a turn starts only on a frame whose `voiced` argument of
   * {@link TurnDetector.push} says the caller confirmed the onset of speech (`SpeechOnsetDetector`),
   * at once, and never on the length of a speech run (default false). `interruptOnsetMs` and
   * `onsetVoicedFrames` then play no part. While nothing plays, turns start as always.
   */
  readonly confirmedOnset?: boolean;
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
      /** Whether `minSpeechMs` of speech frames were heard (false only after an interrupt onset). */
      readonly confirmed: boolean;
    };

/**
 * Turns per-frame speech flags into turns on the stream's own clock: a start once speech lasted
 * `minSpeechMs` (dated back to the first speech frame minus the prefix padding), a stop once
 * `silenceDurationMs` of silence followed (dated at the end of that silence, as OpenAI does). While a
 * response plays, a shorter `interruptOnsetMs` of speech may start the turn (barge-in), optionally only
 * when its frames are voiced (`onsetVoicedFrames`; `VoicingDetector` tells voiced frames).
 */
export class TurnDetector {
  readonly frameMs: number;
  readonly prefixPaddingMs: number;
  readonly silenceDurationMs: number;
  readonly minSpeechMs: number;
  readonly warmupMs: number;
  readonly interruptOnsetMs: number;
  readonly onsetVoicedFrames: number;
  readonly confirmedOnset: boolean;
  /** Frames in `interruptOnsetMs`: the window in which `onsetVoicedFrames` are counted. */
  private readonly onsetFrames: number;
  /** Voiced flags of the last `onsetFrames` frames of the current speech run, as a ring. */
  private readonly onsetVoiced: boolean[];
  private speechRunFrames = 0;
  private speaking = false;
  /** Speech (VAD-flagged) time heard in the current turn, until it reaches `minSpeechMs`. */
  private speechMs = 0;
  private speechRunStartMs: number | undefined;
  private silenceMs = 0;

  constructor(options: TurnDetectorOptions) {
    this.frameMs = options.frameMs;
    this.prefixPaddingMs = options.prefixPaddingMs ?? 300;
    this.silenceDurationMs = options.silenceDurationMs ?? 500;
    this.minSpeechMs = options.minSpeechMs ?? 200;
    this.warmupMs = options.warmupMs ?? 120;
    this.interruptOnsetMs = Math.min(options.interruptOnsetMs ?? this.minSpeechMs, this.minSpeechMs);
    this.onsetVoicedFrames = options.onsetVoicedFrames ?? 0;
    this.confirmedOnset = options.confirmedOnset ?? false;
    for (const [name, value] of Object.entries({
      frameMs: this.frameMs,
      prefixPaddingMs: this.prefixPaddingMs,
      silenceDurationMs: this.silenceDurationMs,
      minSpeechMs: this.minSpeechMs,
      warmupMs: this.warmupMs,
      interruptOnsetMs: this.interruptOnsetMs,
      onsetVoicedFrames: this.onsetVoicedFrames,
    })) {
      if (!Number.isFinite(value) || value < 0)
        throw new Error(`turn detection: ${name} must be >= 0, got ${value}`);
    }
    if (!(this.frameMs > 0)) throw new Error(`turn detection: frameMs must be > 0, got ${this.frameMs}`);
    this.onsetFrames = Math.max(1, Math.ceil(this.interruptOnsetMs / this.frameMs));
    if (!Number.isInteger(this.onsetVoicedFrames) || this.onsetVoicedFrames > this.onsetFrames) {
      throw new Error(
        `turn detection: onsetVoicedFrames must be a whole number of at most ${this.onsetFrames} ` +
          `(the frames in interruptOnsetMs ${this.interruptOnsetMs}), got ${this.onsetVoicedFrames}`,
      );
    }
    this.onsetVoiced = new Array<boolean>(this.onsetFrames).fill(false);
  }

  /** Whether a turn is in progress. */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /**
   * Whether the `voiced` flag of the next frame would decide anything: only for a speech frame heard
   * while a response plays and no turn is in progress, when the interrupt onset needs voiced frames.
   * Lets the caller skip the voicing test everywhere else.
   */
  needsVoicing(isSpeech: boolean, interrupting: boolean): boolean {
    return (
      !this.confirmedOnset &&
      isSpeech &&
      interrupting &&
      !this.speaking &&
      this.onsetVoicedFrames > 0 &&
      this.interruptOnsetMs < this.minSpeechMs
    );
  }

  /**
   * Feeds the flag for the frame that starts at `frameStartMs`; returns the turn event it caused.
   * `interrupting` says a response is playing, so `interruptOnsetMs` of speech is enough to start
   * (provided `onsetVoicedFrames` of its last frames were `voiced`, when that option is set). With
   * `confirmedOnset`, `voiced` says the caller confirmed the onset of speech at this frame instead.
   */
  push(isSpeech: boolean, frameStartMs: number, interrupting = false, voiced = false): TurnEvent | undefined {
    const frameEndMs = frameStartMs + this.frameMs;
    if (!this.speaking && interrupting && this.confirmedOnset)
      return this.confirmed(isSpeech, frameStartMs, voiced);
    if (!this.speaking) {
      if (!isSpeech || frameStartMs < this.warmupMs) {
        this.speechRunStartMs = undefined;
        this.speechRunFrames = 0;
        return undefined;
      }
      this.speechRunStartMs ??= frameStartMs;
      this.onsetVoiced[this.speechRunFrames % this.onsetFrames] = voiced;
      this.speechRunFrames++;
      const runMs = frameEndMs - this.speechRunStartMs;
      const onset =
        interrupting && runMs >= Math.max(this.interruptOnsetMs, this.frameMs) && this.onsetIsVoiced();
      if (!onset && runMs < Math.max(this.minSpeechMs, this.frameMs)) return undefined;
      this.speaking = true;
      this.silenceMs = 0;
      this.speechMs = runMs;
      const audioStartMs = Math.max(0, this.speechRunStartMs - this.prefixPaddingMs);
      this.speechRunStartMs = undefined;
      this.speechRunFrames = 0;
      return { type: 'speech_started', audioStartMs, detectedAtMs: frameEndMs };
    }
    if (isSpeech) {
      this.silenceMs = 0;
      if (this.speechMs < this.minSpeechMs) this.speechMs += this.frameMs;
      return undefined;
    }
    this.silenceMs += this.frameMs;
    if (this.silenceMs < this.silenceDurationMs) return undefined;
    this.speaking = false;
    this.silenceMs = 0;
    return { type: 'speech_stopped', audioEndMs: frameEndMs, confirmed: this.speechMs >= this.minSpeechMs };
  }

  /** A frame while a response plays, with `confirmedOnset`: a turn starts only on a confirmed onset. */
  private confirmed(isSpeech: boolean, frameStartMs: number, onset: boolean): TurnEvent | undefined {
    if (frameStartMs < this.warmupMs) return undefined;
    // The run is still followed, so that the turn is dated from its first speech frame.
    if (isSpeech) this.speechRunStartMs ??= frameStartMs;
    else if (!onset) this.speechRunStartMs = undefined;
    if (!onset) return undefined;
    const runStartMs = this.speechRunStartMs ?? frameStartMs;
    const frameEndMs = frameStartMs + this.frameMs;
    this.speaking = true;
    this.silenceMs = 0;
    this.speechMs = isSpeech ? frameEndMs - runStartMs : 0;
    this.speechRunStartMs = undefined;
    this.speechRunFrames = 0;
    return {
      type: 'speech_started',
      audioStartMs: Math.max(0, runStartMs - this.prefixPaddingMs),
      detectedAtMs: frameEndMs,
    };
  }

  /** Whether enough of the run's last `onsetFrames` frames were voiced. */
  private onsetIsVoiced(): boolean {
    if (this.onsetVoicedFrames === 0) return true;
    const frames = Math.min(this.speechRunFrames, this.onsetFrames);
    let voiced = 0;
    for (let i = 0; i < frames; i++) if (this.onsetVoiced[i]) voiced++;
    return voiced >= this.onsetVoicedFrames;
  }

  /** Forgets any turn in progress (input cleared). */
  reset(): void {
    this.speaking = false;
    this.speechRunStartMs = undefined;
    this.speechRunFrames = 0;
    this.silenceMs = 0;
    this.speechMs = 0;
  }
}

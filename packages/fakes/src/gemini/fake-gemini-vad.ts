import { rms } from '@chorus/audio';

/** A change in the speaker's state, as the energy detector decides it. */
export type VadTransition = 'speech_started' | 'speech_stopped';

/**
 * Energy-based voice activity detection over the input audio, timed by the audio itself (samples
 * received), not by the wall clock, so the fake behaves the same however fast a test sends audio.
 * 10 ms windows: speech starts after `startMs` of voiced windows and stops after `silenceMs` of quiet ones.
 */
export class EnergyVad {
  private speaking = false;
  private voicedMs = 0;
  private silentMs = 0;
  private carry: Int16Array = new Int16Array(0);

  constructor(
    private readonly threshold: number,
    private readonly startMs: number,
    private readonly silenceMs: number,
  ) {}

  get isSpeaking(): boolean {
    return this.speaking;
  }

  /** Feeds PCM16 samples at `rate` Hz; returns the transitions they caused, in order. */
  push(samples: Int16Array, rate: number): VadTransition[] {
    const windowSize = Math.max(1, Math.round(rate / 100));
    const all = new Int16Array(this.carry.length + samples.length);
    all.set(this.carry, 0);
    all.set(samples, this.carry.length);
    const transitions: VadTransition[] = [];
    let offset = 0;
    for (; offset + windowSize <= all.length; offset += windowSize) {
      const voiced = rms(all.subarray(offset, offset + windowSize)) >= this.threshold;
      const transition = this.step(voiced);
      if (transition) transitions.push(transition);
    }
    this.carry = all.slice(offset);
    return transitions;
  }

  /** Ends speech now (the client said the audio stream ended). */
  end(): VadTransition | undefined {
    if (!this.speaking) return undefined;
    this.reset();
    return 'speech_stopped';
  }

  reset(): void {
    this.speaking = false;
    this.voicedMs = 0;
    this.silentMs = 0;
    this.carry = new Int16Array(0);
  }

  private step(voiced: boolean): VadTransition | undefined {
    if (voiced) {
      this.silentMs = 0;
      this.voicedMs += 10;
      if (!this.speaking && this.voicedMs >= this.startMs) {
        this.speaking = true;
        return 'speech_started';
      }
      return undefined;
    }
    this.voicedMs = 0;
    if (!this.speaking) return undefined;
    this.silentMs += 10;
    if (this.silentMs >= this.silenceMs) {
      this.speaking = false;
      this.silentMs = 0;
      return 'speech_stopped';
    }
    return undefined;
  }
}

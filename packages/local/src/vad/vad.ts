/**
 * A frame classifier: says whether one short frame of audio holds speech. Turn detection (smoothing,
 * padding, silence) is built on top by {@link TurnDetector}.
 */
export interface Vad {
  /** The rate frames must have. */
  readonly sampleRate: number;
  /** Samples per frame. */
  readonly frameSamples: number;
  isSpeech(frame: Int16Array): boolean;
  /** Forgets the noise estimate (a new stream). */
  reset(): void;
  dispose(): void;
}

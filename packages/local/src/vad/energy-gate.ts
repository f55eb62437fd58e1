import type { Vad } from './vad.js';

export interface EnergyGateOptions {
  /**
   * Frames whose level, once any DC offset is removed, is below this are quiet (default -60 dBFS:
   * room noise sits around -50, speech between -40 and -10). A constant offset is not sound.
   */
  readonly floorDbfs?: number;
  /**
   * Quiet frames in a row after which the VAD is no longer asked (default 25, 500 ms at 20 ms
   * frames). Until then every frame goes to the VAD, so its hangover after speech ends as it
   * always did and the turn detector sees the same silence.
   */
  readonly holdFrames?: number;
}

/** A VAD behind an energy gate, and how many frames the gate answered by itself. */
export interface GatedVad extends Vad {
  readonly skipped: number;
}

/**
 * Puts `vad` behind an energy gate: once a stream has been quiet for `holdFrames`, quiet frames are
 * answered "not speech" without running the VAD, so a silent session costs a sum of squares per
 * frame instead of the VAD's filter bank. The first frame above the floor goes to the VAD again, so
 * the onset of speech (and a barge-in) is judged exactly as before.
 */
export function energyGated(vad: Vad, options: EnergyGateOptions = {}): GatedVad {
  const floor = 32768 * 10 ** ((options.floorDbfs ?? -60) / 20);
  // Compared as the sum of squared deviations, to take no square root per frame.
  const floorSum = floor * floor * vad.frameSamples;
  const hold = options.holdFrames ?? 25;
  let quietRun = 0;
  let skipped = 0;
  return {
    sampleRate: vad.sampleRate,
    frameSamples: vad.frameSamples,
    get skipped() {
      return skipped;
    },
    isSpeech(frame) {
      if (deviationSum(frame) * vad.frameSamples >= floorSum * frame.length) {
        quietRun = 0;
        return vad.isSpeech(frame);
      }
      quietRun++;
      if (quietRun <= hold) return vad.isSpeech(frame);
      skipped++;
      return false;
    },
    reset() {
      quietRun = 0;
      vad.reset();
    },
    dispose() {
      vad.dispose();
    },
  };
}

/** Sum of squared deviations from the frame's mean (its energy without the DC offset). */
function deviationSum(frame: Int16Array): number {
  const n = frame.length;
  if (n === 0) return 0;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const s = frame[i] as number;
    sum += s;
    squares += s * s;
  }
  return squares - (sum * sum) / n;
}

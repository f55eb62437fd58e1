/**
 * A turn brought to the same surroundings whatever cut it: its speech, with a fixed amount of the
 * turn's own background before and after.
 *
 * pocketsphinx's front end starts its noise estimate (spectral subtraction) from the first frames it
 * reads and drops what its own VAD calls silence. A turn the VAD cut at the very start of speech
 * (a caller who speaks as the line opens: no prefix padding to take) gives it speech as its "noise",
 * and every score of the decode moves: the request grammar's fit against the phone loop measured
 * +2.3 per frame on a padded recording and -3.0 on the same words as the turn detector cut them.
 * Trimmed to the speech and padded to a fixed length, both decode alike.
 *
 * The speech is told from the turn's own background, so the turn must hold some: the turn detector's
 * closing silence leaves at least 300 ms (500 ms, less the VAD's hang-over).
 */

/** Analysis frames of 10 ms at 16 kHz, the recogniser's own frame rate. */
const FRAME = 160;

export interface SpeechFramingOptions {
  /** Background added before and after the speech (default {@link DEFAULT_PAD_MS}). */
  readonly padMs?: number;
  /**
   * Audio kept either side of the loud part, for onsets and endings quieter than the threshold
   * (an h, an f, a final s) (default {@link DEFAULT_MARGIN_MS}).
   */
  readonly marginMs?: number;
}

/** About what the turn detector's prefix padding (300 ms) leaves before speech. */
export const DEFAULT_PAD_MS = 300;
export const DEFAULT_MARGIN_MS = 150;

/** Speech is what rises this far above the turn's quietest frames... */
const ABOVE_FLOOR_DB = 12;
/** ...and is no further than this below its loudest (a clean turn's floor is digital silence). */
const BELOW_PEAK_DB = 45;
/** The quietest stretch counts as background only this far below the loudest frame. */
const BACKGROUND_BELOW_PEAK_DB = 20;
/** Background quieter than this (about -60 dBFS) is padded as digital silence, whatever it holds. */
const SILENT_BELOW_DB = 30;
/** The stretch of background repeated as padding. */
const BACKGROUND_FRAMES = 10;

function frameDb(audio: Int16Array, frame: number): number {
  let sum = 0;
  const start = frame * FRAME;
  for (let i = start; i < start + FRAME; i++) {
    const s = audio[i] ?? 0;
    sum += s * s;
  }
  return 10 * Math.log10(sum / FRAME + 1e-3);
}

export interface SpeechBounds {
  /**
   * First and last sample (exclusive) of the speech, margins included: may reach outside the turn
   * (below 0, past its end) when the cut left less than the margin.
   */
  readonly start: number;
  readonly end: number;
  /** Where the turn's quietest 100 ms begin, and whether they are background (well below the speech). */
  readonly quietest: number;
  readonly quietIsBackground: boolean;
  /** The level of those 100 ms (mean square, dB; about -30 for digital silence). */
  readonly quietDb: number;
}

/** Where the speech of a 16 kHz turn lies, in samples; undefined when nothing stands out. */
export function speechBounds(audio: Int16Array, marginMs = DEFAULT_MARGIN_MS): SpeechBounds | undefined {
  const frames = Math.floor(audio.length / FRAME);
  if (frames < 3) return undefined;
  const levels = Array.from({ length: frames }, (_, f) => frameDb(audio, f));
  const sorted = [...levels].sort((a, b) => a - b);
  const floor = sorted[Math.floor(frames * 0.1)] ?? 0;
  const peak = sorted[frames - 1] ?? 0;
  const threshold = Math.max(floor + ABOVE_FLOOR_DB, peak - BELOW_PEAK_DB);
  const first = levels.findIndex((l) => l > threshold);
  if (first < 0) return undefined;
  let last = first;
  for (let f = frames - 1; f > first; f--) {
    if ((levels[f] ?? 0) > threshold) {
      last = f;
      break;
    }
  }
  // The quietest stretch of the turn: its background, repeated as padding.
  let quietest = 0;
  let quietestSum = Number.POSITIVE_INFINITY;
  const span = Math.min(BACKGROUND_FRAMES, frames);
  for (let f = 0; f + span <= frames; f++) {
    let sum = 0;
    for (let k = f; k < f + span; k++) sum += 10 ** ((levels[k] ?? 0) / 10);
    if (sum < quietestSum) {
      quietestSum = sum;
      quietest = f * FRAME;
    }
  }
  // To the sample: the first and last sample as loud as the threshold's level, so the same speech is
  // placed alike whatever the 10 ms grid of the cut.
  const amplitude = 10 ** (threshold / 20);
  let onset = first * FRAME;
  while (onset < (first + 1) * FRAME - 1 && Math.abs(audio[onset] ?? 0) < amplitude) onset++;
  let offset = (last + 1) * FRAME - 1;
  while (offset > last * FRAME && Math.abs(audio[offset] ?? 0) < amplitude) offset--;
  const margin = Math.round((marginMs / 1000) * 16000);
  const quietDb = 10 * Math.log10(quietestSum / span);
  return {
    start: onset - margin,
    end: offset + 1 + margin,
    quietest,
    // A turn that is loud throughout (speech from end to end) has no background to repeat.
    quietIsBackground: quietDb < peak - BACKGROUND_BELOW_PEAK_DB,
    quietDb,
  };
}

/**
 * The turn's speech and margins (see {@link speechBounds}) with `padMs` of background before and
 * after, so the speech always starts `padMs + marginMs` into the result. Background is the turn's
 * quietest 100 ms repeated when it is quiet next to the speech (steady noise), otherwise digital
 * silence (a clean turn: silence, or a pause of a turn with no silence left around it); it also stands in for margin the cut did not leave. A turn with nothing that
 * stands out is returned as it is.
 */
export function frameSpeech(audio: Int16Array, options: SpeechFramingOptions = {}): Int16Array {
  const bounds = speechBounds(audio, options.marginMs);
  if (!bounds) return audio;
  const pad = Math.round(((options.padMs ?? DEFAULT_PAD_MS) / 1000) * 16000);
  const backgroundLength = Math.min(BACKGROUND_FRAMES * FRAME, audio.length - bounds.quietest);
  const background = audio.subarray(bounds.quietest, bounds.quietest + backgroundLength);
  const usable = bounds.quietIsBackground && bounds.quietDb > SILENT_BELOW_DB && backgroundLength > 0;
  const out = new Int16Array(pad + (bounds.end - bounds.start) + pad);
  for (let i = 0; i < out.length; i++) {
    const at = bounds.start - pad + i;
    const inside = i >= pad && i < out.length - pad && at >= 0 && at < audio.length;
    out[i] = inside ? (audio[at] ?? 0) : usable ? (background[i % backgroundLength] ?? 0) : 0;
  }
  return out;
}

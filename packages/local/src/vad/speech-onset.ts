import { VoicingDetector, type VoicingOptions } from './voicing.js';

/**
 * Settings of {@link SpeechOnsetDetector}; the defaults were tuned on the barge-in corpus of the
 * benchmarks (test/bench/barge-in-corpus.ts). Frames are 16 kHz: the fricative test needs 4-8 kHz.
 */
export interface SpeechOnsetOptions {
  /**
   * Analysis hop in ms, 10 (default) or 20: each pushed frame is judged in steps of this length, each over
   * a 40 ms window, so that an onset is confirmed as soon as the frame that completes it arrives rather
   * than at the end of the next one. The counts below are in hops.
   */
  readonly hopMs?: 10 | 20;
  /** Hops of hiss in a row that confirm a fricative onset (s, sh, th, the release of t), default 2. */
  readonly fricativeFrames?: number;
  /** Voiced hops among the last three that confirm a voiced onset (default 2). */
  readonly voicedFrames?: number;
  /**
   * Least pitch change, as a fraction, between neighbouring voiced hops of an onset (default 0.003): a voice
   * always drifts by more; a held note, a tone or a hum does not.
   */
  readonly minPitchDrift?: number;
  /** How far above the noise floor (dB) a hop must be to count (default 6). */
  readonly marginDb?: number;
  /**
   * Which of the later confirmations are on (all by default): `sibilant` (three hops of sh-like hiss),
   * `topBand` (three hops of hiss reaching 8 kHz that the level does not show: f, th, s heard above pink
   * or brown noise) and `murmur` (m, n, r, w, l confirmed by a pitch glide at a word's start). All three
   * off is the rule before they were added, except for the fade guard on voicing, which stays (the
   * barge-in corpus bench measures each).
   */
  readonly confirm?: { readonly sibilant?: boolean; readonly topBand?: boolean; readonly murmur?: boolean };
  /** Settings of the voicing test (default threshold 0.35, lowest pitch 65 Hz). */
  readonly voicing?: Omit<VoicingOptions, 'sampleRate'>;
}

/** The rate of the frames: the input rate of the local model. */
const RATE = 16000;
const DB_FLOOR = -100;
const DEFAULT_VOICING_THRESHOLD = 0.35;
/** Lowest pitch taken for a voice: mains hum (50/60 Hz) and the boom of a door or a table lie below. */
const DEFAULT_MIN_PITCH_HZ = 65;
/** How fast the noise floor may rise, dB per frame: about 2.5 dB/s at 20 ms frames. */
const FLOOR_RISE_DB = 0.05;
/**
 * Least high-frequency tilt of a fricative's excess over the floor, as its first-difference gain (power
 * of x[n] - x[n-1] over power of x[n]): 2 for white noise, about 0.3 for a vowel, 2.5-3 for s and th.
 * Measured over a 10 ms hop, white noise reaches 2.2-2.3 now and then: at 2.2, 22 of 60 white-noise
 * bursts of 300 ms confirmed; at 2.4, none.
 */
const MIN_FRICATIVE_TILT = 2.4;
/**
 * Least tilt of a sibilant's hiss (sh, ch): its energy lies at 2-5 kHz, flatter than an s; three hops of
 * it in a row confirm, if it does not reach the top of the band as a flat hiss does (its top tilt below
 * `MIN_TOP_TILT`: a burst of white noise, static or a puff on the microphone is flat). A cough's burst
 * lies lower (0.3-1.2).
 */
const MIN_SIBILANT_TILT = 1.5;
/** Hops of sibilant hiss in a row that confirm an onset. */
const SIBILANT_FRAMES = 3;
/**
 * Least tilt of the excess of the second difference over that of the first (the "top" band over the
 * hiss band): about 3 for hiss that reaches 8 kHz (f, th, s), 1.4-1.9 for a cough's burst that stops at
 * 3.5-5 kHz. In pink or brown noise a weak f or th is heard this way long before the level rises.
 */
const MIN_TOP_TILT = 2.6;
/**
 * The top-band rule is for hiss the level does not show: below this tilt of the level's excess (a flat
 * hiss that dominates the level has 2; under pink or brown noise the noise's own low end dominates). A
 * burst of white noise over a quiet room is thus not taken for an f.
 */
const MAX_TOP_LEVEL_TILT = 1.5;
/** Hops of such top-band hiss in a row that confirm an onset. */
const TOP_FRAMES = 3;
/**
 * A murmur (m, n, r, w, l: voiced, its energy at the fundamental, so not rich in harmonics) is
 * confirmed by its pitch: `MURMUR_FRAMES` periodic hops whose pitch moves one way by at least
 * `MIN_MURMUR_GLIDE` in all, no step above `MAX_MURMUR_STEP`, and the level not falling by more than
 * `MAX_MURMUR_DECAY_DB` (a thump's or a pluck's pitch holds and its level falls).
 */
const MURMUR_FRAMES = 5;
/**
 * A murmur starts a word: it confirms only within the sound's first 100 ms (a tone with vibrato glides
 * one way for a while, again and again), with some harmonics (a pure tone has none; a nasal has a few)
 * and at a voice's pitch (a tone sweeping above it reads as its lower octave).
 */
const MURMUR_WITHIN = 10;
const MIN_MURMUR_RICHNESS = 2;
const MAX_MURMUR_PITCH_HZ = 300;
const MIN_MURMUR_GLIDE = 0.02;
const MAX_MURMUR_STEP = 0.05;
const MAX_MURMUR_DECAY_DB = 3;
/** Aspiration (h, the release of k, t, p) is flatter noise; it counts only when voicing follows. */
const MIN_ASPIRATION_TILT = 0.5;
/**
 * Hops of the sound, neither hiss nor voiced, that may lie between aspiration and the voiced hop it
 * runs into: the voicing window still holds the aspiration's noise as the vowel begins.
 */
const ASPIRATION_GAP = 2;
/** Hops of aspiration before a voiced hop that make it an onset at once. */
const ASPIRATION_FRAMES = 2;
/** A voiced hop's first-difference gain must be this many times a pure sine's at its pitch. */
const MIN_HARMONIC_RICHNESS = 6;
/**
 * A voice's energy lies around its first formant (250-800 Hz): its first-difference gain is at least a
 * 200 Hz sine's (a nasal murmur, the lowest, comes near). A door's thump or a hum lies lower.
 */
const MIN_VOICED_TILT = ((2 * Math.PI * 200) / RATE) ** 2;
/** Largest pitch change between neighbouring voiced hops that is a glide (more is a new note or an error). */
const MAX_PITCH_STEP = 0.15;
/** Steady pitch steps in a row that make a run a held note (music, a tone), which voicing cannot confirm. */
const STEADY_STEPS = 3;
/**
 * A step below this is a held pitch (an instrument's or a tone's, within the estimate's precision);
 * a voice may rest on a pitch for a hop or two too, but it wavers by more.
 */
const HELD_PITCH_STEP = 0.0006;
/** Peak-to-RMS power ratio above which a hop is a click, not hiss (about 14 dB; hiss is near 10 dB). */
const MAX_HISS_CREST = 25;
/** A fricative run ends as a cough or a knock when a hop falls this far (dB) below the run's loudest. */
const MAX_DECAY_DB = 6;

/** The voicing test's window: 40 ms, two periods of the lowest pitch. */
const WINDOW_SAMPLES = (RATE * 40) / 1000;
/** The frame the floor's rise rate is given for (20 ms). */
const FRAME_SAMPLES = (RATE * 20) / 1000;

const toDb = (power: number) => (power > 0 ? 10 * Math.log10(power) : DB_FLOOR);

/**
 * Decides, hop by hop (10 ms by default, within the 20 ms frames it is given), when a sound that
 * started while a response plays is the onset of speech: the barge-in rule of the local model. It keeps
 * its own noise floor (of the level and of the level of the first difference, which weighs the high
 * frequencies) and confirms an onset on either
 * - a fricative: `fricativeFrames` hops in a row whose excess over the floor is hiss (noise tilted to
 *   the high frequencies, as s, sh, th and aspiration are; a cough or a thump is tilted low), not a click
 *   (peak-to-RMS), and not decaying (a cough, a knock and a slam start loud and fall); or
 * - aspiration running into voicing: two hops of flatter noise (h, the release of k, p, t) and then,
 *   at most two hops later, a voiced hop; or
 * - voicing: `voicedFrames` of the last three hops periodic (over a 40 ms window) at a pitch that glides
 *   by at least `minPitchDrift` from hop to hop (a voice glides; a tone, a chord, a note or a hum holds
 *   its pitch, and a sound that held its pitch for four hops cannot be confirmed by voicing at all),
 *   with harmonics above the fundamental and energy around a first formant (not a sine, a hum or a thump);
 * - a sibilant: three hops in a row of hiss flatter than an s but above a cough's (sh, ch), that does
 *   not reach the top of the band as flat hiss (a burst of static, a puff on the microphone) does;
 * - top-band hiss: three hops in a row whose excess reaches the top of the band (the second difference
 *   rises over its own floor as much as a flat hiss's would) while the level does not show it: a weak f
 *   or th, which pink or brown noise hides in the level long after it shows here. A cough's burst stops
 *   lower; a burst of white noise in a quiet room shows in the level and is not taken;
 * - a murmur: five periodic hops, in the sound's first 100 ms, below 300 Hz and with some harmonics, whose
 *   pitch moves one way by 2 % or more while the level holds (m, n, r, w, l carry their energy at the
 *   fundamental, so the voicing test above does not take them; a thump's pitch holds and its level
 *   falls, a held note's pitch holds, vibrato swings both ways, a pure tone has no harmonics).
 * A word that starts unvoiced is confirmed on its hiss, or at the latest on its vowel. Nothing else
 * interrupts: not the length of the sound, so a long cough, a slam or music never does.
 *
 * The last three were added on the barge-in corpus: p50 / p90 50 / 113 ms -> 46 / 99 ms, with no sound
 * that is not speech interrupting (each can be turned off with `confirm`).
 *
 * Why 10 ms hops: with 20 ms analysis an onset was confirmed at the end of the frame after the one that
 * completed it; the barge-in corpus (test/bench/barge-in-corpus.ts) went from p50 75 / p90 133 ms to
 * about 47 / 109 ms, with no sound that is not speech interrupting. Shorter hops (5 ms) and a shorter
 * window (30 ms) were faster on the tuning sounds but let held-out music through.
 *
 * Cost per 20 ms frame: two sums over the samples (about 1 µs at 16 kHz); the voicing test (about
 * 20 µs per hop) only on hops above the floor, and only where `push` (not `observe`) is called.
 */
export class SpeechOnsetDetector {
  readonly fricativeFrames: number;
  readonly voicedFrames: number;
  readonly minPitchDrift: number;
  readonly marginDb: number;
  private readonly sibilants: boolean;
  private readonly topBand: boolean;
  private readonly murmurs: boolean;
  private readonly voicing: VoicingDetector;
  private floorDb = Number.NaN;
  private hissFloorDb = Number.NaN;
  /** Floor of the level of the second difference (the top band, 4-8 kHz weighed most). */
  private topFloorDb = Number.NaN;
  /** Samples per analysis hop; each frame is judged hop by hop. */
  readonly hopSamples: number;
  /** The last `WINDOW_SAMPLES - hopSamples` samples before the current hop: the voicing window's head. */
  private readonly history: Int16Array;
  private historyFill = 0;
  // The current run of hops above the floor.
  private hissRun = 0;
  /** Steps in a row between voiced hops without pitch change; at `STEADY_STEPS` the run is tonal. */
  private steadySteps = 0;
  private tonal = false;
  /** Pitch of the sound's last voiced hop. */
  private lastPitch = 0;
  /** Hops above the floor in a row. */
  private runFrames = 0;
  /** Hops of hiss or aspiration (flatter noise, as in h or the release of k) in a row. */
  private aspirationRun = 0;
  /** Hops since a run of aspiration long enough to start a word ended (infinite: none in this sound). */
  private sinceAspiration = Number.POSITIVE_INFINITY;
  private hissPeakDb = DB_FLOOR;
  /** Hops of sibilant hiss in a row. */
  private sibilantRun = 0;
  /** Hops of top-band hiss in a row, and the loudest of them (dB, second difference). */
  private topRun = 0;
  private topPeakDb = DB_FLOOR;
  /** Pitches of the current murmur run (periodic hops in a row), and its loudest level. */
  private murmur: number[] = [];
  private murmurPeakDb = DB_FLOOR;
  /** The loudest hop of the run (dB). */
  private runPeakDb = DB_FLOOR;
  /** Pitches of the last three hops (0 when not voiced). */
  private readonly pitches = [0, 0, 0];

  constructor(options: SpeechOnsetOptions = {}) {
    this.fricativeFrames = options.fricativeFrames ?? 2;
    this.voicedFrames = options.voicedFrames ?? 2;
    this.minPitchDrift = options.minPitchDrift ?? 0.003;
    this.marginDb = options.marginDb ?? 6;
    this.sibilants = options.confirm?.sibilant ?? true;
    this.topBand = options.confirm?.topBand ?? true;
    this.murmurs = options.confirm?.murmur ?? true;
    const hopMs = options.hopMs ?? 10;
    if (hopMs !== 10 && hopMs !== 20) throw new Error(`speech onset: hopMs must be 10 or 20, got ${hopMs}`);
    this.hopSamples = (RATE * hopMs) / 1000;
    this.history = new Int16Array(WINDOW_SAMPLES - this.hopSamples);
    if (!Number.isInteger(this.fricativeFrames) || this.fricativeFrames < 1)
      throw new Error(
        `speech onset: fricativeFrames must be a whole number >= 1, got ${this.fricativeFrames}`,
      );
    if (!Number.isInteger(this.voicedFrames) || this.voicedFrames < 1 || this.voicedFrames > 3)
      throw new Error(`speech onset: voicedFrames must be 1, 2 or 3, got ${this.voicedFrames}`);
    if (!(this.minPitchDrift >= 0))
      throw new Error(`speech onset: minPitchDrift must be >= 0, got ${this.minPitchDrift}`);
    if (!(this.marginDb >= 0)) throw new Error(`speech onset: marginDb must be >= 0, got ${this.marginDb}`);
    // A lower periodicity than the voicing test's own default: in 10-15 dB of noise a vowel's frames
    // often score 0.4-0.5; the pitch tests below keep noise and music out.
    this.voicing = new VoicingDetector({
      threshold: DEFAULT_VOICING_THRESHOLD,
      minPitchHz: DEFAULT_MIN_PITCH_HZ,
      ...options.voicing,
      sampleRate: RATE,
    });
  }

  /** Learns the noise floor from a frame, without judging it (nothing plays, or a turn is in progress). */
  observe(frame: Int16Array): void {
    this.hops(frame, false);
  }

  /** Whether `frame` confirms the onset of speech; call on every frame while a barge-in is possible. */
  push(frame: Int16Array): boolean {
    return this.hops(frame, true);
  }

  /** Judges `frame` hop by hop; every hop feeds the floor, so a hop after a confirmed one is still seen. */
  private hops(frame: Int16Array, judging: boolean): boolean {
    const hop = this.hopSamples;
    let confirmed = false;
    for (let start = 0; start < frame.length; start += hop) {
      const part = frame.subarray(start, Math.min(frame.length, start + hop));
      if (this.judge(part, judging) !== undefined) confirmed = true;
      this.remember(part);
    }
    return confirmed;
  }

  /** Forgets the run in progress and the floor (a new stream). */
  reset(): void {
    this.floorDb = Number.NaN;
    this.hissFloorDb = Number.NaN;
    this.topFloorDb = Number.NaN;
    this.historyFill = 0;
    this.endRun();
  }

  private endRun(): void {
    this.runFrames = 0;
    this.tonal = false;
    this.steadySteps = 0;
    this.lastPitch = 0;
    this.hissRun = 0;
    this.sibilantRun = 0;
    this.topRun = 0;
    this.topPeakDb = DB_FLOOR;
    this.murmur = [];
    this.murmurPeakDb = DB_FLOOR;
    this.runPeakDb = DB_FLOOR;
    this.aspirationRun = 0;
    this.sinceAspiration = Number.POSITIVE_INFINITY;
    this.hissPeakDb = DB_FLOOR;
    this.pitches.fill(0);
  }

  /** Appends `part` to the history, dropping its oldest samples. */
  private remember(part: Int16Array): void {
    const history = this.history;
    const keep = Math.min(this.historyFill, history.length - part.length);
    if (part.length >= history.length) history.set(part.subarray(part.length - history.length));
    else {
      history.copyWithin(history.length - part.length - keep, history.length - keep);
      history.set(part, history.length - part.length);
    }
    this.historyFill = Math.min(history.length, this.historyFill + part.length);
  }

  /** Learns the floor from one hop, `frame`; when `judging`, returns what confirmed an onset there, if anything. */
  private judge(frame: Int16Array, judging: boolean): 'fricative' | 'voiced' | undefined {
    const n = frame.length;
    if (n < 2) return undefined;
    let energy = 0;
    let hiss = 0;
    let top = 0;
    let peak = 0;
    const history = this.history;
    const fill = this.historyFill;
    let last = fill > 0 ? (history[history.length - 1] as number) : (frame[0] as number);
    let lastStep = fill > 1 ? last - (history[history.length - 2] as number) : 0;
    for (let i = 0; i < n; i++) {
      const v = frame[i] as number;
      energy += v * v;
      const d = v - last;
      hiss += d * d;
      const dd = d - lastStep;
      top += dd * dd;
      lastStep = d;
      last = v;
      const a = v * v;
      if (a > peak) peak = a;
    }
    const power = energy / n;
    const hissPower = hiss / n;
    const levelDb = toDb(power);
    const hissDb = toDb(hissPower);
    const topPower = top / n;
    const topDb = toDb(topPower);
    // The voicing window: the history (up to 40 ms less the hop) and this hop.
    const previous = history.subarray(history.length - this.historyFill);
    if (Number.isNaN(this.floorDb)) {
      this.floorDb = levelDb;
      this.hissFloorDb = hissDb;
      this.topFloorDb = topDb;
    }
    const floorDb = this.floorDb;
    const hissFloorDb = this.hissFloorDb;
    const topFloorDb = this.topFloorDb;
    // Minimum tracking: down at once, up slowly, so that speech barely lifts it.
    const rise = (FLOOR_RISE_DB * n) / FRAME_SAMPLES;
    this.floorDb = Math.min(levelDb, floorDb + rise);
    this.hissFloorDb = Math.min(hissDb, hissFloorDb + rise);
    this.topFloorDb = Math.min(topDb, topFloorDb + rise);
    const loud = levelDb >= floorDb + this.marginDb;
    const hissy = hissDb >= hissFloorDb + this.marginDb;
    if (!judging || (!loud && !hissy)) {
      this.endRun();
      return undefined;
    }
    // The excess over the floor: its high-frequency tilt (first-difference gain; 2 for white noise).
    const excess = power - 10 ** (floorDb / 10);
    const hissExcess = hissPower - 10 ** (hissFloorDb / 10);
    const tilt = excess > 0 ? hissExcess / excess : Number.POSITIVE_INFINITY;
    // The same for the hiss band's excess: how much of it lies at the very top (f, th and s reach 8 kHz).
    const topExcess = topPower - 10 ** (topFloorDb / 10);
    const topTilt = hissExcess > 0 ? topExcess / hissExcess : Number.POSITIVE_INFINITY;
    const crest = power > 0 ? peak / power : 0;
    const voicing = loud ? this.voicing.measure(frame, previous) : undefined;
    // A voice has harmonics up to its formants; a hum, a knock or a sine tone has its fundamental only.
    const sineTilt = voicing ? ((2 * Math.PI * voicing.pitchHz) / RATE) ** 2 : 0;
    // The first hop of a sound is analysed over a window that is mostly background: its pitch is not
    // reliable (a note's attack reads as a glide), so voicing counts from the sound's second hop.
    this.runFrames++;
    this.runPeakDb = Math.max(this.runPeakDb, levelDb);
    // A thump's or a pluck's voicing, like a cough's hiss, starts loud and falls; a vowel's rises or holds.
    const fading = levelDb < this.runPeakDb - MAX_DECAY_DB;
    const voiced =
      voicing?.voiced === true &&
      this.runFrames >= 2 &&
      tilt >= MIN_HARMONIC_RICHNESS * sineTilt &&
      tilt >= MIN_VOICED_TILT;
    const pitch = voiced ? (voicing?.pitchHz ?? 0) : 0;
    if (
      this.topBand &&
      !voiced &&
      hissy &&
      topDb >= topFloorDb + this.marginDb &&
      topTilt >= MIN_TOP_TILT &&
      tilt < MAX_TOP_LEVEL_TILT &&
      crest <= MAX_HISS_CREST &&
      topDb >= this.topPeakDb - MAX_DECAY_DB
    ) {
      this.topPeakDb = Math.max(this.topPeakDb, topDb);
      if (++this.topRun >= TOP_FRAMES) return 'fricative';
    } else {
      this.topRun = 0;
      this.topPeakDb = DB_FLOOR;
    }
    const periodic =
      voicing?.voiced === true &&
      this.runFrames >= 2 &&
      tilt >= MIN_VOICED_TILT &&
      tilt >= MIN_MURMUR_RICHNESS * sineTilt &&
      voicing.pitchHz <= MAX_MURMUR_PITCH_HZ &&
      !this.tonal;
    if (
      this.murmurs &&
      this.runFrames <= MURMUR_WITHIN &&
      this.murmurOnset(periodic ? (voicing?.pitchHz ?? 0) : 0, levelDb)
    )
      return 'voiced';
    // Four voiced hops in a row at one pitch (unvoiced hops between them aside): a held note, not a
    // voice, which glides; the sound stays so until it ends.
    if (pitch > 0) {
      const before = this.lastPitch;
      if (before > 0 && Math.abs(pitch - before) / Math.min(pitch, before) < HELD_PITCH_STEP) {
        if (++this.steadySteps >= STEADY_STEPS) this.tonal = true;
      } else this.steadySteps = 0;
      this.lastPitch = pitch;
    }
    this.pitches.shift();
    this.pitches.push(pitch);
    if (voiced) {
      // A consonant's hiss or aspiration running into voicing is how most words start.
      const aspirated = this.aspirationRun >= ASPIRATION_FRAMES || this.sinceAspiration <= ASPIRATION_GAP;
      this.hissRun = 0;
      this.sibilantRun = 0;
      this.aspirationRun = 0;
      this.sinceAspiration = Number.POSITIVE_INFINITY;
      this.hissPeakDb = DB_FLOOR;
      return aspirated || (!this.tonal && !fading && this.voicedOnset()) ? 'voiced' : undefined;
    }
    if (hissy && tilt >= MIN_ASPIRATION_TILT && crest <= MAX_HISS_CREST) {
      this.hissPeakDb = Math.max(this.hissPeakDb, hissDb);
      // A cough, a knock or a slam peaks at once and decays: the run is then not a fricative.
      if (hissDb < this.hissPeakDb - MAX_DECAY_DB) {
        this.hissRun = 0;
        this.sibilantRun = 0;
        this.aspirationRun = 0;
        this.sinceAspiration = Number.POSITIVE_INFINITY;
        return undefined;
      }
      if (++this.aspirationRun >= ASPIRATION_FRAMES) this.sinceAspiration = 0;
      if (tilt >= MIN_FRICATIVE_TILT) this.hissRun++;
      else this.hissRun = 0;
      if (this.sibilants && tilt >= MIN_SIBILANT_TILT && topTilt < MIN_TOP_TILT) {
        if (++this.sibilantRun >= SIBILANT_FRAMES) return 'fricative';
      } else this.sibilantRun = 0;
      return this.hissRun >= this.fricativeFrames ? 'fricative' : undefined;
    }
    this.hissRun = 0;
    this.sibilantRun = 0;
    this.aspirationRun = 0;
    this.sinceAspiration++;
    this.hissPeakDb = DB_FLOOR;
    return undefined;
  }

  /**
   * Adds a hop to the murmur run (`pitch` 0: not periodic, which ends it) and says whether the run
   * is now a murmur's onset: see `MURMUR_FRAMES`.
   */
  private murmurOnset(pitch: number, levelDb: number): boolean {
    const run = this.murmur;
    if (pitch <= 0 || levelDb < this.murmurPeakDb - MAX_MURMUR_DECAY_DB) {
      run.length = 0;
      this.murmurPeakDb = DB_FLOOR;
      return false;
    }
    const before = run[run.length - 1];
    if (before !== undefined && Math.abs(pitch - before) / Math.min(pitch, before) > MAX_MURMUR_STEP) {
      // A jump: a new note or a wrong estimate; the run starts again here.
      run.length = 0;
      this.murmurPeakDb = levelDb;
    }
    this.murmurPeakDb = Math.max(this.murmurPeakDb, levelDb);
    run.push(pitch);
    if (run.length > MURMUR_FRAMES) run.shift();
    if (run.length < MURMUR_FRAMES) return false;
    let rising = true;
    let falling = true;
    for (let i = 1; i < run.length; i++) {
      const step = (run[i] as number) - (run[i - 1] as number);
      if (step < 0) rising = false;
      if (step > 0) falling = false;
    }
    const first = run[0] as number;
    const latest = run[run.length - 1] as number;
    return (rising || falling) && Math.abs(latest - first) / Math.min(first, latest) >= MIN_MURMUR_GLIDE;
  }

  /**
   * Whether enough of the last three hops are voiced, at a pitch that glides: the latest step between
   * voiced hops moves by at least `minPitchDrift` and at most `MAX_PITCH_STEP`.
   */
  private voicedOnset(): boolean {
    let count = 0;
    let last = 0;
    let step = 0;
    for (const p of this.pitches) {
      if (p <= 0) continue;
      count++;
      if (last > 0) step = Math.abs(p - last) / Math.min(p, last);
      last = p;
    }
    if (count < this.voicedFrames) return false;
    // A single voiced hop (voicedFrames 1) has no step to measure.
    return count === 1 || (step >= this.minPitchDrift && step <= MAX_PITCH_STEP);
  }
}

/**
 * The barge-in corpus, generated at bench time (nothing of it is stored): spoken interruptions by several
 * espeak-ng voices (accents, male and female variants, pitch and rate), 16 of 28 phrases starting with an
 * unvoiced consonant, clean and in white, pink and brown noise at 10-20 dB SNR; and sounds that are not
 * speech, all synthesized with sox: coughs (shaped noise bursts), clicks, door slams and knocks (low
 * thumps), music (tones, chords, plucked melodies). Every sound is synthetic; the non-speech sounds are
 * stand-ins shaped like the real ones, not recordings.
 *
 * Items are split by voice (speech) and by variant (non-speech) into a tuning part, a held-out part
 * and a fresh part (see `Part`), so that a rule tuned on the first can be measured on the others.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav, seededRandom } from '@chorus/audio';

export const CORPUS_RATE = 16000;
/** Background before the sound: the VAD and any noise-floor estimate settle on it. */
export const LEAD_MS = 800;
/** Background after the sound's start, at most: the item ends here. */
const TAIL_MS = 1400;

/**
 * `fresh`: voices and sounds added after the rule's last change and measured with it once, to check
 * that it holds on what it was not developed on (the held-out part was looked at while developing).
 */
export type Part = 'tuning' | 'held-out' | 'fresh';
export type Background = 'quiet room' | 'white 20 dB' | 'pink 15 dB' | 'brown 10 dB';

export interface CorpusItem {
  readonly id: string;
  readonly kind: 'speech' | 'non-speech';
  readonly part: Part;
  /** Speech: the voice; non-speech: the family (cough, click, door, music). */
  readonly source: string;
  /** Speech: the words; non-speech: what the sound is. */
  readonly label: string;
  /** Speech only: whether the first sound is an unvoiced consonant. */
  readonly unvoicedOnset: boolean;
  readonly background: Background;
  /** 16 kHz mono PCM16: background, then the sound at `onsetMs`, then background. */
  readonly samples: Int16Array;
  /** Where the sound starts (its first sample above 1 % of its peak), ms from the item's start. */
  readonly onsetMs: number;
}

interface Voice {
  readonly name: string;
  readonly pitch: number;
  readonly rate: number;
  readonly part: Part;
}

/** espeak-ng voice (language + variant), pitch (-p, 0-99) and rate (-s, words per minute). */
export const VOICES: readonly Voice[] = [
  { name: 'en-us', pitch: 50, rate: 175, part: 'tuning' },
  { name: 'en-us+f3', pitch: 60, rate: 160, part: 'tuning' },
  { name: 'en-gb+m3', pitch: 40, rate: 150, part: 'tuning' },
  { name: 'en-gb-x-rp+f5', pitch: 70, rate: 190, part: 'held-out' },
  { name: 'en+m7', pitch: 30, rate: 140, part: 'held-out' },
  { name: 'en-029+f2', pitch: 55, rate: 170, part: 'held-out' },
  { name: 'en-gb-scotland+m1', pitch: 45, rate: 200, part: 'held-out' },
  { name: 'en-us+klatt', pitch: 35, rate: 165, part: 'held-out' },
  { name: 'en-us+m4', pitch: 55, rate: 185, part: 'fresh' },
  { name: 'en-gb+f4', pitch: 65, rate: 150, part: 'fresh' },
];

/** Interruptions that start with an unvoiced consonant: fricatives (s, f, h, sh, th) and stops (t, k, p). */
export const UNVOICED_ONSETS: readonly string[] = [
  'stop, please',
  'sorry, one thing',
  'so what about it',
  'fine, but listen',
  'hold on a second',
  'hey, listen',
  'shh, wait',
  'show me that again',
  'think about it',
  'thanks, but no',
  'two questions',
  'tell me more',
  'cancel that',
  'could you repeat',
  'please wait',
  'pause for a moment',
];

/** Interruptions that start voiced (vowels, nasals, glides, voiced stops). */
export const VOICED_ONSETS: readonly string[] = [
  'wait a moment',
  'no, not that',
  'yes, but why',
  'okay, stop',
  'listen to me',
  'but what about',
  'excuse me',
  'actually, no',
  'one more thing',
  'really?',
  'go back',
  'my question is',
];

/** Backgrounds: a quiet room (white noise at about -66 dBFS) or a noise at a SNR over the speech. */
const BACKGROUNDS: readonly { name: Background; color: string; snrDb?: number }[] = [
  { name: 'quiet room', color: 'whitenoise' },
  { name: 'white 20 dB', color: 'whitenoise', snrDb: 20 },
  { name: 'pink 15 dB', color: 'pinknoise', snrDb: 15 },
  { name: 'brown 10 dB', color: 'brownnoise', snrDb: 10 },
];
const QUIET_ROOM_RMS = 16;

/** A non-speech sound: how to make it with sox (into `out`, 16 kHz mono), and its level. */
interface NonSpeech {
  readonly family: 'cough' | 'click' | 'door' | 'music';
  readonly label: string;
  readonly part: Part;
  /** Peak level, dBFS. */
  readonly peakDb: number;
  /** sox argument lists, run in order; the last one writes `out`. `$n` is replaced by a scratch file. */
  readonly steps: (out: string, scratch: (n: number) => string) => string[][];
}

const SOX_OUT = ['-r', String(CORPUS_RATE), '-b', '16', '-c', '1'];
const synth = (out: string, ...effects: string[]) => ['-R', '-n', ...SOX_OUT, out, ...effects];
const mix = (out: string, ...inputs: string[]) => ['-R', '-m', ...inputs, ...SOX_OUT, out];
const concat = (out: string, ...inputs: string[]) => ['-R', ...inputs, ...SOX_OUT, out];
const silence = (out: string, seconds: number) => synth(out, 'trim', '0', String(seconds));

/** A noise burst shaped like a cough: fast attack, decay, band-limited (no voiced part). */
const burst = (out: string, color: string, seconds: number, low: number, high: number, decay: string) =>
  synth(
    out,
    'synth',
    String(seconds),
    color,
    'sinc',
    `${low}-${high}`,
    'fade',
    'q',
    '0.006',
    String(seconds),
    decay,
  );

/** A short decaying noise burst: a click (a few ms) or a snap. */
const click = (out: string, ms: number, low: number) =>
  synth(
    out,
    'synth',
    String(ms / 1000),
    'whitenoise',
    'highpass',
    String(low),
    'fade',
    'p',
    '0',
    String(ms / 1000),
    String(ms / 1000),
  );

/** A low thump: a decaying sine and a decaying brown-noise burst, mixed. */
const thump = (out: string, scratch: (n: number) => string, hz: number, seconds: number) => [
  synth(
    scratch(1),
    'synth',
    String(seconds),
    'sine',
    String(hz),
    'fade',
    'p',
    '0.002',
    String(seconds),
    String(seconds * 0.95),
  ),
  synth(
    scratch(2),
    'synth',
    String(seconds * 0.5),
    'brownnoise',
    'lowpass',
    '400',
    'fade',
    'p',
    '0.001',
    String(seconds * 0.5),
    String(seconds * 0.48),
  ),
  mix(out, scratch(1), scratch(2)),
];

/** Notes of `seconds` each, synthesized by `wave` (e.g. `pluck`, `sine`), one after the other. */
const melody = (
  out: string,
  scratch: (n: number) => string,
  wave: string,
  seconds: number,
  notes: number[],
) => [
  ...notes.map((hz, i) =>
    synth(
      scratch(i + 1),
      'synth',
      String(seconds),
      wave,
      String(hz),
      'fade',
      'q',
      '0.005',
      String(seconds),
      '0.03',
    ),
  ),
  concat(out, ...notes.map((_, i) => scratch(i + 1))),
];

export const NON_SPEECH: readonly NonSpeech[] = [
  // coughs: shaped noise bursts (synthetic, no voiced part)
  {
    family: 'cough',
    label: 'cough, 150 ms pink burst 200-3500 Hz',
    part: 'tuning',
    peakDb: -8,
    steps: (o) => [burst(o, 'pinknoise', 0.15, 200, 3500, '0.12')],
  },
  {
    family: 'cough',
    label: 'cough, 250 ms white burst 300-5000 Hz',
    part: 'tuning',
    peakDb: -10,
    steps: (o) => [burst(o, 'whitenoise', 0.25, 300, 5000, '0.22')],
  },
  {
    family: 'cough',
    label: 'double cough, two 120 ms pink bursts',
    part: 'held-out',
    peakDb: -8,
    steps: (o, s) => [
      burst(s(1), 'pinknoise', 0.12, 150, 3000, '0.1'),
      silence(s(2), 0.1),
      burst(s(3), 'pinknoise', 0.14, 150, 3000, '0.12'),
      concat(o, s(1), s(2), s(3)),
    ],
  },
  {
    family: 'cough',
    label: 'cough, 200 ms brown burst below 2500 Hz',
    part: 'held-out',
    peakDb: -6,
    steps: (o) => [burst(o, 'brownnoise', 0.2, 80, 2500, '0.18')],
  },
  {
    family: 'cough',
    label: 'throat clear, 300 ms pink burst 150-2000 Hz',
    part: 'held-out',
    peakDb: -14,
    steps: (o) => [burst(o, 'pinknoise', 0.3, 150, 2000, '0.2')],
  },
  {
    family: 'cough',
    label: 'cough, 180 ms white burst 400-4000 Hz',
    part: 'fresh',
    peakDb: -7,
    steps: (o) => [burst(o, 'whitenoise', 0.18, 400, 4000, '0.17')],
  },
  {
    family: 'click',
    label: 'hand claps, 2 x 10 ms above 800 Hz, 300 ms apart',
    part: 'fresh',
    peakDb: -3,
    steps: (o, s) => [click(s(1), 10, 800), silence(s(2), 0.3), concat(o, s(1), s(2), s(1))],
  },
  {
    family: 'door',
    label: 'footsteps, 4 x 90 Hz thumps, 400 ms apart',
    part: 'fresh',
    peakDb: -9,
    steps: (o, s) => [
      ...thump(s(10), s, 90, 0.12),
      silence(s(11), 0.28),
      concat(o, s(10), s(11), s(10), s(11), s(10), s(11), s(10)),
    ],
  },
  {
    family: 'music',
    label: 'slide, sawtooth 440 to 494 Hz over 1 s',
    part: 'fresh',
    peakDb: -10,
    steps: (o) => [
      synth(o, 'synth', '1', 'sawtooth', '440-494', 'lowpass', '4000', 'fade', 'q', '0.01', '1', '0.05'),
    ],
  },
  // clicks
  { family: 'click', label: 'click, 3 ms', part: 'tuning', peakDb: -4, steps: (o) => [click(o, 3, 200)] },
  {
    family: 'click',
    label: 'double click, 2 x 4 ms, 120 ms apart',
    part: 'tuning',
    peakDb: -6,
    steps: (o, s) => [
      click(s(1), 4, 300),
      silence(s(2), 0.116),
      click(s(3), 4, 300),
      concat(o, s(1), s(2), s(3)),
    ],
  },
  {
    family: 'click',
    label: 'typing, 6 clicks of 5 ms, 90-170 ms apart',
    part: 'held-out',
    peakDb: -12,
    steps: (o, s) => {
      const gaps = [0.09, 0.15, 0.11, 0.17, 0.1];
      const parts: string[][] = [];
      const files: string[] = [];
      gaps.forEach((gap, i) => {
        parts.push(click(s(2 * i + 1), 5, 500), silence(s(2 * i + 2), gap));
        files.push(s(2 * i + 1), s(2 * i + 2));
      });
      parts.push(click(s(20), 5, 500));
      return [...parts, concat(o, ...files, s(20))];
    },
  },
  {
    family: 'click',
    label: 'finger snap, 12 ms above 1.5 kHz',
    part: 'held-out',
    peakDb: -6,
    steps: (o) => [click(o, 12, 1500)],
  },
  // door slams and knocks: low thumps
  {
    family: 'door',
    label: 'door slam, 60 Hz thump and rumble, 500 ms',
    part: 'tuning',
    peakDb: -4,
    steps: (o, s) => thump(o, s, 60, 0.5),
  },
  {
    family: 'door',
    label: 'door slam, 45 Hz thump, 700 ms',
    part: 'held-out',
    peakDb: -3,
    steps: (o, s) => thump(o, s, 45, 0.7),
  },
  {
    family: 'door',
    label: 'knock on a table, 3 x 150 Hz thumps',
    part: 'tuning',
    peakDb: -8,
    steps: (o, s) => [
      ...thump(s(10), s, 150, 0.08),
      silence(s(11), 0.14),
      concat(o, s(10), s(11), s(10), s(11), s(10)),
    ],
  },
  {
    family: 'door',
    label: 'door knock, 2 x 110 Hz thumps',
    part: 'held-out',
    peakDb: -10,
    steps: (o, s) => [...thump(s(10), s, 110, 0.1), silence(s(11), 0.2), concat(o, s(10), s(11), s(10))],
  },
  // music
  {
    family: 'music',
    label: 'sine tone, 440 Hz',
    part: 'tuning',
    peakDb: -10,
    steps: (o) => [synth(o, 'synth', '1.2', 'sine', '440', 'fade', 'q', '0.01', '1.2', '0.05')],
  },
  {
    family: 'music',
    label: 'C major chord, sines',
    part: 'tuning',
    peakDb: -8,
    steps: (o) => [
      synth(
        o,
        'synth',
        '1.2',
        'sine',
        '261.6',
        'sine',
        '329.6',
        'sine',
        '392',
        'channels',
        '1',
        'fade',
        'q',
        '0.01',
        '1.2',
        '0.05',
      ),
    ],
  },
  {
    family: 'music',
    label: 'plucked melody (C E G C)',
    part: 'tuning',
    peakDb: -6,
    steps: (o, s) => melody(o, s, 'pluck', 0.3, [262, 330, 392, 523]),
  },
  {
    family: 'music',
    label: 'sawtooth tone, 220 Hz',
    part: 'tuning',
    peakDb: -12,
    steps: (o) => [
      synth(o, 'synth', '1.2', 'sawtooth', '220', 'lowpass', '3000', 'fade', 'q', '0.01', '1.2', '0.05'),
    ],
  },
  {
    family: 'music',
    label: 'square-wave melody (A C E A)',
    part: 'held-out',
    peakDb: -14,
    steps: (o, s) => melody(o, s, 'square', 0.25, [220, 262, 330, 440]),
  },
  {
    family: 'music',
    label: 'A minor chord, triangles, tremolo',
    part: 'held-out',
    peakDb: -8,
    steps: (o) => [
      synth(
        o,
        'synth',
        '1.2',
        'triangle',
        '220',
        'triangle',
        '261.6',
        'triangle',
        '329.6',
        'channels',
        '1',
        'tremolo',
        '6',
        '40',
        'fade',
        'q',
        '0.01',
        '1.2',
        '0.05',
      ),
    ],
  },
  {
    family: 'music',
    label: 'plucked bass line (E A D G)',
    part: 'held-out',
    peakDb: -6,
    steps: (o, s) => melody(o, s, 'pluck', 0.25, [82, 110, 147, 196]),
  },
  {
    family: 'music',
    label: 'organ chord (sawtooths 130/196/262 Hz), 2 s',
    part: 'held-out',
    peakDb: -10,
    steps: (o) => [
      synth(
        o,
        'synth',
        '2',
        'sawtooth',
        '130.8',
        'sawtooth',
        '196',
        'sawtooth',
        '261.6',
        'channels',
        '1',
        'lowpass',
        '2500',
        'fade',
        'q',
        '0.02',
        '2',
        '0.05',
      ),
    ],
  },
];

function run(file: string, args: readonly string[]): void {
  const result = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0)
    throw new Error(`${file} ${args.join(' ')} failed: ${result.stderr?.toString() ?? result.error}`);
}

/** Whether espeak-ng and sox can be run (the corpus needs both). */
export function corpusToolsMissing(): string | undefined {
  for (const tool of ['espeak-ng', 'sox'])
    if (spawnSync(tool, ['--version']).error) return `${tool} is not installed`;
  return undefined;
}

function readWav(path: string): Int16Array {
  return decodeWav(new Uint8Array(readFileSync(path))).samples;
}

function peakOf(samples: Int16Array): number {
  let peak = 0;
  for (const v of samples) peak = Math.max(peak, Math.abs(v));
  return peak;
}

/** First sample above 1 % of the peak: where the sound starts. */
function firstSound(samples: Int16Array): number {
  const floor = Math.max(8, peakOf(samples) * 0.01);
  const i = samples.findIndex((v) => Math.abs(v) > floor);
  return i < 0 ? 0 : i;
}

/** Mean power of the sound where it is within 30 dB of its peak (the speech, not its pauses). */
function activePower(samples: Int16Array): number {
  const floor = peakOf(samples) * 0.03;
  let energy = 0;
  let count = 0;
  for (const v of samples) {
    if (Math.abs(v) > floor) {
      energy += v * v;
      count++;
    }
  }
  return count > 0 ? energy / count : 0;
}

interface NoiseBed {
  readonly samples: Int16Array;
  readonly rms: number;
}

/** 40 s of each noise colour, made once by sox (repeatable mode), read at a random offset per item. */
function noiseBeds(dir: string): Record<string, NoiseBed> {
  const beds: Record<string, NoiseBed> = {};
  for (const color of ['whitenoise', 'pinknoise', 'brownnoise']) {
    const path = join(dir, `${color}.wav`);
    run('sox', synth(path, 'synth', '40', color));
    const samples = readWav(path);
    const power = samples.reduce((sum, v) => sum + v * v, 0) / samples.length;
    beds[color] = { samples, rms: Math.sqrt(power) };
  }
  return beds;
}

/** `sound` times `gain`, placed at `LEAD_MS` (plus `shiftSamples`) in `bed` scaled to `noiseRms`. */
function placeInBackground(
  sound: Int16Array,
  gain: number,
  bed: NoiseBed,
  noiseRms: number,
  offset: number,
  shiftSamples: number,
): Int16Array {
  const length = ((LEAD_MS + TAIL_MS) * CORPUS_RATE) / 1000;
  const start = (LEAD_MS * CORPUS_RATE) / 1000 + shiftSamples;
  const scale = noiseRms / bed.rms;
  const noise = bed.samples;
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    const s = i >= start && i - start < sound.length ? (sound[i - start] as number) * gain : 0;
    const n = (noise[(offset + i) % noise.length] as number) * scale;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(s + n)));
  }
  return out;
}

export interface CorpusOptions {
  /** Fewer voices, words and sounds, for a quick look. */
  readonly quick?: boolean;
}

/** Builds the corpus in `dir` (a scratch directory the caller removes). */
export function buildCorpus(dir: string, options: CorpusOptions = {}): CorpusItem[] {
  const random = seededRandom(18);
  // The fresh part draws from its own stream, so that adding it left every other item as it was.
  const freshRandom = seededRandom(1803);
  const beds = noiseBeds(dir);
  const voices = options.quick ? VOICES.filter((_, i) => i % 4 === 0) : VOICES;
  const unvoiced = options.quick ? UNVOICED_ONSETS.slice(0, 6) : UNVOICED_ONSETS;
  const voiced = options.quick ? VOICED_ONSETS.slice(0, 3) : VOICED_ONSETS;
  const items: CorpusItem[] = [];
  const add = (
    base: Omit<CorpusItem, 'id' | 'samples' | 'onsetMs' | 'background'>,
    sound: Int16Array,
    peakDb: number | undefined,
  ) => {
    const onset = firstSound(sound);
    const trimmed = sound.subarray(onset);
    const peak = peakOf(trimmed) || 1;
    const draw = base.part === 'fresh' ? freshRandom : random;
    for (const background of BACKGROUNDS) {
      // Speech at a random level between -18 and -3 dBFS peak; other sounds at their own level.
      const targetDb = peakDb ?? -18 + 15 * draw();
      const gain = (32767 * 10 ** (targetDb / 20)) / peak;
      const power = activePower(trimmed) * gain * gain;
      const noiseRms =
        background.snrDb === undefined ? QUIET_ROOM_RMS : Math.sqrt(power / 10 ** (background.snrDb / 10));
      const bed = beds[background.color] as NoiseBed;
      const shift = Math.floor(draw() * 320);
      const samples = placeInBackground(
        trimmed,
        gain,
        bed,
        noiseRms,
        Math.floor(draw() * bed.samples.length),
        shift,
      );
      items.push({
        ...base,
        id: `${base.source} | ${base.label} | ${background.name}`,
        background: background.name,
        samples,
        onsetMs: LEAD_MS + (shift * 1000) / CORPUS_RATE,
      });
    }
  };
  const raw = join(dir, 'raw.wav');
  const wav = join(dir, 'speech.wav');
  for (const voice of voices) {
    for (const [words, unvoicedOnset] of [
      ...unvoiced.map((w) => [w, true] as const),
      ...voiced.map((w) => [w, false] as const),
    ]) {
      run('espeak-ng', [
        '-v',
        voice.name,
        '-p',
        String(voice.pitch),
        '-s',
        String(voice.rate),
        '-w',
        raw,
        words,
      ]);
      run('sox', [raw, ...SOX_OUT, wav]);
      add(
        {
          kind: 'speech',
          part: voice.part,
          source: `${voice.name} -p ${voice.pitch} -s ${voice.rate}`,
          label: words,
          unvoicedOnset,
        },
        readWav(wav),
        undefined,
      );
    }
  }
  const sounds = options.quick ? NON_SPEECH.filter((_, i) => i % 3 === 0) : NON_SPEECH;
  for (const sound of sounds) {
    const out = join(dir, 'sound.wav');
    for (const step of sound.steps(out, (n) => join(dir, `part-${n}.wav`))) run('sox', step);
    add(
      {
        kind: 'non-speech',
        part: sound.part,
        source: sound.family,
        label: sound.label,
        unvoicedOnset: false,
      },
      readWav(out),
      sound.peakDb,
    );
  }
  // The backgrounds alone must not interrupt either.
  for (const background of BACKGROUNDS) {
    const bed = beds[background.color] as NoiseBed;
    // The level the background has under speech at -10 dBFS peak (the middle of the speech levels).
    const speechPower = (32767 * 10 ** (-10 / 20) * 0.3) ** 2;
    const noiseRms =
      background.snrDb === undefined
        ? QUIET_ROOM_RMS
        : Math.sqrt(speechPower / 10 ** (background.snrDb / 10));
    items.push({
      id: `background | ${background.name} alone`,
      kind: 'non-speech',
      part: 'held-out',
      source: 'background',
      label: `${background.name} alone`,
      unvoicedOnset: false,
      background: background.name,
      samples: placeInBackground(
        new Int16Array(0),
        0,
        bed,
        noiseRms,
        Math.floor(random() * bed.samples.length),
        0,
      ),
      onsetMs: LEAD_MS,
    });
  }
  return items;
}

/**
 * Barge-in across voices: the local model's onset-to-interruption time on a corpus of spoken
 * interruptions (8 espeak-ng voices, 28 phrases, 16 of them starting unvoiced, clean and in white, pink
 * and brown noise at 10-20 dB SNR), and its false interruptions on sounds that are not speech (synthetic
 * coughs, clicks, door slams and knocks, music, and the noise beds alone). The corpus is generated at
 * run time by test/bench/onset-corpus.ts with espeak-ng and sox; nothing of it is stored.
 *
 * Each item runs through a LocalModel that is speaking (its clock is simulated, so its response plays
 * until interrupted), fed 20 ms frame by frame; the figure is on the stream's own clock: the end of the
 * frame after which `model_input_started` (the interruption) was emitted, minus the start of the sound.
 * No wall time is measured: the figures are the rule's, not the machine's. Baseline: the earlier rule
 * (`bargeIn: 'voiced-share'`, its defaults) on the same items in the same run.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/barge-in-corpus.ts [--quick]
 *
 * Also run by `npm run bench`. Prints figures, writes test/bench/BARGE_IN_CORPUS.md, asserts nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesFromPcm16 } from '@chorus/audio';
import { TestClock } from '@chorus/core/testing';
import {
  LocalModel,
  type LocalModelOptions,
  rulesBrain,
  SpeechOnsetDetector,
  type SpeechOnsetOptions,
  type Tts,
} from '@chorus/local';
import {
  buildCorpus,
  CORPUS_RATE,
  type CorpusItem,
  corpusToolsMissing,
  LEAD_MS,
  NON_SPEECH,
  VOICES,
} from './onset-corpus.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FRAME_SAMPLES = (CORPUS_RATE * 20) / 1000;

export type Rule = 'voiced-share' | 'speech-onset-previous' | 'speech-onset';
/** The speech-onset rule without the confirmations added after its first corpus figures. */
const PREVIOUS_ONSET: SpeechOnsetOptions = { confirm: { sibilant: false, topBand: false, murmur: false } };
const RULES: readonly {
  rule: Rule;
  label: string;
  options: Pick<LocalModelOptions, 'bargeIn' | 'speechOnset'>;
}[] = [
  {
    rule: 'voiced-share',
    label: "before: `bargeIn: 'voiced-share'` (the earlier default)",
    options: { bargeIn: 'voiced-share' },
  },
  {
    rule: 'speech-onset-previous',
    label:
      "previous: `bargeIn: 'speech-onset'` without sibilants, top-band hiss and murmurs (`speechOnset.confirm` all off; the fade guard on voicing is on)",
    options: { bargeIn: 'speech-onset', speechOnset: PREVIOUS_ONSET },
  },
  {
    rule: 'speech-onset',
    label: "after: `bargeIn: 'speech-onset'` (the default)",
    options: { bargeIn: 'speech-onset' },
  },
];
const optionsOf = (rule: Rule) => RULES.find((r) => r.rule === rule)?.options ?? {};

const brain = rulesBrain({
  intents: [
    { match: /.*/, reply: 'Let me tell you a long story about the weather in every region of the country.' },
  ],
});

/**
 * What the model says while it is interrupted does not matter here (echo is not part of the corpus), so
 * a silent voice stands in for espeak: 10 s of silence per sentence at its rate (22050 Hz), made at once.
 */
const silentVoice: Tts = {
  name: 'silence',
  synthesize: async (text) => ({ text, audio: new Int16Array(220_500), sampleRate: 22_050, words: [] }),
  dispose: async () => {},
};

/**
 * Milliseconds from the start of the item's sound to the interruption (negative: the background
 * interrupted before the sound began), or undefined when nothing interrupted.
 */
async function interruptionAfter(item: CorpusItem, rule: Rule): Promise<number | undefined> {
  const clock = new TestClock();
  const model = new LocalModel({ brain, transcriber: null, tts: silentVoice, clock, ...optionsOf(rule) });
  try {
    await model.connect({
      instructions: '',
      tools: [],
      modalities: ['audio', 'text'],
      inputAudioFormat: { type: 'audio/pcm', rate: CORPUS_RATE },
      outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
      turnDetection: { type: 'server_vad' },
      inputTranscription: false,
    });
    let started = false;
    let speaking: () => void = () => {};
    const firstAudio = new Promise<void>((resolve) => {
      speaking = resolve;
    });
    const subscription = model.events$.subscribe((event) => {
      if (event.type === 'model_input_started') started = true;
      if (event.type === 'model_response_audio_delta') speaking();
    });
    model.send({ type: 'text', text: 'tell me about the weather' });
    model.createResponse();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      firstAudio,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('the model did not start speaking within 20 s')), 20_000);
      }),
    ]).finally(() => clearTimeout(timer));
    try {
      for (let offset = 0; offset + FRAME_SAMPLES <= item.samples.length; offset += FRAME_SAMPLES) {
        model.send({
          type: 'audio',
          audio: bytesFromPcm16(item.samples.subarray(offset, offset + FRAME_SAMPLES)),
          format: { type: 'audio/pcm', rate: CORPUS_RATE },
        });
        await model.inputDrained();
        if (started) return ((offset + FRAME_SAMPLES) * 1000) / CORPUS_RATE - item.onsetMs;
      }
      return undefined;
    } finally {
      subscription.unsubscribe();
    }
  } finally {
    await model.close();
  }
}

/**
 * The onset rule alone (no model, no VAD), fed `frameMs` frames: the end of the frame at which it first
 * confirmed an onset, after the turn detector's 120 ms warm-up, minus the start of the sound.
 */
function detectorAfter(item: CorpusItem, options: SpeechOnsetOptions, frameMs = 20): number | undefined {
  const detector = new SpeechOnsetDetector(options);
  const step = (CORPUS_RATE * frameMs) / 1000;
  for (let offset = 0; offset + step <= item.samples.length; offset += step) {
    const confirmed = detector.push(item.samples.subarray(offset, offset + step));
    if (confirmed && (offset * 1000) / CORPUS_RATE >= 120)
      return ((offset + step) * 1000) / CORPUS_RATE - item.onsetMs;
  }
  return undefined;
}

/**
 * When the sound can first be heard: the end of the first 10 ms after its start whose level is 6 dB
 * above the background's mean over the lead (no rule can confirm what is not above the noise yet).
 */
function audibleAfter(item: CorpusItem): number | undefined {
  const hop = CORPUS_RATE / 100;
  const power = (from: number, to: number) => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += (item.samples[i] as number) ** 2;
    return sum / Math.max(1, to - from);
  };
  const lead = Math.floor((LEAD_MS * CORPUS_RATE) / 1000) - hop;
  const threshold = power(0, lead) * 10 ** 0.6;
  const first = Math.floor((item.onsetMs * CORPUS_RATE) / 1000);
  for (let offset = first; offset + hop <= item.samples.length; offset += hop)
    if (power(offset, offset + hop) >= threshold) return ((offset + hop) * 1000) / CORPUS_RATE - item.onsetMs;
  return undefined;
}

interface Outcome {
  readonly item: CorpusItem;
  readonly rule: Rule;
  readonly afterMs: number | undefined;
}

/** The value at quantile `q` (nearest rank); a miss counts as infinitely late. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

/** How a voice or a sound is marked in the tables: its part when not a tuning one. */
const partTag = (part: CorpusItem['part']) =>
  part === 'held-out' ? ' (held out)' : part === 'fresh' ? ' (fresh)' : '';

const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'never');

function speechRow(label: string, outcomes: readonly Outcome[]): string {
  // Missed speech (never interrupted) and interruptions before the speech began count as infinitely late.
  const times = outcomes.map((o) =>
    o.afterMs === undefined || o.afterMs < 0 ? Number.POSITIVE_INFINITY : o.afterMs,
  );
  const missed = outcomes.filter((o) => o.afterMs === undefined).length;
  const early = outcomes.filter((o) => o.afterMs !== undefined && o.afterMs < 0).length;
  const within100 = times.filter((t) => t <= 100).length;
  return `| ${label} | ${outcomes.length} | ${fmt(quantile(times, 0.5))} | ${fmt(quantile(times, 0.9))} | ${((100 * within100) / Math.max(1, times.length)).toFixed(0)} % | ${missed} | ${early} |`;
}

function falseRow(label: string, outcomes: readonly Outcome[]): string {
  const interrupted = outcomes.filter((o) => o.afterMs !== undefined).length;
  return `| ${label} | ${outcomes.length} | ${interrupted} | ${((100 * interrupted) / Math.max(1, outcomes.length)).toFixed(1)} % |`;
}

/**
 * What bounds the figures: the onset rule alone on the same items, with one of its limits lifted at a
 * time (frames of 10 ms, no pitch-glide test, the former 20 ms analysis), and when the sound is first
 * 6 dB over the background at all.
 */
function boundsSection(items: readonly CorpusItem[]): string[] {
  const speech = items.filter((i) => i.kind === 'speech');
  const sounds = items.filter((i) => i.kind === 'non-speech');
  const late = (t: number | undefined) => (t === undefined || t < 0 ? Number.POSITIVE_INFINITY : t);
  const row = (label: string, after: (item: CorpusItem) => number | undefined, falseToo = true) => {
    const cells = [
      speech,
      speech.filter((i) => i.part === 'held-out'),
      speech.filter((i) => i.part === 'fresh'),
      speech.filter((i) => i.unvoicedOnset),
      speech.filter((i) => !i.unvoicedOnset),
    ].map((group) => {
      const times = group.map((i) => late(after(i)));
      return `${fmt(quantile(times, 0.5))} / ${fmt(quantile(times, 0.9))}`;
    });
    const wrong = falseToo
      ? `${sounds.filter((i) => after(i) !== undefined).length} of ${sounds.length}`
      : '-';
    return `| ${label} | ${cells.join(' | ')} | ${wrong} |`;
  };
  return [
    '',
    '### What bounds the figures (the onset rule alone, one limit lifted at a time)',
    '',
    'The rule alone (no model, no VAD), on the same items; p50 / p90 from the start of the sound.',
    '',
    '| variant | all speech | held-out voices | fresh voices | unvoiced onsets | voiced onsets | sounds not speech interrupting |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('default: 10 ms hops in 20 ms frames', (i) => detectorAfter(i, {})),
    row('without sibilant hiss (`confirm.sibilant: false`)', (i) =>
      detectorAfter(i, { confirm: { sibilant: false } }),
    ),
    row('without top-band hiss (`confirm.topBand: false`)', (i) =>
      detectorAfter(i, { confirm: { topBand: false } }),
    ),
    row('without murmurs (`confirm.murmur: false`)', (i) => detectorAfter(i, { confirm: { murmur: false } })),
    row('previous: none of the three', (i) => detectorAfter(i, PREVIOUS_ONSET)),
    row('former analysis: 20 ms hops (`hopMs: 20`)', (i) => detectorAfter(i, { hopMs: 20 })),
    row('10 ms frames (a decision every 10 ms, not every 20)', (i) => detectorAfter(i, {}, 10)),
    row('no pitch-glide test (`minPitchDrift: 0`)', (i) => detectorAfter(i, { minPitchDrift: 0 })),
    row('the sound first 6 dB over the background (10 ms steps)', audibleAfter, false),
    '',
    'Reading it: the p90 is bound first by hearing the sound at all. For one item in ten the sound is not',
    "6 dB over the background's level until the last row's p90 after its start (a weak f, th or h, the",
    'release of k or p, in 10-20 dB of noise; the start is its first sample above 1 % of its peak), and a',
    'confirmation takes at least two 10 ms hops more: one hop alone would let clicks and coughs through.',
    'The top band (the second difference, which weighs 4-8 kHz most) hears a weak f or th in pink and brown',
    'noise before the level does; in white noise at 20 dB it is as hidden there as in the level, and such',
    'items wait for their vowel. Each of the three later confirmations is needed for the p90: the rows',
    'without one show what it brings.',
    "Deciding every 10 ms rather than at the end of the input pipeline's 20 ms frames gains the difference",
    'between the first and third rows; dropping the pitch-glide test gains the fourth row and lets music',
    'interrupt. A shorter voicing window (30 ms) or 5 ms hops were faster on the tuning part but let',
    'held-out music and knocks through.',
  ];
}

export interface BargeInCorpusResult {
  readonly markdown: string;
  readonly seconds: number;
}

/** Runs the benchmark; undefined (with the reason printed) when espeak-ng or sox is missing. */
export async function bargeInCorpus(quick = false): Promise<BargeInCorpusResult | undefined> {
  const missing = corpusToolsMissing();
  if (missing) {
    console.log(`barge-in corpus: skipped, ${missing}`);
    return undefined;
  }
  const started = Date.now();
  const loadBefore = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'chorus-barge-in-corpus-'));
  let items: CorpusItem[];
  try {
    items = buildCorpus(dir, { quick });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `barge-in corpus: ${items.length} items built in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  const outcomes: Outcome[] = [];
  for (const { rule } of RULES) {
    let done = 0;
    for (const item of items) {
      outcomes.push({ item, rule, afterMs: await interruptionAfter(item, rule) });
      if (++done % 200 === 0) console.log(`barge-in corpus: ${rule} ${done}/${items.length}`);
    }
  }
  const speechCount = items.filter((i) => i.kind === 'speech').length;
  const lines: string[] = [
    `Corpus (generated at run time by \`test/bench/onset-corpus.ts\`; every sound is synthetic): ${speechCount} spoken interruptions and ${items.length - speechCount} sounds that are not speech.`,
    '',
    `- Speech: espeak-ng voices ${VOICES.map((v) => `\`${v.name} -p ${v.pitch} -s ${v.rate}\`${partTag(v.part)}`).join(', ')};`,
    '  16 phrases starting unvoiced (s, f, h, sh, th, t, k, p) and 12 starting voiced; each at a random level',
    '  between -18 and -3 dBFS peak, in a quiet room (white noise at about -66 dBFS) and in white noise at 20 dB,',
    "  pink noise at 15 dB and brown noise at 10 dB SNR (over the speech's active samples), after 800 ms of the",
    '  background and at a random offset within the 20 ms frame. The sound starts at its first sample above 1 %',
    '  of its peak, which for h, f and th is often below the noise: the figure includes hearing it.',
    `- Not speech (sox): ${NON_SPEECH.map((n) => `${n.label}${partTag(n.part)}`).join('; ')}; and each background alone. Coughs are shaped noise bursts without a voiced part, door slams and knocks are decaying low sines with rumble, music is synthetic tones, chords and plucked or square-wave notes: stand-ins shaped like the real sounds, not recordings.`,
    '- Tuning: the rule was tuned on the tuning voices and sounds; the held-out ones were measured with it.',
    '  While the rule was developed, two held-out music items (the square-wave melody and the tremolo chord)',
    '  were looked at to find why they interrupted, so they are not strictly unseen. The 10 ms analysis hops',
    '  and their settings (voicing threshold 0.35, 4 held steps for a note, 2 hops between aspiration and',
    '  voicing) were chosen on the tuning figures, but each trial printed the held-out figures beside them,',
    '  so those were seen too; two variants were rejected on them: a 30 ms voicing window (0 tuning, 10',
    '  held-out sounds interrupting) and 5 ms hops (7 tuning, 12 held-out). The fricative tilt (2.4) was set',
    '  by a unit test outside the corpus: 300 ms white-noise bursts interrupted at 2.2.',
    '- The later confirmations (sibilant hiss, top-band hiss, murmurs; `SpeechOnsetOptions.confirm`) and their',
    '  settings were developed on per-hop traces of the slowest items of every voice, held-out ones included,',
    '  so for them the held-out part is not unseen either. The fresh voices and sounds were added once those',
    '  were fixed and measured with them: the fresh speech as it came; of the fresh sounds, the footsteps',
    '  interrupted in 2 of 4 backgrounds (with the previous rule too: a thump whose pitch estimate wavered as it',
    '  decayed read as a gliding voice), which led to the fade guard on voicing (an onset confirmed by voicing',
    '  must not have fallen 6 dB below its loudest hop); the footsteps are therefore seen now, the rest is not.',
    '- A review of the rule found what the corpus did not hold: bursts of white noise (40-300 ms) over a quiet',
    '  room confirmed as sibilant or top-band hiss, and a tone with vibrato or a pure tone sweeping like a siren',
    '  as a murmur. Since then a sibilant must not reach the top band as flat hiss does, top-band hiss counts',
    "  only where the level does not show it, and a murmur must come in the sound's first 100 ms, below 300 Hz,",
    '  with some harmonics (packages/local/test/speech-onset-confirmations.test.ts); the figures below are',
    '  with these guards, measured once after they were set.',
    '',
    '### Speech: onset-to-interruption (stream clock, 20 ms frames)',
    '',
    '| rule, items | n | p50 | p90 | within 100 ms | never | before the speech |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const groups: [string, (o: Outcome) => boolean][] = [
    ['all speech', () => true],
    ['tuning voices', (o) => o.item.part === 'tuning'],
    ['held-out voices', (o) => o.item.part === 'held-out'],
    ['fresh voices', (o) => o.item.part === 'fresh'],
    ['unvoiced onsets', (o) => o.item.unvoicedOnset],
    ['voiced onsets', (o) => !o.item.unvoicedOnset],
    ...(['quiet room', 'white 20 dB', 'pink 15 dB', 'brown 10 dB'] as const).flatMap(
      (b): [string, (o: Outcome) => boolean][] => [
        [b, (o) => o.item.background === b],
        [`${b}, tuning voices`, (o) => o.item.background === b && o.item.part === 'tuning'],
        [`${b}, held-out voices`, (o) => o.item.background === b && o.item.part === 'held-out'],
      ],
    ),
    ...VOICES.map((v): [string, (o: Outcome) => boolean] => [
      `\`${v.name} -p ${v.pitch} -s ${v.rate}\`${partTag(v.part)}`,
      (o) => o.item.source === `${v.name} -p ${v.pitch} -s ${v.rate}`,
    ]),
  ];
  for (const [name, test] of groups) {
    for (const { rule, label } of RULES) {
      const selected = outcomes.filter((o) => o.rule === rule && o.item.kind === 'speech' && test(o));
      lines.push(speechRow(`${name}, ${label.split(':')[0]}`, selected));
    }
  }
  const latencies = (rule: Rule, test: (o: Outcome) => boolean) =>
    outcomes
      .filter((o) => o.rule === rule && o.item.kind === 'speech' && test(o))
      .map((o) => (o.afterMs === undefined || o.afterMs < 0 ? Number.POSITIVE_INFINITY : o.afterMs));
  const met = (ok: boolean) => (ok ? 'met' : '**MISSED**');
  for (const { rule, label } of RULES) {
    const all = latencies(rule, () => true);
    const wrong = outcomes.filter(
      (o) => o.rule === rule && o.item.kind === 'non-speech' && o.afterMs !== undefined,
    ).length;
    const sounds = outcomes.filter((o) => o.rule === rule && o.item.kind === 'non-speech').length;
    lines.push(
      '',
      `Goals, ${label}: p50 ${fmt(quantile(all, 0.5))} (<= 60 ms: ${met(quantile(all, 0.5) <= 60)}), p90 ${fmt(quantile(all, 0.9))} (<= 100 ms: ${met(quantile(all, 0.9) <= 100)}), ${wrong} of ${sounds} sounds that are not speech interrupted (0: ${met(wrong === 0)}).`,
    );
  }
  lines.push(
    '',
    '### Speech by phrase: p50 / p90 (what bounds the figures)',
    '',
    `| phrase | ${RULES.map((r) => r.label.split(':')[0]).join(' | ')} |`,
    `| --- | ${RULES.map(() => '---').join(' | ')} |`,
  );
  const phrases = [...new Set(items.filter((i) => i.kind === 'speech').map((i) => i.label))];
  for (const phrase of phrases) {
    const cells = RULES.map(({ rule }) => {
      const times = latencies(rule, (o) => o.item.label === phrase);
      return `${fmt(quantile(times, 0.5))} / ${fmt(quantile(times, 0.9))}`;
    });
    lines.push(`| ${phrase} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    '### Not speech: false interruptions',
    '',
    '| rule, sounds | n | interrupted | rate |',
    '| --- | --- | --- | --- |',
  );
  const families = ['cough', 'click', 'door', 'music', 'background'];
  for (const { rule, label } of RULES) {
    const mine = outcomes.filter((o) => o.rule === rule && o.item.kind === 'non-speech');
    lines.push(falseRow(`all, ${label.split(':')[0]}`, mine));
    lines.push(
      falseRow(
        `held out, ${label.split(':')[0]}`,
        mine.filter((o) => o.item.part === 'held-out'),
      ),
    );
    lines.push(
      falseRow(
        `fresh, ${label.split(':')[0]}`,
        mine.filter((o) => o.item.part === 'fresh'),
      ),
    );
    for (const family of families)
      lines.push(
        falseRow(
          `${family}, ${label.split(':')[0]}`,
          mine.filter((o) => o.item.source === family),
        ),
      );
  }
  for (const { rule, label } of RULES) {
    const wrong = outcomes.filter(
      (o) => o.rule === rule && o.item.kind === 'non-speech' && o.afterMs !== undefined,
    );
    lines.push('', `False interruptions, ${label}: ${wrong.length === 0 ? 'none' : ''}`);
    for (const o of wrong) {
      const at = o.afterMs ?? Number.NaN;
      const when =
        at < 0 ? `${fmt(-at)} before it began (the background alone)` : `${fmt(at)} after it began`;
      lines.push(`- ${o.item.label}, ${o.item.background}: ${when}`);
    }
  }
  lines.push(...boundsSection(items));
  lines.push('', `Rules: ${RULES.map((r) => r.label).join('; ')}.`);
  const seconds = (Date.now() - started) / 1000;
  lines.push(
    '',
    `${seconds.toFixed(0)} s on this machine${quick ? ' (--quick: fewer voices, phrases and sounds)' : ''}; load average (1 min) ${loadBefore.toFixed(1)} at the start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end, on 2 cores. The figures are on the stream clock: the load does not change them.`,
  );
  const markdown = lines.join('\n');
  console.log(markdown);
  return { markdown, seconds };
}

/** Writes test/bench/BARGE_IN_CORPUS.md, which `npm run bench` includes in RESULTS.md. */
export function writeBargeInCorpusResults(result: BargeInCorpusResult): void {
  const md = [
    '## Barge-in across voices (test/bench/barge-in-corpus.ts)',
    '',
    'Goal: p50 <= 60 ms and p90 <= 100 ms from the start of speech to the interruption, and no false',
    'interruption on sounds that are not speech.',
    '',
    result.markdown,
    '',
  ].join('\n');
  writeFileSync(join(HERE, 'BARGE_IN_CORPUS.md'), md);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const result = await bargeInCorpus(quick);
  // A quick run's figures are printed, not written over the full corpus's write-up.
  if (result && !quick) writeBargeInCorpusResults(result);
  process.exit(0);
}

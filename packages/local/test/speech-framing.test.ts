import { readFileSync } from 'node:fs';
import { decodeWav } from '@chorus/audio';
import { describe, expect, it } from 'vitest';
import { detectPocketsphinx, PocketsphinxTranscriber, rulesBrain } from '../src/index.js';
import { frameSpeech, speechBounds } from '../src/stt/speech-framing.js';

const pocketsphinx = await detectPocketsphinx();
const SKIP_REASON =
  'skipped: pocketsphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us)';

/** espeak-ng (voice en-us, 165 wpm) saying "What's the weather in Paris?", 16 kHz. */
const recorded = decodeWav(
  new Uint8Array(readFileSync(new URL('./fixtures/weather-in-paris.wav', import.meta.url))),
).samples;

/** The recording from its first sound to its last: the speech, no silence around it. */
function speechOnly(samples: Int16Array): Int16Array {
  let first = 0;
  while (first < samples.length && Math.abs(samples[first] ?? 0) < 50) first++;
  let last = samples.length - 1;
  while (last > first && Math.abs(samples[last] ?? 0) < 50) last--;
  return samples.slice(first, last + 1);
}

function withSilence(speech: Int16Array, beforeMs: number, afterMs: number, rate: number): Int16Array {
  const before = Math.round((beforeMs / 1000) * rate);
  const out = new Int16Array(before + speech.length + Math.round((afterMs / 1000) * rate));
  out.set(speech, before);
  return out;
}

/**
 * The turn the local model cut from the caller of test/telephony/local-call.test.ts: espeak-ng (en-us,
 * its default 175 wpm) saying "What's the weather in Paris?" from the first moment of the call, as
 * 8 kHz G.711 mu-law, converted to 16 kHz by the model's input side and cut by its turn detection
 * (the WebRTC VAD): the speech from its first sample, and 320 ms of the quiet that closed the turn.
 */
const phoneTurn = decodeWav(
  new Uint8Array(readFileSync(new URL('./fixtures/weather-in-paris-phone-turn.wav', import.meta.url))),
).samples;

describe('a turn framed to its speech', () => {
  it('is the same samples whatever silence the cut left around the speech', () => {
    const speech = speechOnly(recorded);
    // Speech from the first sample, and the 300 ms of quiet the turn detector's closing silence leaves
    // at the least (500 ms, less the VAD's hang-over).
    const tight = frameSpeech(withSilence(speech, 0, 300, 16000));
    const loose = frameSpeech(withSilence(speech, 800, 1200, 16000));
    expect(tight.length).toBeGreaterThan(speech.length);
    expect(Buffer.from(tight.buffer).equals(Buffer.from(loose.buffer))).toBe(true);
  });

  it('pads a noisy turn with digital silence and keeps the noise next to the speech', () => {
    const speech = speechOnly(recorded);
    const noisy = withSilence(speech, 500, 500, 16000);
    for (let i = 0; i < noisy.length; i++) noisy[i] = (noisy[i] ?? 0) + (i % 7) * 40 - 120;
    const framed = frameSpeech(noisy);
    const bounds = speechBounds(noisy);
    if (!bounds) throw new Error('no speech found');
    // 300 ms of silence, then the turn from 150 ms before its speech on.
    expect(framed.slice(0, 4800).every((s) => s === 0)).toBe(true);
    expect(framed.slice(4800, 4900)).toEqual(noisy.slice(bounds.start, bounds.start + 100));
    expect(bounds.start).toBeGreaterThan(8000 - 2400 - 160);
    expect(bounds.start).toBeLessThan(8000 - 2400 + 160);
  });

  it('leaves a turn with nothing that stands out as it is', () => {
    const flat = new Int16Array(16000).fill(300);
    expect(frameSpeech(flat)).toBe(flat);
  });
});

/**
 * The assistant demo room's requests (apps/examples, `voiceAssistantBrain().phrases()`), the grammar
 * the phone call decodes with: the constrained decode, and its fit, depend on the whole grammar.
 */
const ASSISTANT_PHRASES = JSON.parse(
  readFileSync(new URL('./fixtures/assistant-room-phrases.json', import.meta.url), 'utf8'),
) as string[];

const brain = rulesBrain({
  intents: [
    {
      name: 'weather',
      match: /\bweather\b.*?\b(?:in|for|at)\s+(?<city>[a-z]+)/i,
      examples: ['paris', 'london', 'tokyo', 'berlin'].flatMap((city) => [
        `what's the weather in ${city}`,
        `what is the weather in ${city}`,
      ]),
      reply: 'Let me check.',
    },
    { name: 'to-billing', match: ['billing'], examples: ['i need help with billing'], reply: 'Sure.' },
    { name: 'balance', match: ['owe'], examples: ['how much do i owe'], reply: 'Ten dollars.' },
    { name: 'greeting', match: ['hello'], examples: ['hello', 'hello everyone'], reply: 'Hello!' },
  ],
});

describe('pocketsphinx on a turn cut tight and on the same turn with silence around it', () => {
  // A caller who speaks as the line opens: the turn detector has no prefix padding to take. Decoded as
  // it was cut, pocketsphinx's noise estimate started on speech: the request's fit was -3.0 per frame,
  // rejected ("what what we're we"), where the same turn with silence around it fit at +1.5 and was
  // kept.
  it.skipIf(!pocketsphinx)(
    `decodes both alike and makes the same choice, on a phone call's turn (${pocketsphinx ? 'pocketsphinx found' : SKIP_REASON})`,
    async () => {
      if (!pocketsphinx) return;
      const transcriber = new PocketsphinxTranscriber(pocketsphinx);
      const options = {
        vocabulary: brain.vocabulary(),
        rank: (t: string) => brain.intentRank(t),
        phrases: ASSISTANT_PHRASES,
      };
      const tight = phoneTurn;
      const loose = withSilence(phoneTurn, 800, 1000, 16000);
      const [tightDecodes, looseDecodes] = await Promise.all([
        transcriber.decodeTurn(tight, 16000, options),
        transcriber.decodeTurn(loose, 16000, options),
      ]);
      console.info(`tight: ${JSON.stringify(tightDecodes)}; loose: ${JSON.stringify(looseDecodes)}`);
      expect(transcriber.accepts(tightDecodes)).toBe(transcriber.accepts(looseDecodes));
      expect(tightDecodes.constrained).toBe(looseDecodes.constrained);
      expect(tightDecodes.fit).toBe(looseDecodes.fit);
      const [tightText, looseText] = await Promise.all([
        transcriber.transcribe(tight, 16000, options),
        transcriber.transcribe(loose, 16000, options),
      ]);
      expect(tightText).toBe(looseText);
      expect(brain.intentFor(tightText)).toBe('weather');
    },
    120_000,
  );
});

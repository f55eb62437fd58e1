import { readFileSync } from 'node:fs';
import { decodeWav } from '@chorus/audio';
import { describe, expect, it } from 'vitest';
import { detectPocketsphinx, PocketsphinxTranscriber, rulesBrain } from '../src/index.js';

const pocketsphinx = await detectPocketsphinx();
const SKIP_REASON =
  'skipped: pocketsphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us)';

// The assistant room's intents in the order it tries them (apps/examples: voice-assistant.ts), so a
// looser intent ("weather" without a city) can win when recognition loses the city.
const CITIES = ['paris', 'london', 'tokyo', 'berlin'];
const brain = rulesBrain({
  intents: [
    {
      name: 'weather',
      match: /\bweather\b.*?\b(?:in|for|at)\s+(?<city>[a-z][a-z' -]*?)\s*[?.!]*$/i,
      examples: CITIES.flatMap((city) => [`what's the weather in ${city}`, `what is the weather in ${city}`]),
      tool: { name: 'get_weather' },
    },
    { name: 'weather-without-city', match: ['weather'], reply: 'Which city?' },
    {
      name: 'to-billing',
      match: ['billing', 'invoice', 'refund'],
      examples: ['i need help with billing'],
      handoff: 'billing',
    },
    {
      name: 'balance',
      match: ['balance', 'owe', 'how much'],
      examples: ['how much do i owe'],
      tool: { name: 'get_balance' },
    },
    {
      name: 'greeting',
      match: ['hello', 'hi', 'hey'],
      examples: ['hello', 'hello everyone'],
      reply: 'Hello!',
    },
  ],
  vocabulary: CITIES,
});

/** espeak-ng (voice en-us, 165 wpm) saying "What's the weather in Paris?", resampled to 16 kHz by sox. */
const recorded = decodeWav(
  new Uint8Array(readFileSync(new URL('./fixtures/weather-in-paris.wav', import.meta.url))),
);

describe("pocketsphinx with the brain's vocabulary", () => {
  it.skipIf(!pocketsphinx)(
    `hears "What's the weather in Paris?" as the weather intent (${pocketsphinx ? 'pocketsphinx found' : SKIP_REASON})`,
    async () => {
      if (!pocketsphinx) return;
      const transcriber = new PocketsphinxTranscriber(pocketsphinx);
      const text = await transcriber.transcribe(recorded.samples, recorded.rate, {
        vocabulary: brain.vocabulary(),
        rank: (t) => brain.intentRank(t),
        phrases: brain.phrases(),
      });
      console.info(`pocketsphinx heard: "${text}"`);
      expect(brain.intentFor(text)).toBe('weather');
      expect(text.toLowerCase()).toContain('paris');
    },
    60_000,
  );
});

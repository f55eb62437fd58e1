import { addNoise, bytesFromPcm16, generateSilence, Resampler } from '@chorus/audio';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectPocketsphinx,
  EspeakWasmTts,
  handoffToolName,
  LocalModel,
  moonshineAvailable,
  rulesBrain,
  spokenDate,
  spokenTime,
} from '../src/index.js';
import { EventLog, session, tool } from './helpers.js';

const pocketsphinx = await detectPocketsphinx();

const brain = () =>
  rulesBrain({
    intents: [
      { match: ['billing'], reply: 'Let me transfer you.', handoff: 'billing' },
      {
        match: /weather in (?<city>[a-z]+)/i,
        tool: { name: 'get_weather', args: (m) => ({ city: m?.groups?.city }) },
      },
      {
        match: ['book', 'appointment'],
        reply: 'Booking that for you.',
        tool: {
          name: 'book_appointment',
          args: (_m, text) => ({
            date: spokenDate(text) ?? 'today',
            time: spokenTime(text) ?? '',
            service: 'appointment',
          }),
        },
      },
    ],
    vocabulary: ['book an appointment', 'tomorrow at two pm', 'paris', 'london'],
  });

const tts = new EspeakWasmTts();
afterAll(() => tts.dispose());

/** espeak-ng says `text`; the result is 16 kHz, with silence around it and light noise, as a microphone would give. */
async function spoken(text: string): Promise<Int16Array> {
  const speech = await tts.synthesize(text);
  const resampler = await Resampler.create({ inputRate: speech.sampleRate, outputRate: 16000 });
  const voice = resampler.process(speech.audio);
  resampler.dispose();
  const lead = generateSilence(500, 16000);
  const tail = generateSilence(1000, 16000);
  const signal = new Int16Array(lead.length + voice.length + tail.length);
  signal.set(voice, lead.length);
  return addNoise(signal, 0.01, 7);
}

describe('spoken loopback: espeak-ng -> VAD -> speech recognition -> rules brain', () => {
  it.skipIf(!pocketsphinx)(
    `hears "book an appointment tomorrow at two pm" and calls book_appointment (needs pocketsphinx: apt-get install pocketsphinx pocketsphinx-en-us)`,
    async () => {
      const model = new LocalModel({ brain: brain(), tts: null, transcriber: 'auto' });
      const log = new EventLog(model);
      await model.connect(
        session({
          modalities: ['text'],
          tools: [tool('book_appointment'), tool('get_weather'), tool(handoffToolName('billing'))],
        }),
      );
      // The default: Moonshine with pocketsphinx for the requests when its model is installed.
      expect(model.transcriberName).toBe(moonshineAvailable() ? 'moonshine+pocketsphinx' : 'pocketsphinx');
      const audio = await spoken('Book an appointment tomorrow at two pm.');
      for (let i = 0; i < audio.length; i += 320) {
        model.send({
          type: 'audio',
          audio: bytesFromPcm16(audio.subarray(i, i + 320)),
          format: { type: 'audio/pcm', rate: 16000 },
        });
      }
      const call = await log.next('model_response_tool_use_done', { seen: true, timeoutMs: 15_000 });
      const heard = log.of('model_input_transcription_done')[0]?.transcript;
      expect(log.of('model_input_started')).toHaveLength(1);
      expect(call.tool_use.name).toBe('book_appointment');
      expect(heard).toMatch(/\bbook\b/i);
      expect(call.tool_use.input).toEqual({ date: 'tomorrow', time: '14:00', service: 'appointment' });
      // what the recogniser made of it, for the record
      console.info(`${model.transcriberName} heard: "${heard}"; arguments ${call.tool_use.raw_input}`);
      await model.close();
    },
  );
});

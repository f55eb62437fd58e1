import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, muLawDecode, muLawEncode, resamplePcm16, rms } from '@chorus/audio';
import { type RunningServe, startServe } from '@chorus/cli';
import { voiceAssistantBrain } from '@chorus/examples';
import { FakeTwilioCall } from '@chorus/fakes';
import { detectPocketsphinx, PocketsphinxTranscriber } from '@chorus/local';
import { afterEach, describe, expect, it } from 'vitest';

const QUESTION = "What's the weather in Paris?";
// CI installs pocketsphinx (.ci/run), so there a missing recogniser fails the test instead of skipping it.
const pocketsphinx = await detectPocketsphinx();
const recognition = pocketsphinx !== undefined || process.env.CI === 'true';

let running: RunningServe | undefined;
let call: FakeTwilioCall | undefined;
afterEach(async () => {
  call?.close();
  await running?.close();
  running = undefined;
});

/** The question spoken by espeak-ng, then 2 s of line silence, as 8 kHz mu-law. */
async function spokenQuestion(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-phone-'));
  try {
    const file = join(dir, 'question.wav');
    // espeak-ng's American voice, as on a US number. Its default (British) voice through the phone's
    // 8 kHz is still heard as a weather request, but often for the wrong city (see test/bench/SPEECH.md).
    execFileSync('espeak-ng', ['-v', 'en-us', '-w', file, QUESTION]);
    const wav = decodeWav(readFileSync(file));
    const speech = await resamplePcm16(wav.samples, wav.rate, 8000);
    const withSilence = new Int16Array(speech.length + 16_000);
    withSilence.set(speech, 0);
    return muLawEncode(withSilence);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a phone call into chorus serve on the local model', () => {
  it.runIf(recognition)(
    `asks "${QUESTION}" in real time; pocketsphinx understands the 8 kHz mu-law and the weather answer is heard as marked mu-law`,
    async () => {
      if (!pocketsphinx)
        throw new Error('pocketsphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us)');
      const recognizer = new PocketsphinxTranscriber(pocketsphinx);
      const transcribed: number[] = [];
      const heard: string[] = [];
      running = await startServe({
        port: 0,
        env: {},
        local: {
          speed: 20,
          // Real turn detection and real recognition on the phone's audio, watched on the way through.
          transcriber: {
            name: recognizer.name,
            transcribe: async (audio, sampleRate, options) => {
              transcribed.push(audio.length);
              const text = await recognizer.transcribe(audio, sampleRate, options);
              heard.push(text);
              return text;
            },
          },
        },
      });
      const url = `${running.url.replace(/^http/, 'ws')}/twilio/media-stream`;
      call = new FakeTwilioCall({ url, customParameters: { agent: 'assistant', caller: '+15551234567' } });
      await call.opened;
      call.start();
      await call.speakInRealTime(await spokenQuestion());
      const replyBytes = () =>
        call?.of('media').reduce((n, m) => n + Buffer.from(m.media.payload, 'base64').byteLength, 0) ?? 0;
      // At least a second of answer.
      await call.until(() => replyBytes() >= 8000, 30_000);
      // The local VAD cut one turn out of the phone audio: the question, about 1-3 s at 16 kHz.
      expect(transcribed).toHaveLength(1);
      // Recognised as the question, and the assistant's brain takes it for the weather in Paris (its
      // fallback would also be a spoken answer, so the words are checked, not only the audio).
      expect(heard[0]).toMatch(/weather in paris/);
      expect(voiceAssistantBrain().intentFor(heard[0] ?? '')).toBe('weather');
      expect(transcribed[0]).toBeGreaterThan(16_000);
      expect(transcribed[0]).toBeLessThan(48_000);
      const reply = muLawDecode(
        Buffer.concat(call.of('media').map((m) => Buffer.from(m.media.payload, 'base64'))),
      );
      expect(rms(reply)).toBeGreaterThan(0.01); // speech, not line silence
      expect(call.of('mark').length).toBeGreaterThan(0);
      expect(call.invalid).toEqual([]);
      call.hangUp();
      expect((await call.closed).code).toBe(1000);
    },
    60_000,
  );
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, muLawDecode, muLawEncode, resamplePcm16, rms } from '@chorus/audio';
import { type RunningServe, startServe } from '@chorus/cli';
import { FakeTwilioCall } from '@chorus/fakes';
import { afterEach, describe, expect, it } from 'vitest';

const QUESTION = "What's the weather in Paris?";

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
    execFileSync('espeak-ng', ['-w', file, QUESTION]);
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
  it(`asks "${QUESTION}" in real time and hears a spoken answer as marked mu-law (recognition stood in: offline recognition of phone audio is not reliable yet, see test/bench/RESULTS.md)`, async () => {
    const transcribed: number[] = [];
    running = await startServe({
      port: 0,
      env: {},
      local: {
        speed: 20,
        // Real turn detection on the phone's audio; the words come from a stand-in, which also counts
        // the turns the detector cut out.
        transcriber: {
          name: 'stand-in',
          transcribe: async (audio) => {
            transcribed.push(audio.length);
            return QUESTION;
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
    await call.until(() => replyBytes() >= 8000, 15_000);
    // The local VAD cut one turn out of the phone audio: the question, about 1-3 s at 16 kHz.
    expect(transcribed).toHaveLength(1);
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
  });
});

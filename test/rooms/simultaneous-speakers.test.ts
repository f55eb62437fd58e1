import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64FromBytes, bytesFromPcm16, decodeWav, resamplePcm16 } from '@chorus/audio';
import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { detectPocketsphinx, LocalModel, rulesBrain } from '@chorus/local';
import type { ServerEvent } from '@chorus/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two people in one room say different sentences at the same time, in two espeak-ng voices made
// here, offline. Each user's audio has its own path to the agent: each sentence is detected,
// recognised by pocketsphinx, attributed to the user who said it, and answered.

const pocketsphinx = await detectPocketsphinx();
const RATE = 16000;
const FRAME = 320; // 20 ms at 16 kHz
const ALICE = { id: 'alice', name: 'Alice' };
const BOB = { id: 'bob', name: 'Bob' };

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'chorus-voices-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `text` in an espeak-ng voice, at 16 kHz, with `leadMs` of silence before and 2.5 s after. */
async function say(text: string, voiceArgs: readonly string[], leadMs: number): Promise<Int16Array> {
  const file = join(scratch, `${voiceArgs.join('_')}.wav`);
  execFileSync('espeak-ng', [...voiceArgs, '-w', file, text], { stdio: 'pipe', timeout: 30_000 });
  const wav = decodeWav(new Uint8Array(readFileSync(file)));
  const speech = await resamplePcm16(wav.samples, wav.rate, RATE);
  const out = new Int16Array(((leadMs + 2500) * RATE) / 1000 + speech.length);
  out.set(speech, (leadMs * RATE) / 1000);
  return out;
}

function brain() {
  return rulesBrain({
    intents: [
      {
        name: 'weather',
        match: ['weather'],
        examples: ["what's the weather in paris", 'what is the weather in paris'],
        reply: 'It is sunny in Paris.',
      },
      {
        name: 'joke',
        match: ['joke'],
        examples: ['tell me a joke', 'tell us a joke'],
        reply: 'Why did the robot go on holiday? To recharge.',
      },
    ],
    fallback: 'Sorry, I did not catch that.',
  });
}

describe('two users speaking at once in one room', () => {
  it.skipIf(!pocketsphinx)(
    'each sentence is detected, recognised, attributed to its speaker and answered (needs espeak-ng and pocketsphinx)',
    async () => {
      const agent = new RealtimeAgent({
        name: 'Host',
        instructions: 'Answer everyone.',
        modalities: ['text'],
        model: new LocalModel({ brain: brain(), tts: null, transcriber: 'auto', speed: 20 }),
      });
      const room = new ChatRoom({ agents: [agent] });
      const seen: ServerEvent[] = [];
      let answered: () => void = () => undefined;
      const bothAnswered = new Promise<void>((resolve) => {
        answered = resolve;
      });
      await room.start({
        next: (event) => {
          seen.push(event);
          if (seen.filter((e) => e.type === 'agent_response_text_done').length === 2) answered();
        },
      });
      const alice = room.join(ALICE);
      const bob = room.join(BOB);
      const aliceSees: ServerEvent[] = [];
      const bobSees: ServerEvent[] = [];
      alice.events$.subscribe((e) => aliceSees.push(e));
      bob.events$.subscribe((e) => bobSees.push(e));

      // Two voices: espeak-ng's default, and its Klatt synthesizer, pitched higher and faster.
      // Bob starts 150 ms after Alice.
      const [aliceAudio, bobAudio] = await Promise.all([
        say("What's the weather in Paris?", ['-v', 'en-us', '-p', '40', '-s', '160'], 300),
        say('Tell me a joke.', ['-v', 'en-us+klatt', '-p', '55', '-s', '165'], 450),
      ]);
      // Frame by frame, interleaved, as two microphones arrive at a room.
      const frames = Math.max(aliceAudio.length, bobAudio.length) / FRAME;
      const send = (session: typeof alice, audio: Int16Array, i: number) => {
        const chunk = audio.subarray(i * FRAME, (i + 1) * FRAME);
        if (chunk.length === 0) return;
        session.handleInput({
          type: 'client_audio_append',
          audio: base64FromBytes(bytesFromPcm16(chunk)),
          format: { type: 'audio/pcm', rate: RATE },
        });
      };
      for (let i = 0; i < frames; i++) {
        send(alice, aliceAudio, i);
        send(bob, bobAudio, i);
        if (i % 10 === 0) await room.settled();
      }

      // Recognition runs in pocketsphinx processes; the test's own timeout bounds the wait.
      await bothAnswered;
      await room.settled();
      const answers = () => seen.filter((e) => e.type === 'agent_response_text_done');

      const heard = seen.flatMap((e) =>
        e.type === 'agent_input_transcription_done' ? [`${e.user_name}: ${e.transcript}`] : [],
      );
      console.info(`pocketsphinx heard: ${JSON.stringify(heard)}`);
      expect(
        seen.filter((e) => e.type === 'agent_input_started').map((e) => 'user_id' in e && e.user_id),
      ).toEqual(['alice', 'bob']);
      expect(heard).toHaveLength(2);
      expect(heard[0]).toMatch(/^Alice: .*\bweather\b/);
      expect(heard[1]).toMatch(/^Bob: .*\bjoke\b/);
      expect(answers().map((e) => e.type === 'agent_response_text_done' && e.text)).toEqual([
        'It is sunny in Paris.',
        'Why did the robot go on holiday? To recharge.',
      ]);
      // Each user's view shows the input events, named, the same way.
      for (const view of [aliceSees, bobSees]) {
        expect(view.flatMap((e) => (e.type === 'agent_input_transcription_done' ? [e.user_id] : []))).toEqual(
          ['alice', 'bob'],
        );
      }
      await room.stop();
    },
    60_000,
  );
});

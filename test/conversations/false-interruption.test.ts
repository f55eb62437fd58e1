import { base64FromBytes, bytesFromPcm16 } from '@chorus/audio';
import { type FalseInterruptionOptions, RealtimeAgent } from '@chorus/core';
import { TestClock } from '@chorus/core/testing';
import { FakeGeminiServer, type FakeRealtimeServer, startFakeOpenAIRealtime } from '@chorus/fakes';
import { GeminiRealtimeModel } from '@chorus/gemini';
import { OpenAIRealtimeModel } from '@chorus/openai';
import type { ServerEvent } from '@chorus/protocol';
import { afterEach, describe, expect, it } from 'vitest';

// Resuming a reply after a false interruption, end to end through the provider adapters and their
// local fakes: a noise burst loud enough for the provider's VAD cuts the reply; when the input turns
// out to carry no words (or only a backchannel) within the window, the agent asks the model to carry
// on from where the listener stopped hearing. The window runs on the simulated clock.

const cleanups: (() => Promise<void>)[] = [];
/** The events of the agent started last: a timeout names what it had seen. */
let seen: ServerEvent[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const STORY = 'one two three four five six seven eight nine ten';
const WINDOW_MS = 1500;

/** A cough-like burst: `ms` of loud noise (RMS about 0.25, far above the fakes' 0.02 VAD threshold). */
function burst(ms: number, rate: number, seed = 7): Int16Array {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  return Int16Array.from({ length: (rate * ms) / 1000 }, () => Math.round((random() * 2 - 1) * 14_000));
}

interface Rig {
  /** The input rate the provider takes (OpenAI 24 kHz, Gemini 16 kHz). */
  readonly rate: number;
  readonly clock: TestClock;
  readonly agent: RealtimeAgent;
  readonly events: ServerEvent[];
}

async function startAgent(
  model: OpenAIRealtimeModel | GeminiRealtimeModel,
  clock: TestClock,
  resume: FalseInterruptionOptions | undefined,
  rate: number,
  inputTranscription = true,
): Promise<Rig> {
  const agent = new RealtimeAgent({
    name: 'Ada',
    instructions: 'Tell stories.',
    model,
    clock,
    inputTranscription,
    ...(resume ? { resumeAfterFalseInterruption: resume } : {}),
  });
  const events: ServerEvent[] = [];
  seen = events;
  cleanups.push(() => agent.stop());
  await agent.start({ next: (event) => events.push(event) });
  await pump(clock, () => events.some((e) => e.type === 'agent_ready'), 'the agent ready');
  return { rate, clock, agent, events };
}

/** Waits (real time, bounded) for `done()`, moving the simulated clock on in small steps. */
async function pump(clock: TestClock, done: () => boolean, what: string, stepMs = 5): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) {
      const types = seen.map((e) => e.type).filter((t) => !/delta|history|state/.test(t));
      throw new Error(`timed out waiting for ${what}; the agent sent ${types.join(', ')}`);
    }
    clock.increment(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets the sockets deliver for a while (real time) with the simulated clock moving `ms`. */
async function run(clock: TestClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    clock.increment(10);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function sendAudio(rig: Rig, samples: Int16Array): void {
  // 20 ms chunks, as a client streams them.
  const step = (rig.rate * 20) / 1000;
  for (let i = 0; i < samples.length; i += step)
    rig.agent.handleInput({
      type: 'client_audio_append',
      audio: base64FromBytes(bytesFromPcm16(samples.subarray(i, i + step))),
      format: { type: 'audio/pcm', rate: rig.rate },
    });
}

/**
 * A noise burst of `ms` during the reply, then silence. The silence goes once the reply was cut, as it
 * would in real time (a test could otherwise deliver the end of the noise before the cut took effect).
 */
async function noise(rig: Rig, ms: number): Promise<void> {
  sendAudio(rig, burst(ms, rig.rate));
  await pump(
    rig.clock,
    () => ofType(rig.events, 'agent_response_done').some((d) => d.status === 'cancelled'),
    'the cut',
    1,
  );
  sendAudio(rig, new Int16Array((rig.rate * 800) / 1000));
}

const ofType = <T extends ServerEvent['type']>(events: readonly ServerEvent[], type: T) =>
  events.filter((e): e is Extract<ServerEvent, { type: T }> => e.type === type);

/**
 * Starts the story and waits for its first audio; the listener reports having heard `heardMs` of it.
 * Returns the story's item id.
 */
async function storyPlaying(rig: Rig, heardMs: number): Promise<string> {
  rig.agent.handleInput({ type: 'client_text_append', text: 'tell me a story' });
  await pump(rig.clock, () => ofType(rig.events, 'agent_response_audio_delta').length >= 3, 'the story');
  const itemId = ofType(rig.events, 'agent_response_audio_delta')[0]?.item_id ?? '';
  rig.agent.handleInput({ type: 'client_playback_position', item_id: itemId, audio_end_ms: heardMs });
  return itemId;
}

/** What the listener heard of the cut story, as the agent closed it. */
function heardOf(events: readonly ServerEvent[], itemId: string): string {
  const done = ofType(events, 'agent_response_audio_transcript_done').find((e) => e.item_id === itemId);
  return done?.transcript ?? '';
}

describe('OpenAI Realtime (local fake): resuming after a false interruption', () => {
  async function openai(
    resume: FalseInterruptionOptions | undefined,
    transcript: string,
    inputTranscription = true,
  ) {
    const fake: FakeRealtimeServer = await startFakeOpenAIRealtime({ transcriber: () => transcript });
    cleanups.push(() => fake.close());
    const clock = new TestClock();
    const rig = await startAgent(
      new OpenAIRealtimeModel({ apiKey: 'test-key', url: fake.url, clock }),
      clock,
      resume,
      24_000,
      inputTranscription,
    );
    // The story stops after three words until it is cancelled: it is still playing when the noise comes.
    fake.queueResponse({ text: STORY, pauseAfterChunks: 3 });
    return { fake, rig };
  }

  const resumes = (fake: FakeRealtimeServer) =>
    fake
      .receivedOfType('response.create')
      .map((f) => (f.event?.response as { instructions?: string } | undefined)?.instructions ?? '')
      .filter((i) => i.includes('cut off'));

  it('a noise burst with no words (empty transcript, unverified): truncated where heard, then response.create asks to carry on', async () => {
    const { fake, rig } = await openai({ windowMs: WINDOW_MS }, '');
    const itemId = await storyPlaying(rig, 150);
    fake.queueResponse({ text: 'Mm?' }, { text: 'three four five six seven eight nine ten' });
    await noise(rig, 150);
    await pump(rig.clock, () => resumes(fake).length > 0, 'the resume');
    // The cut: the service was told what was heard (truncate), and the client saw the reply end there.
    const [truncate] = fake.receivedOfType('conversation.item.truncate');
    expect(truncate?.event).toMatchObject({ audio_end_ms: 150 });
    const interrupted = ofType(rig.events, 'agent_response_interrupted')[0];
    expect(interrupted).toMatchObject({ item_id: itemId, audio_end_ms: 150 });
    const heard = heardOf(rig.events, itemId);
    expect(heard.length).toBeGreaterThan(0);
    const [instructions] = resumes(fake);
    expect(instructions).toContain(`They heard: "${heard.trim()}".`);
    expect(instructions).toContain('Your next words were:');
    // The resumed reply plays to the end.
    await pump(
      rig.clock,
      () => ofType(rig.events, 'agent_response_done').some((d) => d.status === 'completed'),
      'the resumed reply',
    );
    expect(resumes(fake)).toHaveLength(1);
  }, 30_000);

  it('without input transcription, the window decides: no resume before it ends, one right after (simulated clock)', async () => {
    const { fake, rig } = await openai({ windowMs: WINDOW_MS }, '', false);
    await storyPlaying(rig, 150);
    fake.queueResponse({ text: 'Mm?' }, { text: 'three four five' });
    await noise(rig, 150);
    await pump(rig.clock, () => ofType(rig.events, 'agent_response_interrupted').length > 0, 'the cut', 1);
    const cutAt = rig.clock.now();
    await pump(rig.clock, () => ofType(rig.events, 'agent_input_done').length > 0, 'the end of the noise', 1);
    // The window started at the cut, at most a step before it was seen.
    while (rig.clock.now() < cutAt + WINDOW_MS - 20) await run(rig.clock, 10);
    expect(resumes(fake)).toEqual([]);
    await run(rig.clock, 40);
    await pump(rig.clock, () => resumes(fake).length > 0, 'the resume', 1);
    expect(rig.clock.now()).toBeLessThan(cutAt + WINDOW_MS + 100);
    expect(ofType(rig.events, 'agent_input_transcription_done')).toEqual([]);
  }, 30_000);

  it('a configured backchannel ("mm-hmm") within the window: the reply resumes', async () => {
    const { fake, rig } = await openai({ windowMs: WINDOW_MS, backchannels: ['mm-hmm'] }, 'Mm-hmm.');
    await storyPlaying(rig, 150);
    fake.queueResponse({ text: 'Yes?' }, { text: 'three four five' });
    await noise(rig, 300);
    await pump(rig.clock, () => resumes(fake).length > 0, 'the resume');
    expect(resumes(fake)).toHaveLength(1);
  }, 30_000);

  it('real words within the window: the interruption stands, the words are answered, nothing resumes', async () => {
    const { fake, rig } = await openai({ windowMs: WINDOW_MS }, 'what time is it');
    await storyPlaying(rig, 150);
    fake.queueResponse({ text: 'It is noon.' });
    await noise(rig, 300);
    await pump(
      rig.clock,
      () => ofType(rig.events, 'agent_response_done').some((d) => d.status === 'completed'),
      'the answer',
    );
    await run(rig.clock, WINDOW_MS + 500);
    expect(resumes(fake)).toEqual([]);
    expect(ofType(rig.events, 'agent_input_transcription_done').map((e) => e.transcript)).toContain(
      'what time is it',
    );
  }, 30_000);

  it('off unless the agent asks for it: the same noise burst ends the reply for good', async () => {
    const { fake, rig } = await openai(undefined, '');
    await storyPlaying(rig, 150);
    fake.queueResponse({ text: 'Mm?' });
    await noise(rig, 150);
    await pump(rig.clock, () => fake.receivedOfType('conversation.item.truncate').length > 0, 'the cut');
    await run(rig.clock, WINDOW_MS + 1000);
    expect(resumes(fake)).toEqual([]);
  }, 30_000);
});

describe('Gemini Live (local fake): resuming after a false interruption', () => {
  async function gemini(resume: FalseInterruptionOptions | undefined, chunks = 10) {
    // Real milliseconds between the fake's chunks: the story is still streaming when the noise comes.
    const fake = await FakeGeminiServer.start({ chunkIntervalMs: 100 });
    cleanups.push(() => fake.close());
    const clock = new TestClock();
    const rig = await startAgent(
      new GeminiRealtimeModel({ apiKey: fake.apiKey, url: fake.url, clock }),
      clock,
      resume,
      16_000,
    );
    // One word (and its transcript) per 500 ms chunk: the words the listener heard are known at the cut.
    fake.queueTurns({ transcript: STORY, chunks, audioMs: 5000 });
    return { fake, rig };
  }

  /** Texts the fake received as `realtimeInput.text`: Gemini takes the resume request there. */
  const resumes = (fake: FakeGeminiServer) =>
    fake
      .messagesOf('realtimeInput')
      .flatMap((m) => (m.text === undefined ? [] : [m.text]))
      .filter((t) => t.includes('cut off'));

  it('a noise burst heard as no words (unverified: the service sends no input transcript for it): no truncate exists, the resume goes as text and the story is said on', async () => {
    const { fake, rig } = await gemini({ windowMs: WINDOW_MS });
    const itemId = await storyPlaying(rig, 600);
    fake.queueTurns({ inputTranscript: '', transcript: 'Mm?' }, { transcript: 'three four five six' });
    await noise(rig, 150);
    await pump(rig.clock, () => resumes(fake).length > 0, 'the resume');
    expect(ofType(rig.events, 'agent_response_interrupted')[0]).toMatchObject({
      item_id: itemId,
      audio_end_ms: 600,
    });
    const heard = heardOf(rig.events, itemId);
    expect(heard.length).toBeGreaterThan(0);
    expect(resumes(fake)[0]).toContain(`They heard: "${heard.trim()}".`);
    await pump(
      rig.clock,
      () =>
        ofType(rig.events, 'agent_response_audio_transcript_done').some((e) =>
          e.transcript.includes('three four five six'),
        ),
      'the resumed reply',
    );
    expect(resumes(fake)).toHaveLength(1);
  }, 30_000);

  it('a cut before any word of the reply was transcribed (its transcript trails the audio) resumes from the heard position', async () => {
    // 50 chunks of 100 ms for 10 words: the first word's transcript comes with the fifth chunk.
    const { fake, rig } = await gemini({ windowMs: WINDOW_MS }, 50);
    const itemId = await storyPlaying(rig, 250);
    fake.queueTurns({ inputTranscript: '', transcript: 'Mm?' }, { transcript: 'one two three' });
    await noise(rig, 150);
    await pump(rig.clock, () => resumes(fake).length > 0, 'the resume');
    expect(heardOf(rig.events, itemId)).toBe('');
    expect(resumes(fake)[0]).toContain('about 0.3 s into it, without starting over');
  }, 30_000);

  it('a configured backchannel ("mm-hmm") within the window: the reply resumes', async () => {
    const { fake, rig } = await gemini({ windowMs: WINDOW_MS, backchannels: ['mm-hmm'] });
    await storyPlaying(rig, 600);
    fake.queueTurns({ inputTranscript: 'Mm-hmm.', transcript: 'Yes?' }, { transcript: 'three four' });
    await noise(rig, 300);
    await pump(rig.clock, () => resumes(fake).length > 0, 'the resume');
    expect(resumes(fake)).toHaveLength(1);
  }, 30_000);

  it('real words within the window: the interruption stands and nothing resumes', async () => {
    const { fake, rig } = await gemini({ windowMs: WINDOW_MS });
    await storyPlaying(rig, 600);
    fake.queueTurns({ inputTranscript: 'What time is it?', transcript: 'It is noon.' });
    await noise(rig, 300);
    await pump(
      rig.clock,
      () => ofType(rig.events, 'agent_input_transcription_done').length > 0,
      'the transcript',
    );
    await run(rig.clock, WINDOW_MS + 500);
    expect(resumes(fake)).toEqual([]);
  }, 30_000);
});

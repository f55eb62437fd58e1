import { parseDashScopeServerEvent } from '@chorus/protocol/dashscope';
import { afterEach, describe, expect, it } from 'vitest';
import { invalidFrames } from '../adapter-harness/invalid-frames.js';
import type { FakeRealtimeServer } from '../openai/index.js';
import { FakeClientPair, pcmBase64, TestClient } from '../openai/test-client.js';
import { type FakeDashScopeOptions, startFakeDashScopeRealtime } from './index.js';

/**
 * Resolves once the fake has answered a ping sent now. It handles a socket's frames in order and
 * answers each at once, so whatever it sent for the frames before the ping has arrived by then.
 */
function answered(c: TestClient): Promise<void> {
  return new Promise((resolve) => {
    c.ws.once('pong', () => resolve());
    c.ws.ping();
  });
}

const pair = new FakeClientPair();
afterEach(() => pair.close());

function expectValidFrames(fake: FakeRealtimeServer): void {
  expect(invalidFrames(fake.sent, parseDashScopeServerEvent)).toEqual([]);
}

async function connect(options: FakeDashScopeOptions = {}, model = 'qwen3-omni-flash-realtime') {
  const fake = await pair.serve(() => startFakeDashScopeRealtime(options));
  const c = await pair.open(`?model=${model}`);
  await c.waitForType('session.created');
  return { fake, c };
}

describe('fake DashScope realtime', () => {
  it('sends the documented session.created first and echoes session.update', async () => {
    const { fake, c } = await connect();
    expect(c.events[0]).toMatchObject({
      type: 'session.created',
      session: {
        object: 'realtime.session',
        model: 'qwen3-omni-flash-realtime',
        modalities: ['text', 'audio'],
        voice: 'Cherry',
        input_audio_format: 'pcm16',
        output_audio_format: 'pcm24',
        turn_detection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 800,
        },
      },
    });
    c.send({ type: 'session.update', session: { voice: 'Ethan', modalities: ['audio'] } });
    await c.waitForType('error');
    expect(c.ofType('error')[0]?.error).toMatchObject({ code: 'invalid_value', param: 'session.modalities' });
    c.send({ type: 'session.update', session: { voice: 'Ethan' } });
    await c.waitForType('session.updated');
    expect(c.ofType('session.updated')[0]?.session).toMatchObject({
      voice: 'Ethan',
      output_audio_format: 'pcm24',
    });
    expectValidFrames(fake);
  });

  it('refuses a bad key at the upgrade with HTTP 401', async () => {
    const server = await pair.serve(() => startFakeDashScopeRealtime());
    await expect(TestClient.open(server.url, { Authorization: 'Bearer wrong' })).rejects.toThrow('HTTP 401');
    expect(server.authFailures).toBe(1);
  });

  it('runs a 16 kHz audio turn with 800 ms silence and answers with beta names', async () => {
    const { fake, c } = await connect();
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(300, 16000, false) });
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(400, 16000, true) });
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(500, 16000, false) });
    await answered(c);
    // 500 ms of trailing silence is not enough for DashScope's 800 ms default.
    expect(c.ofType('input_audio_buffer.speech_stopped')).toHaveLength(0);
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(400, 16000, false) });
    await c.waitForType('response.done');
    expect(c.ofType('input_audio_buffer.speech_stopped')[0]).toMatchObject({ audio_end_ms: 700 });
    expect(c.types()).toContain('response.audio.delta');
    expect(c.types()).toContain('response.audio_transcript.done');
    expect(c.types()).toContain('conversation.item.created');
    const delta = c.ofType('response.audio.delta')[0]?.delta as string;
    expect(Buffer.from(delta, 'base64').length).toBe(4800);
    expectValidFrames(fake);
  });

  it('takes images only after audio', async () => {
    const { fake, c } = await connect();
    c.send({ type: 'input_image_buffer.append', image: '/9j/4AAQ' });
    await c.waitForType('error');
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(20, 16000, false) });
    c.send({ type: 'input_image_buffer.append', image: '/9j/4AAQ' });
    await fake.waitForReceived('input_image_buffer.append', 2);
    await fake.waitFor(() => fake.connection.images.length === 1, 'image stored');
  });

  it('qwen-omni-turbo-realtime: pcm16 (16 kHz) out, voice Chelsie; pcm24 is refused', async () => {
    const { fake, c } = await connect({}, 'qwen-omni-turbo-realtime');
    expect(c.events[0]).toMatchObject({
      type: 'session.created',
      session: { output_audio_format: 'pcm16', voice: 'Chelsie' },
    });
    c.send({ type: 'session.update', session: { output_audio_format: 'pcm24' } });
    await c.waitForType('error');
    expect(c.ofType('error')[0]?.error).toMatchObject({ param: 'session.output_audio_format' });
    fake.queueResponse({ text: 'hi' });
    c.send({ type: 'response.create' });
    await c.waitForType('response.done');
    const bytes = c
      .ofType('response.audio.delta')
      .reduce((n, e) => n + Buffer.from(String(e.delta), 'base64').length, 0);
    // 16 kHz PCM16: 32 bytes a millisecond.
    expect(bytes % 32).toBe(0);
    expectValidFrames(fake);
  });

  it('unverified (wording): refuses an image that is not JPEG, or over 500 KB', async () => {
    const { fake, c } = await connect();
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(20, 16000, false) });
    c.send({
      type: 'input_image_buffer.append',
      image: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'),
    });
    await c.waitForType('error');
    const big = Buffer.alloc(500_001);
    big.set([0xff, 0xd8, 0xff]);
    c.send({ type: 'input_image_buffer.append', image: big.toString('base64') });
    await c.waitFor(() => c.ofType('error').length === 2, 'second error');
    expect(c.ofType('error').map((e) => (e.error as { param?: string }).param)).toEqual(['image', 'image']);
    expect(fake.connection.images).toEqual([]);
  });

  it('answers session.finish with session.finished (what the official SDK waits for)', async () => {
    const { fake, c } = await connect();
    c.send({ type: 'session.finish' });
    await c.waitForType('session.finished');
    expectValidFrames(fake);
  });

  it('unverified (reported quirk): omits response.done after a cancel when configured, and sends it otherwise (the default, assumed)', async () => {
    for (const omit of [true, false]) {
      const { fake, c } = await connect({ omitResponseDoneAfterCancel: omit });
      fake.queueResponse({ text: 'a b c d', pauseAfterChunks: 1 });
      c.send({ type: 'response.create' });
      await c.waitForType('response.audio.delta');
      c.send({ type: 'response.cancel' });
      await c.waitForType('response.output_item.done');
      await answered(c);
      expect(c.ofType('response.done')).toHaveLength(omit ? 0 : 1);
      await pair.close();
    }
  });
});

import { parseOpenAIServerEvent } from '@chorus/protocol/openai';
import { afterEach, describe, expect, it } from 'vitest';
import { invalidFrames } from '../adapter-harness/invalid-frames.js';
import { type FakeRealtimeServer, type FakeServerOptions, startFakeOpenAIRealtime } from './index.js';
import { FakeClientPair, pcmBase64, TestClient } from './test-client.js';

const pair = new FakeClientPair();
afterEach(() => pair.close());

/** Every frame the fake sent must be a known, valid server event per the protocol schemas. */
function expectValidFrames(fake: FakeRealtimeServer): void {
  expect(invalidFrames(fake.sent, parseOpenAIServerEvent)).toEqual([]);
}

async function connect(headers?: Record<string, string>, options: FakeServerOptions = {}) {
  const fake = await pair.serve(() => startFakeOpenAIRealtime(options));
  const c = await pair.open('?model=gpt-realtime', headers);
  await c.waitForType('session.created');
  return { fake, c };
}

describe('fake OpenAI Realtime', () => {
  it('sends session.created first and echoes the full merged session on update', async () => {
    const { fake, c } = await connect();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'be brief', audio: { output: { voice: 'marin' } } },
    });
    await c.waitForType('session.updated');
    const session = c.ofType('session.updated')[0]?.session as Record<string, unknown>;
    expect(session).toMatchObject({
      type: 'realtime',
      model: 'gpt-realtime',
      instructions: 'be brief',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
        },
        output: { voice: 'marin', format: { type: 'audio/pcm', rate: 24000 } },
      },
    });
    expect(c.events.every((e) => typeof e.event_id === 'string')).toBe(true);
    expectValidFrames(fake);
  });

  it('keeps an out-of-band response out of its conversation: a later response does not see it', async () => {
    const seen: (readonly unknown[])[] = [];
    const { fake, c } = await connect(undefined, {
      responder: (request) => {
        seen.push(request.conversation.map((item) => item.role));
        return { text: 'Fine.' };
      },
    });
    c.send({ type: 'response.create', response: { conversation: 'none', metadata: { purpose: 'probe' } } });
    await c.waitForType('response.done');
    const created = c.ofType('response.created')[0]?.response as Record<string, unknown>;
    expect(created.metadata).toEqual({ purpose: 'probe' });
    expect(created).not.toHaveProperty('conversation_id');
    expect(c.ofType('conversation.item.added')).toEqual([]);
    c.send({ type: 'response.create' });
    await c.waitForType('response.done', 2);
    expect(seen).toEqual([[], []]);
    expect(c.ofType('response.created')[1]?.response).toMatchObject({ conversation_id: 'conv_fake' });
    expectValidFrames(fake);
  });

  it('refuses session.type "transcription" on a realtime connection as the service does (param unverified)', async () => {
    const { c } = await connect();
    c.send({ type: 'session.update', event_id: 'e1', session: { type: 'transcription' } });
    await c.waitForType('error');
    expect(c.ofType('error')[0]?.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_parameter',
      param: 'session.type',
      event_id: 'e1',
    });
  });

  it('answers a wrong key with invalid_api_key and close 3000', async () => {
    await pair.serve(() => startFakeOpenAIRealtime());
    const client = await pair.open('', { Authorization: 'Bearer nope' });
    await client.waitForClose();
    expect(client.events[0]).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_api_key' },
    });
    expect(client.closeCode).toBe(3000);
    expect(client.closeReason).toBe('invalid_request_error.invalid_api_key');
  });

  it('refuses a PCM rate other than 24 kHz, naming the param', async () => {
    const { c } = await connect();
    c.send({
      type: 'session.update',
      event_id: 'mine',
      session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcm', rate: 16000 } } } },
    });
    await c.waitForType('error');
    expect(c.ofType('error')[0]?.error).toMatchObject({
      code: 'invalid_value',
      param: 'session.audio.input.format.rate',
      event_id: 'mine',
    });
  });

  it('detects speech from audio energy, commits, transcribes and responds', async () => {
    const { fake, c } = await connect();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { transcription: { model: 'whisper-1' } } } },
    });
    await c.waitForType('session.updated');
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(500, 24000, false) });
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(400, 24000, true) });
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(600, 24000, false) });
    await c.waitForType('response.done');
    const started = c.ofType('input_audio_buffer.speech_started')[0];
    const stopped = c.ofType('input_audio_buffer.speech_stopped')[0];
    expect(started).toMatchObject({ audio_start_ms: 200 });
    expect(stopped).toMatchObject({ audio_end_ms: 900, item_id: started?.item_id });
    expect(c.ofType('conversation.item.input_audio_transcription.completed')[0]).toMatchObject({
      transcript: 'hello',
      item_id: started?.item_id,
    });
    expect(c.ofType('response.output_audio_transcript.done')[0]).toMatchObject({
      transcript: 'Hello there.',
    });
    expect(c.ofType('response.output_audio.delta')).toHaveLength(2);
    expect(c.ofType('response.done')[0]?.response).toMatchObject({ status: 'completed' });
    expectValidFrames(fake);
  });

  it('streams tool call arguments and a completed function_call item', async () => {
    const { fake, c } = await connect();
    fake.queueResponse({
      toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', callId: 'call_1' }],
    });
    c.send({ type: 'response.create' });
    await c.waitForType('response.done');
    const deltas = c
      .ofType('response.function_call_arguments.delta')
      .map((e) => e.delta)
      .join('');
    expect(deltas).toBe('{"city":"Paris"}');
    expect(c.ofType('response.output_item.done')[0]?.item).toMatchObject({
      type: 'function_call',
      status: 'completed',
      call_id: 'call_1',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    expectValidFrames(fake);
  });

  it('sends response.done after a cancel, and truncates at the heard position', async () => {
    const { fake, c } = await connect();
    fake.queueResponse({ text: 'one two three four five', pauseAfterChunks: 3 });
    c.send({ type: 'response.create' });
    await c.waitForType('response.output_audio.delta', 3);
    c.send({ type: 'response.cancel' });
    await c.waitForType('response.done');
    expect(c.ofType('response.done')[0]?.response).toMatchObject({
      status: 'cancelled',
      status_details: { reason: 'client_cancelled' },
    });
    const itemId = c.ofType('response.output_audio.delta')[0]?.item_id as string;
    c.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 150 });
    await c.waitForType('conversation.item.truncated');
    expect(c.ofType('conversation.item.truncated')[0]).toMatchObject({ item_id: itemId, audio_end_ms: 150 });
    c.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 5000 });
    await c.waitForType('error');
    expect(c.ofType('error')[0]?.error).toMatchObject({ param: 'audio_end_ms', code: 'invalid_value' });
    c.send({ type: 'conversation.item.retrieve', item_id: itemId });
    await c.waitForType('conversation.item.retrieved');
    expect(c.ofType('conversation.item.retrieved')[0]?.item).toMatchObject({
      id: itemId,
      status: 'incomplete',
      role: 'assistant',
    });
    expect(fake.connection.truncations).toEqual([{ itemId, audioEndMs: 150 }]);
    expectValidFrames(fake);
  });

  it('refuses the beta shape on its GA endpoint: beta_api_shape_disabled, then close 4000', async () => {
    const fake = await pair.serve(() => startFakeOpenAIRealtime());
    const c = await pair.open('?model=gpt-realtime', {
      Authorization: 'Bearer test-key',
      'OpenAI-Beta': 'realtime=v1',
    });
    await c.waitForType('error');
    expect(c.ofType('error')[0]?.error).toMatchObject({ code: 'beta_api_shape_disabled' });
    expect(fake.connections).toHaveLength(0);
  });

  it('speaks beta names on an Azure-style endpoint when the client sends OpenAI-Beta: realtime=v1', async () => {
    const { fake, c } = await connect(
      { Authorization: 'Bearer test-key', 'OpenAI-Beta': 'realtime=v1' },
      { acceptBeta: true },
    );
    expect(c.ofType('session.created')[0]?.session).toMatchObject({
      input_audio_format: 'pcm16',
      voice: 'alloy',
    });
    c.send({ type: 'session.update', session: { modalities: ['text'], turn_detection: null } });
    await c.waitForType('session.updated');
    c.send({ type: 'response.create' });
    await c.waitForType('response.done');
    expect(c.types()).toContain('response.text.delta');
    expect(c.types()).toContain('conversation.item.created');
    expect(c.types()).not.toContain('response.output_text.delta');
    expectValidFrames(fake);
  });

  it('injects faults: malformed frame, rate limit, close 1011, drop', async () => {
    const { fake, c } = await connect();
    fake.inject({ type: 'malformed' });
    fake.inject({ type: 'rate_limit' });
    await c.waitForType('error');
    expect(c.ofType('(malformed)')).toHaveLength(1);
    expect(c.ofType('error')[0]?.error).toMatchObject({ type: 'rate_limit_exceeded' });
    fake.inject({ type: 'close', code: 1011, reason: 'internal' });
    await c.waitForClose();
    expect(c.closeCode).toBe(1011);
    const second = await TestClient.open(fake.url);
    await fake.waitFor(() => fake.connections.length === 2, 'second connection');
    fake.inject({ type: 'drop' });
    await second.waitForClose();
    expect(second.closeCode).toBe(1006);
  });

  it('delays pongs when told to', async () => {
    const { fake, c } = await connect();
    fake.setPongDelay(150);
    const started = Date.now();
    const pong = new Promise<number>((resolve) => c.ws.once('pong', () => resolve(Date.now() - started)));
    c.ws.ping();
    expect(await pong).toBeGreaterThanOrEqual(140);
  });

  it('answers protocol mistakes the way the service does', async () => {
    const { fake, c } = await connect();
    c.send({ type: 'input_audio_buffer.append', audio: pcmBase64(50, 24000, false) });
    c.send({ type: 'input_audio_buffer.commit', event_id: 'e1' });
    c.send({ type: 'no.such.event', event_id: 'e2' });
    c.send({ type: 'conversation.item.retrieve', item_id: 'missing', event_id: 'e3' });
    fake.queueResponse({ text: 'a b c', pauseAfterChunks: 1 });
    c.send({ type: 'response.create' });
    await c.waitForType('response.output_audio.delta');
    c.send({ type: 'response.create', event_id: 'e4' });
    await c.waitForType('error', 4);
    expect(c.ofType('error').map((e) => (e.error as Record<string, unknown>).code)).toEqual([
      'input_audio_buffer_commit_empty',
      'invalid_event',
      'item_not_found',
      'conversation_already_has_active_response',
    ]);
    expect(c.ofType('error').map((e) => (e.error as Record<string, unknown>).event_id)).toEqual([
      'e1',
      'e2',
      'e3',
      'e4',
    ]);
    fake.connection.release();
    await c.waitForType('response.done');
    expectValidFrames(fake);
  });

  it('creates, orders and deletes conversation items', async () => {
    const { fake, c } = await connect();
    c.send({
      type: 'conversation.item.create',
      item: { id: 'b', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'B' }] },
    });
    c.send({
      type: 'conversation.item.create',
      previous_item_id: null,
      item: { id: 'a', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'A' }] },
    });
    c.send({
      type: 'conversation.item.create',
      previous_item_id: 'a',
      item: { id: 'ab', type: 'message', role: 'system', content: [{ type: 'input_text', text: 'AB' }] },
    });
    await c.waitForType('conversation.item.done', 3);
    expect(fake.connection.conversation.map((i) => i.id)).toEqual(['a', 'ab', 'b']);
    expect(c.ofType('conversation.item.added')[2]).toMatchObject({
      previous_item_id: 'a',
      item: { id: 'ab' },
    });
    c.send({ type: 'conversation.item.delete', item_id: 'ab' });
    await c.waitForType('conversation.item.deleted');
    expect(fake.connection.conversation.map((i) => i.id)).toEqual(['a', 'b']);
    expectValidFrames(fake);
  });

  it('closes after the session cap with session_expired', async () => {
    await pair.serve(() => startFakeOpenAIRealtime({ sessionCapMs: 50 }));
    const client = await pair.open();
    await client.waitForClose();
    expect(client.ofType('error')[0]?.error).toMatchObject({ code: 'session_expired' });
  });

  it('records what it receives', async () => {
    const { fake, c } = await connect();
    c.send({ type: 'input_audio_buffer.clear' });
    await fake.waitForReceived('input_audio_buffer.clear');
    expect(fake.receivedOfType('input_audio_buffer.clear')[0]).toMatchObject({
      connectionId: 1,
      event: { type: 'input_audio_buffer.clear' },
    });
  });
});

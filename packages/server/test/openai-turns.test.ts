import { RealtimeAgent } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { TestClient } from './client.fixture.js';

// How /v1/realtime holds turns the way the OpenAI service does: items never start responses, server
// VAD turns commit a user item, manual turns commit what was appended, and only what is asked for.

let server: ChorusServer | undefined;
let model: ScriptedModel | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  model = undefined;
});

async function connect(clock?: TestClock): Promise<TestClient> {
  server = createChorusServer({
    ...(clock ? { clock } : {}),
    rooms: {
      assistant: () => {
        model = new ScriptedModel({ chunkMs: 20, fallback: (turn) => ({ text: `You said ${turn.text}` }) });
        return new RealtimeAgent({ name: 'assistant', instructions: 'Be brief.', model });
      },
    },
    auth: { apiKeys: ['k'] },
    logger: pino({ level: 'silent' }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const c = new TestClient(`ws://127.0.0.1:${port}/v1/realtime?model=assistant`, {
    headers: { Authorization: 'Bearer k' },
  });
  await c.opened;
  await c.waitForType('session.created');
  return c;
}

const types = (c: TestClient, from = 0) => c.messages.slice(from).map((m) => m.type as string);

/** 24 kHz PCM16 silence of `ms` milliseconds, base64. */
const pcm = (ms: number) => Buffer.alloc(48 * ms).toString('base64');

/** Lets frames already sent cross the socket and the agent's asynchronous delivery (no timing). */
async function roundTrip(c: TestClient): Promise<void> {
  const from = c.messages.length;
  c.send({ type: 'conversation.item.retrieve', item_id: 'item_sync', event_id: 'sync' });
  await c.waitFor(
    (m) => m.type === 'error' && (m.error as { event_id?: string }).event_id === 'sync',
    5000,
    from,
  );
}

describe('/v1/realtime turns as the OpenAI service holds them', () => {
  it('conversation.item.create adds the item and starts no response; response.create does, without error', async () => {
    const c = await connect();
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
    });
    await c.waitForType('conversation.item.done');
    await roundTrip(c);
    await roundTrip(c);
    expect(types(c)).not.toContain('response.created');
    expect(model?.callsOf('createResponse')).toEqual([]);
    const from = c.messages.length;
    c.send({ type: 'response.create', event_id: 'create_1' });
    const done = await c.waitFor((m) => m.type === 'response.done', 5000, from);
    expect((done.response as { status: string }).status).toBe('completed');
    const all = types(c);
    expect(all.indexOf('conversation.item.added')).toBeLessThan(all.indexOf('response.created'));
    const errors = c.messages.filter(
      (m) => m.type === 'error' && (m.error as { event_id?: string }).event_id !== 'sync',
    );
    expect(errors).toEqual([]);
    c.ws.terminate();
  });

  it('a server VAD turn commits the user item before the response that answers it', async () => {
    const c = await connect();
    await roundTrip(c);
    const itemId = model!.speak('hello there', 300);
    await c.waitForType('response.done');
    const vad = c.messages.filter((m) =>
      [
        'input_audio_buffer.speech_started',
        'input_audio_buffer.speech_stopped',
        'input_audio_buffer.committed',
        'conversation.item.added',
        'conversation.item.done',
        'conversation.item.input_audio_transcription.completed',
        'response.created',
      ].includes(m.type as string),
    );
    expect(vad.slice(0, 6).map((m) => m.type)).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.input_audio_transcription.completed',
    ]);
    for (const m of vad.slice(0, 6)) {
      expect(m.item_id ?? (m.item as { id: string }).id).toBe(itemId);
    }
    expect(vad[3]?.item).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_audio' }] });
    expect(vad[5]).toMatchObject({ transcript: 'hello there', usage: { type: 'duration', seconds: 0.3 } });
    c.ws.terminate();
  });

  it('turn_detection null: no VAD events and no response until the client asks', async () => {
    const c = await connect();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    const updated = await c.waitForType('session.updated');
    expect(
      (updated.session as { audio: { input: Record<string, unknown> } }).audio.input.turn_detection,
    ).toBeNull();
    await roundTrip(c);
    expect(model?.currentSession?.turnDetection.type).toBe('none');
    model!.speak('hello', 100);
    await roundTrip(c);
    await roundTrip(c);
    expect(types(c)).not.toContain('input_audio_buffer.speech_started');
    expect(types(c)).not.toContain('input_audio_buffer.speech_stopped');
    expect(types(c)).not.toContain('response.created');
    c.ws.terminate();
  });

  it('a commit of less than 100 ms gets only an error; a real one commits a user item', async () => {
    const c = await connect();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    await c.waitForType('session.updated');
    c.send({ type: 'input_audio_buffer.commit', event_id: 'empty' });
    c.send({ type: 'input_audio_buffer.append', audio: pcm(40) });
    c.send({ type: 'input_audio_buffer.commit', event_id: 'short' });
    await roundTrip(c);
    const errors = c.messages
      .filter((m) => m.type === 'error')
      .map((m) => m.error as Record<string, unknown>);
    expect(errors.slice(0, 2)).toMatchObject([
      { code: 'input_audio_buffer_commit_empty', event_id: 'empty' },
      { code: 'input_audio_buffer_commit_empty', event_id: 'short' },
    ]);
    expect(types(c)).not.toContain('input_audio_buffer.committed');
    const from = c.messages.length;
    c.send({ type: 'input_audio_buffer.append', audio: pcm(80) });
    c.send({ type: 'input_audio_buffer.commit' });
    const committed = await c.waitFor((m) => m.type === 'input_audio_buffer.committed', 5000, from);
    const added = await c.waitFor((m) => m.type === 'conversation.item.added', 5000, from);
    expect((added.item as { id: string }).id).toBe(committed.item_id);
    expect(model?.sent.filter((i) => i.type === 'audio_commit')).toHaveLength(1);
    c.ws.terminate();
  });

  it('output_audio_buffer.cleared always names a response', async () => {
    const c = await connect();
    c.send({ type: 'output_audio_buffer.clear', event_id: 'early' });
    const early = await c.waitForType('error');
    expect(early.error).toMatchObject({ event_id: 'early' });
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
    });
    c.send({ type: 'response.create' });
    const done = await c.waitForType('response.done');
    c.send({ type: 'output_audio_buffer.clear' });
    const cleared = await c.waitForType('output_audio_buffer.cleared');
    expect(cleared.response_id).toBe((done.response as { id: string }).id);
    c.ws.terminate();
  });

  it('system and assistant items join the history in order, each after the previous item', async () => {
    const c = await connect();
    const item = (role: string, type: string, text: string) => ({
      type: 'conversation.item.create',
      item: { type: 'message', role, content: [{ type, text }] },
    });
    c.send(item('system', 'input_text', 'You speak French.'));
    c.send(item('assistant', 'output_text', 'Bonjour !'));
    c.send(item('user', 'input_text', 'Salut'));
    await roundTrip(c);
    const added = c.messages.filter((m) => m.type === 'conversation.item.added');
    expect(added.map((m) => (m.item as { role: string }).role)).toEqual(['system', 'assistant', 'user']);
    const ids = added.map((m) => (m.item as { id: string }).id);
    expect(added.map((m) => m.previous_item_id).slice(1)).toEqual(ids.slice(0, 2));
    expect(
      c.messages.filter((m) => m.type === 'error' && (m.error as { event_id?: string }).event_id !== 'sync'),
    ).toEqual([]);
    expect(model?.sent.filter((i) => i.type === 'text')).toEqual([
      { type: 'text', text: 'You speak French.', role: 'system' },
      { type: 'text', text: 'Bonjour !', role: 'assistant' },
      { type: 'text', text: 'Salut', role: 'user' },
    ]);
    expect(model?.callsOf('createResponse')).toEqual([]);
    c.send({
      ...item('user', 'input_text', 'later'),
      previous_item_id: ids[0],
      event_id: 'back',
    });
    const refused = await c.waitFor(
      (m) => m.type === 'error' && (m.error as { event_id?: string }).event_id === 'back',
    );
    expect(refused.error).toMatchObject({ param: 'previous_item_id' });
    c.ws.terminate();
  });

  it('response.create honours instructions, text-only output, metadata and out-of-band answers', async () => {
    const c = await connect();
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
    });
    c.send({
      type: 'response.create',
      response: {
        instructions: 'Summarise the call.',
        output_modalities: ['text'],
        metadata: { purpose: 'summary' },
        conversation: 'none',
      },
    });
    const done = await c.waitForType('response.done');
    expect(model?.callsOf('createResponse').at(-1)?.options).toEqual({
      instructions: 'Summarise the call.',
      modalities: ['text'],
      conversation: 'none',
    });
    expect(done.response).toMatchObject({ output_modalities: ['text'], metadata: { purpose: 'summary' } });
    expect(done.response).not.toHaveProperty('conversation_id');
    const types = c.messages.map((m) => m.type);
    expect(types).toContain('response.output_text.done');
    expect(types).not.toContain('response.output_audio.delta');
    // Out of band: the answer is response output only, never a conversation item.
    const assistantItems = c.messages.filter(
      (m) => m.type === 'conversation.item.added' && (m.item as { role?: string }).role === 'assistant',
    );
    expect(assistantItems).toEqual([]);
    c.send({ type: 'response.create', event_id: 'with_prompt', response: { prompt: { id: 'pmpt_1' } } });
    const refused = await c.waitFor(
      (m) => m.type === 'error' && (m.error as { event_id?: string }).event_id === 'with_prompt',
    );
    expect(refused.error).toMatchObject({ code: 'unsupported_parameter', param: 'response.prompt' });
    c.ws.terminate();
  });

  it('idle_timeout_ms: silence after a response commits an empty turn and asks for an answer (simulated clock)', async () => {
    const clock = new TestClock();
    const c = await connect(clock);
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 6000 } } },
      },
    });
    await c.waitForType('session.updated');
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
    });
    c.send({ type: 'response.create' });
    await c.waitForType('response.done');
    c.send({ type: 'input_audio_buffer.append', audio: pcm(500) });
    await roundTrip(c);
    clock.increment(5999);
    await roundTrip(c);
    expect(types(c)).not.toContain('input_audio_buffer.timeout_triggered');
    const from = c.messages.length;
    clock.increment(1);
    const triggered = await c.waitFor((m) => m.type === 'input_audio_buffer.timeout_triggered', 5000, from);
    expect(triggered).toMatchObject({ audio_start_ms: 0, audio_end_ms: 500 });
    const committed = await c.waitFor((m) => m.type === 'input_audio_buffer.committed', 5000, from);
    expect(committed.item_id).toBe(triggered.item_id);
    await c.waitFor((m) => m.type === 'response.created', 5000, from);
    c.ws.terminate();
  });
});

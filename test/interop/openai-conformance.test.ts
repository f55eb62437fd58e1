import type { ScriptedModel } from '@chorus/core/testing';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { chorusAssistant } from './chorus-assistant.fixture.js';
import { type Frame, RawRealtimeClient } from './support/raw-realtime-client.js';
import { typecheckAgainstSdk } from './support/sdk-typecheck.js';

let server: ChorusServer | undefined;
let client: RawRealtimeClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
});

const KEY = 'sk-conformance';
/** 100 ms of 24 kHz PCM16 silence. */
const AUDIO_100MS = Buffer.alloc(4800).toString('base64');

async function start(): Promise<{ client: RawRealtimeClient; model: () => ScriptedModel }> {
  let model: ScriptedModel | undefined;
  server = createChorusServer({
    rooms: { assistant: () => chorusAssistant((m) => (model = m)) },
    auth: { apiKeys: [KEY] },
    logger: pino({ level: 'silent' }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  client = await RawRealtimeClient.connect(`ws://127.0.0.1:${port}/v1/realtime?model=assistant`, {
    headers: { Authorization: `Bearer ${KEY}` },
  });
  await client.waitFor('session.created');
  return {
    client,
    model: () => {
      if (!model) throw new Error('the agent has not started');
      return model;
    },
  };
}

function userText(text: string, eventId?: string): Record<string, unknown> {
  return {
    type: 'conversation.item.create',
    ...(eventId ? { event_id: eventId } : {}),
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  };
}

const errorsOf = (frames: readonly Frame[]) =>
  frames.filter((f) => f.type === 'error').map((f) => f.error as { code: string; event_id: string | null });

describe('/v1/realtime conformance with the official openai SDK types (openai 7.60)', () => {
  it('every frame of a varied session type-checks as RealtimeServerEvent', async () => {
    const { client: c, model } = await start();
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'Be brief.',
        tools: [
          {
            type: 'function',
            name: 'lookup_order',
            description: 'Find an order',
            parameters: { type: 'object', properties: { order_id: { type: 'string' } } },
          },
          // Named like the agent's own tool: it stays the agent's, and runs once.
          { type: 'function', name: 'get_weather', description: 'The client has one too' },
        ],
      },
    });
    await c.waitFor('session.updated');

    // A text turn: the item is added, then only response.create starts a response.
    let from = c.frames.length;
    c.send(userText('Hello there', 'evt_text'));
    c.send({ type: 'response.create', event_id: 'evt_response_1' });
    await c.waitFor('response.done', from);

    // A tool the Chorus agent runs itself, then its answer.
    from = c.frames.length;
    c.send(userText('What is the weather in Paris?'));
    c.send({ type: 'response.create' });
    await c.waitFor((f) => f.type === 'response.done' && c.all('response.done', from).length >= 2, from);

    // The agent's tool, also declared by the client: one call, run on the server, never the client's.
    const weatherCalls = c
      .all('conversation.item.done', from)
      .filter((f) => (f.item as { type: string }).type === 'function_call');
    expect(weatherCalls).toHaveLength(1);
    expect(
      c.all('response.output_item.done', from).map((f) => (f.item as { type: string }).type),
    ).not.toContain('function_call');
    expect(
      c
        .all('conversation.item.done', from)
        .filter((f) => (f.item as { type: string }).type === 'function_call_output'),
    ).toHaveLength(1);

    // A tool the client runs: the call is response output; the turn waits for the client's result.
    from = c.frames.length;
    c.send(userText('Where is my order?'));
    c.send({ type: 'response.create' });
    const call = await c.waitFor(
      (f) => f.type === 'response.output_item.done' && (f.item as { type: string }).type === 'function_call',
      from,
    );
    await c.waitFor('response.done', from);
    expect(c.all('response.function_call_arguments.delta', from)).toHaveLength(1);
    const item = call.item as { call_id: string; name: string; arguments: string };
    expect(item).toMatchObject({ name: 'lookup_order', arguments: '{"order_id":"A17"}' });
    from = c.frames.length;
    c.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: item.call_id, output: '{"status":"shipped"}' },
    });
    c.send({ type: 'response.create' });
    const answer = await c.waitFor('response.output_audio_transcript.done', from);
    expect(answer.transcript).toBe('Your order A17 has shipped.');
    await c.waitFor('response.done', from);
    expect(c.all('conversation.item.added', from).map((f) => (f.item as { type: string }).type)).toEqual([
      'function_call_output',
      'message',
    ]);

    // Server VAD: the user speaks, the agent answers by itself; the client cancels and truncates.
    from = c.frames.length;
    model().speak('tell me a story', 200);
    const delta = await c.waitFor('response.output_audio.delta', from);
    c.send({ type: 'response.cancel' });
    c.send({
      type: 'conversation.item.truncate',
      item_id: delta.item_id,
      content_index: 0,
      audio_end_ms: 20,
    });
    await c.waitFor('response.done', from);
    await c.waitFor('conversation.item.truncated', from);
    c.send({ type: 'conversation.item.retrieve', item_id: delta.item_id });
    await c.waitFor('conversation.item.retrieved', from);

    // Manual turns: turn detection off, audio committed by the client.
    from = c.frames.length;
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    await c.waitFor('session.updated', from);
    c.send({ type: 'input_audio_buffer.append', audio: AUDIO_100MS });
    c.send({ type: 'input_audio_buffer.commit' });
    c.send({ type: 'response.create' });
    await c.waitFor('response.done', from);
    c.send({ type: 'input_audio_buffer.append', audio: AUDIO_100MS });
    c.send({ type: 'input_audio_buffer.clear' });
    await c.waitFor('input_audio_buffer.cleared', from);

    // Text-only output.
    from = c.frames.length;
    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    await c.waitFor('session.updated', from);
    c.send(userText('Write it down'));
    c.send({ type: 'response.create' });
    await c.waitFor('response.done', from);

    // The agent's provider reports its rate limits; clients see rate_limits.updated.
    from = c.frames.length;
    model().emit({
      type: 'model_rate_limits_updated',
      rate_limits: [{ name: 'requests', limit: 100, remaining: 99, reset_seconds: 1 }],
    });
    const limits = await c.waitFor('rate_limits.updated', from);
    expect(limits.rate_limits).toEqual([{ name: 'requests', limit: 100, remaining: 99, reset_seconds: 1 }]);

    // Out of band, with its own input, tools and tool choice: response output, no conversation items.
    from = c.frames.length;
    c.send({
      type: 'response.create',
      response: {
        conversation: 'none',
        metadata: { purpose: 'summary' },
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Summarise.' }] }],
        tools: [{ type: 'function', name: 'note', parameters: { type: 'object', properties: {} } }],
        tool_choice: 'none',
      },
    });
    const outOfBand = await c.waitFor('response.done', from);
    expect(outOfBand.response).toMatchObject({ metadata: { purpose: 'summary' } });
    expect(c.all('conversation.item.added', from)).toEqual([]);

    // Errors the service would send too.
    from = c.frames.length;
    c.send({
      type: 'session.update',
      event_id: 'evt_transcription',
      session: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } },
    });
    c.send({ type: 'input_audio_buffer.commit', event_id: 'evt_empty_commit' });
    c.send({ type: 'conversation.item.retrieve', item_id: 'item_missing', event_id: 'evt_missing' });
    c.send({ type: 'response.cancel', event_id: 'evt_cancel_idle' });
    c.send({ type: 'no.such.event', event_id: 'evt_unknown' });
    await c.waitFor(
      (f) => f.type === 'error' && (f.error as { event_id?: string }).event_id === 'evt_unknown',
      from,
    );

    const provoked = new Set([
      'evt_empty_commit',
      'evt_missing',
      'evt_cancel_idle',
      'evt_unknown',
      'evt_transcription',
    ]);
    const unexpected = errorsOf(c.frames).filter((e) => !provoked.has(e.event_id ?? ''));
    expect(unexpected).toEqual([]);

    const types = new Set(c.frames.map((f) => f.type));
    expect(types.size).toBeGreaterThan(20);
    const errors = await typecheckAgainstSdk('RealtimeServerEvent', c.frames);
    expect(errors.map((e) => `${(e.frame as Frame | undefined)?.type}: ${e.message}`)).toEqual([]);
  }, 120_000);
});

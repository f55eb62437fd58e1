import net from 'node:net';
import { parseOpenAIServerEvent } from '@chorus/protocol/openai';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { chorusAssistant } from './chorus-assistant.fixture.js';

let server: ChorusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function startGateway() {
  server = createChorusServer({
    rooms: { assistant: chorusAssistant },
    auth: { apiKeys: ['sk-test-dummy'] },
    logger: pino({ level: 'silent' }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return port;
}

function connect(port: number, model = 'assistant') {
  const client = new OpenAI({ apiKey: 'sk-test-dummy', baseURL: `http://127.0.0.1:${port}/v1` });
  // The client forces wss:; a plain TCP connection reaches the local server.
  const rt = new OpenAIRealtimeWS(
    { model, options: { createConnection: () => net.connect({ host: '127.0.0.1', port }) } },
    client,
  );
  const events: Record<string, unknown>[] = [];
  rt.on('event', (event) => events.push(event as unknown as Record<string, unknown>));
  rt.on('error', () => {});
  const opened = new Promise<void>((resolve, reject) => {
    rt.socket.once('open', () => resolve());
    rt.socket.once('error', reject);
  });
  const waitFor = (type: string, from = 0, timeoutMs = 5000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = events.slice(from).find((e) => e.type === type);
      if (found) return resolve(found);
      const timer = setTimeout(
        () => reject(new Error(`no ${type}; got ${events.map((e) => e.type).join(',')}`)),
        timeoutMs,
      );
      const listener = (event: { type: string }) => {
        if (event.type !== type) return;
        clearTimeout(timer);
        rt.off('event', listener);
        resolve(event as unknown as Record<string, unknown>);
      };
      rt.on('event', listener);
    });
  return { rt, events, opened, waitFor };
}

describe('openai npm client (OpenAIRealtimeWS) against /v1/realtime', () => {
  it('holds a conversation: text in, tool call run by the Chorus agent, transcript and audio out', async () => {
    const port = await startGateway();
    const { rt, events, opened, waitFor } = connect(port);
    await opened;
    const created = await waitFor('session.created');
    expect(created.session).toMatchObject({
      type: 'realtime',
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 } } },
    });
    rt.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.' } });
    const updated = await waitFor('session.updated');
    expect(updated.session).toMatchObject({
      instructions: 'Be brief.',
      audio: { output: { voice: 'alloy' } },
    });
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'What is the weather in Paris?' }],
      },
    });
    rt.send({ type: 'response.create', event_id: 'evt_create_1' });
    // The agent calls its tool, then answers with the result: two responses, both completed.
    const transcript = await waitFor('response.output_audio_transcript.done');
    expect(transcript.transcript).toBe('It is 21 degrees in Paris.');
    const done = events.filter((e) => e.type === 'response.done') as { response: { status: string } }[];
    expect(done.map((e) => e.response.status)).toEqual(['completed', 'completed']);
    const types = events.map((e) => e.type);
    expect(types).toContain('response.created');
    // 120 ms of reply audio in 20 ms chunks.
    expect(types.filter((t) => t === 'response.output_audio.delta')).toHaveLength(6);
    const toolItems = events
      .filter((e) => e.type === 'conversation.item.done')
      .map((e) => (e.item as { type: string }).type);
    expect(toolItems).toEqual(expect.arrayContaining(['function_call', 'function_call_output']));
    const output = events.find(
      (e) =>
        e.type === 'conversation.item.done' && (e.item as { type: string }).type === 'function_call_output',
    );
    expect(output?.item).toMatchObject({ call_id: 'call_1', output: '{"city":"Paris","temp_c":21}' });
    // Every server event is a valid GA event with an event_id.
    for (const event of events) {
      expect(typeof event.event_id).toBe('string');
      const parsed = parseOpenAIServerEvent(event);
      expect(parsed.ok && !parsed.unknown, `${String(event.type)}: ${JSON.stringify(parsed)}`).toBe(true);
    }
    rt.close();
  });

  it('interrupts: truncate maps to the agent’s barge-in and response.done says cancelled', async () => {
    const port = await startGateway();
    const { rt, events, opened, waitFor } = connect(port);
    await opened;
    await waitFor('session.created');
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Tell me a long story' }],
      },
    });
    rt.send({ type: 'response.create' });
    const delta = await waitFor('response.output_audio.delta');
    rt.send({ type: 'response.cancel' });
    rt.send({
      type: 'conversation.item.truncate',
      item_id: delta.item_id as string,
      content_index: 0,
      audio_end_ms: 20,
    });
    const done = (await waitFor('response.done')) as { response: { status: string } };
    expect(done.response.status).toBe('cancelled');
    const truncated = await waitFor('conversation.item.truncated');
    expect(truncated).toMatchObject({ item_id: delta.item_id, audio_end_ms: 20 });
    rt.send({ type: 'conversation.item.retrieve', item_id: delta.item_id as string });
    const retrieved = await waitFor('conversation.item.retrieved');
    expect(retrieved.item).toMatchObject({ id: delta.item_id, role: 'assistant' });
    // A second response after the interruption works.
    const from = events.length;
    rt.send({ type: 'response.create' });
    const second = (await waitFor('response.done', from)) as { response: { status: string } };
    expect(second.response.status).toBe('completed');
    rt.close();
  });

  it('answers bad events with error echoing event_id, and accepts beta names', async () => {
    const port = await startGateway();
    const { rt, opened, waitFor, events } = connect(port);
    await opened;
    await waitFor('session.created');
    rt.socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: '***', event_id: 'bad1' }));
    const error = (await waitFor('error')) as { error: { event_id: string; param: string } };
    expect(error.error).toMatchObject({ event_id: 'bad1', param: 'audio' });
    const from = events.length;
    rt.socket.send(
      JSON.stringify({ type: 'session.update', session: { modalities: ['text'], voice: 'verse' } }),
    );
    const updated = (await waitFor('session.updated', from)) as { session: Record<string, unknown> };
    expect(updated.session).toMatchObject({ voice: 'verse' });
    rt.close();
  });
});

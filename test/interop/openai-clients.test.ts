import net from 'node:net';
import type { ScriptedModel } from '@chorus/core/testing';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession, tool } from '@openai/agents-realtime';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chorusAssistant } from './chorus-assistant.fixture.js';
import { BusySibling } from './support/busy-sibling.js';

// The official clients against /v1/realtime, end to end, each asserting that no `error` arrives:
// once on a quiet machine and once beside a sibling process that keeps a core busy, so a race that
// timing hides (an item starting a response before response.create, say) cannot pass by luck.

const KEY = 'sk-interop';
let server: ChorusServer | undefined;
let model: ScriptedModel | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  model = undefined;
});

async function startGateway(): Promise<number> {
  server = createChorusServer({
    rooms: { assistant: () => chorusAssistant((m) => (model = m)) },
    auth: { apiKeys: [KEY] },
    logger: pino({ level: 'silent' }),
  });
  return (await server.listen(0, '127.0.0.1')).port;
}

/** Resolves when `test` holds for an event the emitter delivers (or already delivered). */
function waitForEvent<T>(
  events: readonly T[],
  subscribe: (listener: (event: T) => void) => () => void,
  test: (event: T) => boolean,
  label: string,
  timeoutMs = 15_000,
): Promise<T> {
  const seen = events.find(test);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${label}`));
    }, timeoutMs);
    const off = subscribe((event) => {
      if (!test(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

type Raw = { type: string } & Record<string, unknown>;

async function agentsRealtimeSession(): Promise<void> {
  const port = await startGateway();
  let lookups = 0;
  const lookupOrder = tool({
    name: 'lookup_order',
    description: 'Find an order',
    parameters: z.object({ order_id: z.string() }),
    execute: async ({ order_id }) => {
      lookups++;
      return `order ${order_id} shipped`;
    },
  });
  const session = new RealtimeSession(
    new RealtimeAgent({ name: 'client-side', instructions: 'Be brief.', tools: [lookupOrder] }),
    { transport: new OpenAIRealtimeWebSocket({ url: `ws://127.0.0.1:${port}/v1/realtime` }) },
  );
  const errors: unknown[] = [];
  session.on('error', (e) => errors.push(e));
  const raw: Raw[] = [];
  const listeners = new Set<(event: Raw) => void>();
  session.on('transport_event', (event) => {
    const e = event as unknown as Raw;
    raw.push(e);
    for (const listener of listeners) listener(e);
  });
  const on = (listener: (event: Raw) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const doneCount = (n: number) => (e: Raw) =>
    e.type === 'response.done' && raw.filter((x) => x.type === 'response.done').length >= n;
  let audioBytes = 0;
  session.on('audio', (event) => {
    audioBytes += event.data.byteLength;
  });
  await session.connect({ apiKey: KEY });

  // Text: the item, then the SDK's own response.create, and one answer.
  session.sendMessage('Hello there');
  await waitForEvent(raw, on, doneCount(1), 'the first answer');
  expect(audioBytes).toBeGreaterThan(0);

  // A tool the client declared with tool(): the SDK runs it and asks for the answer.
  session.sendMessage('Where is my order?');
  await waitForEvent(
    raw,
    on,
    (e) => e.type === 'response.output_audio_transcript.done' && String(e.transcript).includes('shipped'),
    'the answer after the client tool',
  );
  expect(lookups).toBe(1);

  // Audio: a server VAD turn the agent's model hears, committed as a user item, then answered.
  const before = raw.filter((x) => x.type === 'response.done').length;
  session.sendAudio(new ArrayBuffer(4800));
  model?.speak('how are you', 200);
  await waitForEvent(raw, on, doneCount(before + 1), 'the spoken turn answered');
  expect(raw.some((e) => e.type === 'input_audio_buffer.committed')).toBe(true);

  // Interruption: cut a long answer after its first audio.
  const from = raw.length;
  session.sendMessage('Tell me a story');
  await waitForEvent(raw.slice(from), on, (e) => e.type === 'response.output_audio.delta', 'story audio');
  session.interrupt();
  await waitForEvent(
    raw.slice(from),
    on,
    (e) => e.type === 'response.done' && (e.response as { status: string }).status === 'cancelled',
    'the cancelled story',
  );

  // History: the SDK's own view of the conversation, in order.
  const messages = session.history
    .filter((item) => item.type === 'message')
    .map((item) => (item as { role: string }).role);
  expect(messages.slice(0, 2)).toEqual(['user', 'assistant']);
  expect(session.history.some((item) => item.type === 'function_call')).toBe(true);
  expect(raw.filter((e) => e.type === 'error')).toEqual([]);
  expect(errors).toEqual([]);
  session.close();
}

async function openaiRealtimeWs(): Promise<void> {
  const port = await startGateway();
  const client = new OpenAI({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v1` });
  const rt = new OpenAIRealtimeWS(
    { model: 'assistant', options: { createConnection: () => net.connect({ host: '127.0.0.1', port }) } },
    client,
  );
  const events: Raw[] = [];
  const listeners = new Set<(event: Raw) => void>();
  rt.on('event', (event) => {
    const e = event as unknown as Raw;
    events.push(e);
    for (const listener of listeners) listener(e);
  });
  const on = (listener: (event: Raw) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const socketErrors: unknown[] = [];
  rt.on('error', (e) => socketErrors.push(e));
  await waitForEvent(events, on, (e) => e.type === 'session.created', 'session.created');
  rt.send({
    type: 'session.update',
    session: {
      type: 'realtime',
      tools: [{ type: 'function', name: 'lookup_order', parameters: { type: 'object', properties: {} } }],
    },
  });
  const say = (text: string) => {
    rt.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    rt.send({ type: 'response.create' });
  };
  const doneAfter = (from: number) => (e: Raw) => e.type === 'response.done' && events.indexOf(e) >= from;
  let from = events.length;
  say('What is the weather in Paris?');
  await waitForEvent(
    events,
    on,
    (e) => e.type === 'response.output_audio_transcript.done' && String(e.transcript).includes('21 degrees'),
    'the weather answer',
  );
  from = events.length;
  say('Where is my order?');
  const call = await waitForEvent(
    events,
    on,
    (e) => e.type === 'response.output_item.done' && (e.item as { type: string }).type === 'function_call',
    'the client tool call',
  );
  await waitForEvent(events, on, doneAfter(from), 'the call response done');
  from = events.length;
  rt.send({
    type: 'conversation.item.create',
    item: {
      type: 'function_call_output',
      call_id: (call.item as { call_id: string }).call_id,
      output: 'shipped',
    },
  });
  rt.send({ type: 'response.create' });
  await waitForEvent(events, on, doneAfter(from), 'the answer to the tool output');
  from = events.length;
  say('Tell me a story');
  await waitForEvent(
    events,
    on,
    (e) => e.type === 'response.output_audio.delta' && events.indexOf(e) >= from,
    'story',
  );
  rt.send({ type: 'response.cancel' });
  const cancelled = await waitForEvent(events, on, doneAfter(from), 'the cancelled story');
  expect((cancelled.response as { status: string }).status).toBe('cancelled');
  expect(events.filter((e) => e.type === 'error')).toEqual([]);
  expect(socketErrors).toEqual([]);
  rt.close();
}

for (const loaded of [false, true]) {
  describe(`official OpenAI clients against /v1/realtime${loaded ? ' beside a busy sibling process' : ''}`, () => {
    const sibling = new BusySibling();
    beforeAll(() => {
      if (loaded) sibling.start();
    });
    afterAll(() => sibling.stop());

    it('@openai/agents-realtime RealtimeSession: text, client tool(), audio, interruption, history, no error', async () => {
      await agentsRealtimeSession();
    }, 60_000);

    it('openai OpenAIRealtimeWS: server tool, client tool, cancel, no error', async () => {
      await openaiRealtimeWs();
    }, 60_000);
  });
}

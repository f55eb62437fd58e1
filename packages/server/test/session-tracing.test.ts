import { RealtimeAgent, tool } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { TestClient } from './client.fixture.js';
import { memoryTracing, ms, SpanTree } from './span-tree.fixture.js';

// A private session's turns as traces: one per turn, from the gateway receiving the input to the
// agent's replies, their model requests (timed by the agent's own clock), tools and first audio.

const FIRST_AUDIO_MS = 250;
let server: ChorusServer | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server?.close();
  server = undefined;
});

async function start() {
  const clock = new TestClock();
  const tracing = memoryTracing();
  server = createChorusServer({
    clock,
    tracerProvider: tracing.provider,
    env: {},
    rooms: {
      assistant: () => {
        const model = new ScriptedModel({
          clock,
          chunkMs: 20,
          script: [
            {
              match: /weather/i,
              reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], delayMs: 100 },
              once: true,
            },
          ],
          fallback: { text: 'It is sunny.', audioMs: 100, delayMs: FIRST_AUDIO_MS },
        });
        return new RealtimeAgent({
          name: 'assistant',
          instructions: 'Answer about the weather.',
          model,
          clock,
          tools: [
            tool({
              name: 'get_weather',
              description: 'The weather in a city',
              parameters: z.object({ city: z.string() }),
              execute: async () => 'sunny',
            }),
          ],
        });
      },
    },
    auth: { apiKeys: ['k'] },
    logger: pino({ level: 'silent' }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { clock, exporter: tracing.exporter, base: `ws://127.0.0.1:${port}` };
}

function connect(url: string): TestClient {
  const c = new TestClient(url, { headers: { Authorization: 'Bearer k' } });
  clients.push(c);
  return c;
}

/** Advances the simulated clock in 20 ms steps until `done`, letting sockets deliver between steps. */
async function advanceUntil(clock: TestClock, done: () => boolean): Promise<void> {
  await vi.waitFor(
    () => {
      if (!done()) {
        clock.increment(20);
        throw new Error('not yet');
      }
    },
    { timeout: 5000, interval: 5 },
  );
}

const count = (c: TestClient, type: string) => c.messages.filter((m) => m.type === type).length;

/** Spans end a microtask after the event that ends them. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** What every turn trace of one agent's private session must look like. */
function expectTurn(tree: SpanTree, replies: number, session: string) {
  expect(tree.roots.map((s) => s.name)).toEqual(['chorus.gateway.receive']);
  const receive = tree.one('chorus.gateway.receive');
  expect(receive.attributes).toMatchObject({ 'chorus.room': 'assistant', 'chorus.session': session });
  const responses = tree.childrenOf(receive, 'chorus.agent.response');
  expect(responses).toHaveLength(replies);
  for (const response of responses) {
    expect(response.attributes).toMatchObject({
      'chorus.agent': 'assistant',
      'chorus.model.provider': 'scripted',
      'chorus.session': session,
      'chorus.status': 'completed',
    });
    const [request] = tree.childrenOf(response, 'chorus.model.request');
    expect(request?.attributes).toMatchObject({ 'chorus.model.provider': 'scripted' });
    expect(ms(receive.startTime)).toBeLessThanOrEqual(ms((request as ReadableSpan).startTime));
  }
  return { receive, responses };
}

/** The spoken reply of a turn: its model request lasts what the agent measured, then its first audio leaves. */
function expectSpokenReply(tree: SpanTree, response: ReadableSpan, metrics: Record<string, unknown>) {
  const request = tree.childrenOf(response, 'chorus.model.request')[0] as ReadableSpan;
  const firstOut = tree.childrenOf(response, 'chorus.audio.first_out')[0] as ReadableSpan;
  expect(firstOut).toBeDefined();
  expect(metrics.time_to_first_audio_ms).toBe(FIRST_AUDIO_MS);
  expect(request.attributes).toMatchObject({
    'chorus.model.output': 'audio',
    'chorus.model.time_to_first_audio_ms': FIRST_AUDIO_MS,
  });
  expect(ms(request.endTime) - ms(request.startTime)).toBeCloseTo(FIRST_AUDIO_MS, 3);
  expect(ms(request.startTime)).toBeLessThanOrEqual(ms(firstOut.startTime));
  expect(ms(request.endTime)).toBeLessThanOrEqual(ms(firstOut.startTime));
}

describe('turn traces of a private session', () => {
  it.each([
    ['AgentScope dialect, JSON audio', { dialect: 'agentscope' }],
    ['Chorus dialect, binary audio', { dialect: 'chorus', binary_audio: true }],
  ])(
    'on /ws (%s): one trace per turn, with its tool call, model requests and first audio',
    async (_, config) => {
      const { clock, exporter, base } = await start();
      const c = connect(`${base}/ws/alice/s1`);
      await c.opened;
      c.send({ type: 'client_session_create', config });
      await c.waitForType('server_session_created');
      c.send({ type: 'client_text_append', text: "What's the weather in Paris?" });
      // The tool-calling reply, then the spoken one after the tool's result.
      await advanceUntil(clock, () => count(c, 'agent_turn_metrics') >= 2);
      c.send({ type: 'client_text_append', text: 'Thanks!' });
      await advanceUntil(clock, () => count(c, 'agent_turn_metrics') >= 3);
      await settled();

      const spans = exporter.getFinishedSpans();
      const receives = spans.filter((s) => s.name === 'chorus.gateway.receive');
      expect(receives.map((s) => s.attributes['chorus.event'])).toEqual([
        'client_text_append',
        'client_text_append',
      ]);
      expect(receives.every((s) => s.attributes['chorus.user'] === 'alice')).toBe(true);
      const [first, second] = receives.map((s) => new SpanTree(spans, s.spanContext().traceId));
      expect(first?.traceId).not.toBe(second?.traceId);
      // Every reply belongs to the turn that caused it: no reply is a trace of its own.
      expect(spans.filter((s) => s.name === 'chorus.agent.response' && !s.parentSpanContext)).toEqual([]);

      const metrics = c.messages.filter((m) => m.type === 'agent_turn_metrics');
      const turn1 = expectTurn(first as SpanTree, 2, 'session:alice/s1');
      const [asked, spoken] = turn1.responses;
      const tools = (first as SpanTree).childrenOf(asked as ReadableSpan, 'chorus.tool.call');
      expect(tools.map((s) => s.attributes)).toEqual([
        expect.objectContaining({ 'chorus.tool': 'get_weather', 'chorus.tool.error': false }),
      ]);
      expect(
        (first as SpanTree).childrenOf(asked as ReadableSpan, 'chorus.model.request')[0]?.attributes,
      ).toMatchObject({
        'chorus.model.output': 'none',
      });
      // The tool ran after the reply that asked for it and before the reply that used its result.
      expect(ms((tools[0] as ReadableSpan).endTime)).toBeLessThanOrEqual(
        ms((spoken as ReadableSpan).startTime),
      );
      expectSpokenReply(first as SpanTree, spoken as ReadableSpan, metrics[1] as Record<string, unknown>);

      const turn2 = expectTurn(second as SpanTree, 1, 'session:alice/s1');
      expectSpokenReply(
        second as SpanTree,
        turn2.responses[0] as ReadableSpan,
        metrics[2] as Record<string, unknown>,
      );
    },
  );
});

describe('turn traces of a /v1/realtime session', () => {
  it.each([
    ['GA', {}],
    ['beta', { 'OpenAI-Beta': 'realtime=v1' }],
  ])('%s: the response.create starts the turn; the item it answers starts none', async (_, headers) => {
    const { clock, exporter, base } = await start();
    const c = new TestClient(`${base}/v1/realtime?model=assistant`, {
      headers: { Authorization: 'Bearer k', ...headers },
    });
    clients.push(c);
    await c.opened;
    await c.waitForType('session.created');
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello there' }] },
    });
    c.send({ type: 'response.create' });
    await advanceUntil(clock, () => count(c, 'response.done') >= 1);
    await settled();

    const spans = exporter.getFinishedSpans();
    const receives = spans.filter((s) => s.name === 'chorus.gateway.receive');
    expect(receives.map((s) => s.attributes['chorus.event'])).toEqual(['client_response_create']);
    const tree = new SpanTree(spans, (receives[0] as ReadableSpan).spanContext().traceId);
    const session = (receives[0] as ReadableSpan).attributes['chorus.session'];
    expect(session).toMatch(/^session:openai-/);
    const { responses } = expectTurn(tree, 1, session as string);
    const request = tree.childrenOf(responses[0] as ReadableSpan, 'chorus.model.request')[0] as ReadableSpan;
    const firstOut = tree.childrenOf(
      responses[0] as ReadableSpan,
      'chorus.audio.first_out',
    )[0] as ReadableSpan;
    expect(ms(request.endTime) - ms(request.startTime)).toBeCloseTo(FIRST_AUDIO_MS, 3);
    expect(ms(request.endTime)).toBeLessThanOrEqual(ms(firstOut.startTime));
  });

  it('with turn detection off, the commit and the response.create that follows are one turn', async () => {
    const { clock, exporter, base } = await start();
    const c = connect(`${base}/v1/realtime?model=assistant`);
    await c.opened;
    await c.waitForType('session.created');
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    await c.waitForType('session.updated');
    // 200 ms of 24 kHz PCM16.
    c.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(9600).toString('base64') });
    c.send({ type: 'input_audio_buffer.commit' });
    c.send({ type: 'response.create' });
    await advanceUntil(clock, () => count(c, 'response.done') >= 1);
    await settled();

    const spans = exporter.getFinishedSpans();
    const roots = spans.filter((s) => !s.parentSpanContext);
    expect(roots.map((s) => [s.name, s.attributes['chorus.event']])).toEqual([
      ['chorus.gateway.receive', 'client_audio_commit'],
    ]);
    const tree = new SpanTree(spans, (roots[0] as ReadableSpan).spanContext().traceId);
    const root = roots[0] as ReadableSpan;
    expect(tree.childrenOf(root, 'chorus.gateway.receive').map((s) => s.attributes)).toEqual([
      expect.objectContaining({ 'chorus.event': 'client_response_create', 'chorus.turn.joined': true }),
    ]);
    expect(tree.childrenOf(root, 'chorus.agent.response').length).toBeGreaterThanOrEqual(1);
  });
});

import { RealtimeAgent, tool } from '@chorus/core';
import { ScriptedModel } from '@chorus/core/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { TestClient } from './client.fixture.js';

let server: ChorusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const models: ScriptedModel[] = [];

function weatherAgent() {
  const model = new ScriptedModel({
    script: [
      {
        match: /weather/i,
        reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
        once: true,
      },
      {
        match: (turn) => turn.toolResults.length > 0,
        reply: (turn) => ({ text: `It is ${turn.toolResults[0]?.output}` }),
      },
    ],
  });
  models.push(model);
  return new RealtimeAgent({
    name: 'assistant',
    instructions: 'Answer about the weather.',
    model,
    tools: [
      tool({
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => (city === 'Paris' ? 'sunny' : 'unknown'),
      }),
    ],
  });
}

describe('seed 001 flow with a RealtimeAgent on ScriptedModel', () => {
  it('text in, a tool call, transcript and audio out, attributed', async () => {
    server = createChorusServer({
      rooms: { assistant: weatherAgent },
      auth: { apiKeys: { k: 'alice' } },
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const c = new TestClient(`ws://127.0.0.1:${port}/ws/alice/seed`, {
      headers: { Authorization: 'Bearer k' },
    });
    await c.opened;
    c.send({ type: 'client_session_create', config: {} });
    await c.waitForType('server_session_created');
    c.send({ type: 'client_text_append', text: 'What is the weather in Paris?' });
    c.send({ type: 'client_response_create' });
    const toolResult = await c.waitForType('agent_response_tool_result', 10_000);
    expect(toolResult).toMatchObject({
      agent_name: 'assistant',
      tool_result: { name: 'get_weather', output: 'sunny', is_error: false },
    });
    const toolUse = c.messages.find((m) => m.type === 'agent_response_tool_use_done');
    expect(toolUse).toMatchObject({ tool_use: { name: 'get_weather', input: { city: 'Paris' } } });
    await c.waitFor(
      (m) => m.type === 'agent_response_audio_transcript_done' && /sunny/.test(String(m.transcript)),
      10_000,
    );
    const transcript = c.messages.find((m) => m.type === 'agent_response_audio_transcript_done');
    expect(transcript).toMatchObject({
      agent_id: 'assistant',
      agent_name: 'assistant',
      transcript: 'It is sunny',
    });
    expect(c.messages.filter((m) => m.type === 'agent_response_audio_delta').length).toBeGreaterThan(0);
    expect(c.messages.filter((m) => m.type === 'server_error')).toEqual([]);
    c.ws.terminate();
  });
});

describe('a client that does not wait for server_session_created', () => {
  it('has its first words kept while the room starts, then answered in order', async () => {
    server = createChorusServer({
      rooms: { assistant: weatherAgent },
      auth: { apiKeys: { k: 'alice' } },
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const c = new TestClient(`ws://127.0.0.1:${port}/ws/alice/pipelined`, {
      headers: { Authorization: 'Bearer k' },
    });
    await c.opened;
    c.send({ type: 'client_session_create', config: {} });
    c.send({ type: 'client_text_append', text: 'What is the weather in Paris?' });
    c.send({ type: 'client_response_create' });
    const result = await c.waitForType('agent_response_tool_result', 10_000);
    expect(result).toMatchObject({ tool_result: { name: 'get_weather', output: 'sunny' } });
    expect(c.messages[0]?.type).toBe('server_session_created');
    expect(c.messages.filter((m) => m.type === 'server_error')).toEqual([]);
    c.ws.terminate();
  });

  it('is told how many events were not delivered when the session cannot start', async () => {
    server = createChorusServer({
      rooms: { assistant: weatherAgent },
      auth: { apiKeys: { k: 'alice' } },
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const c = new TestClient(`ws://127.0.0.1:${port}/ws/alice/nowhere`, {
      headers: { Authorization: 'Bearer k' },
    });
    await c.opened;
    c.send({ type: 'client_session_create', config: { room: 'nowhere' } });
    c.send({ type: 'client_text_append', text: 'hello?' });
    await c.waitFor((m) => m.type === 'agent_error' && m.code === 'no_session');
    // By default each error goes both ways: server_error for Chorus clients, agent_error from the
    // `gateway` agent for AgentScope pages (which handle no other error event).
    expect(c.messages.map((m) => [m.type, m.code, m.agent_id])).toEqual([
      ['server_error', 'unknown_room', undefined],
      ['agent_error', 'unknown_room', 'gateway'],
      ['server_error', 'no_session', undefined],
      ['agent_error', 'no_session', 'gateway'],
    ]);
    expect(String(c.messages[2]?.message)).toContain('1 event(s)');
    c.ws.terminate();
  });

  it('sends errors in the dialect the client asked for', async () => {
    server = createChorusServer({
      rooms: { assistant: weatherAgent },
      auth: { apiKeys: { k: 'alice' } },
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    for (const [dialect, types] of [
      ['chorus', ['server_error']],
      ['agentscope', ['agent_error']],
    ] as const) {
      const c = new TestClient(`ws://127.0.0.1:${port}/ws/alice/${dialect}`, {
        headers: { Authorization: 'Bearer k' },
      });
      await c.opened;
      c.send({ type: 'client_session_create', config: { dialect } });
      await c.waitForType('server_session_created');
      const from = c.messages.length;
      c.send({ type: 'client_text_append', text: 7, event_id: 'e7' });
      c.send({ type: 'client_response_cancel' });
      await c.waitFor((m) => m.code === 'response_cancel_not_active', 5000, from);
      const errors = c.messages.slice(from).filter((m) => /error/.test(String(m.type)));
      expect(errors.map((m) => [m.type, m.code])).toEqual([
        [types[0], 'invalid_event'],
        // The agent's own error is an agent_error in every dialect.
        ['agent_error', 'response_cancel_not_active'],
      ]);
      expect(errors[0]).toMatchObject({ path: 'text', event_id: 'e7' });
      c.ws.terminate();
    }
  });
});

describe('session settings reach the agent', () => {
  async function start() {
    models.length = 0;
    server = createChorusServer({
      rooms: { assistant: weatherAgent, lobby: weatherAgent },
      auth: { apiKeys: { k: 'alice' } },
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    return port;
  }

  it('a private session applies the seed frontend config instructions to its agent', async () => {
    const port = await start();
    const c = new TestClient(`ws://127.0.0.1:${port}/ws/alice/s1`, {
      headers: { Authorization: 'Bearer k' },
    });
    await c.opened;
    c.send({
      type: 'client_session_create',
      config: { instructions: 'You are a helpful assistant.', user_name: 'User1', voice: 'Cherry' },
    });
    await c.waitForType('server_session_created');
    const updated = await c.waitForType('server_session_updated');
    expect(updated).toMatchObject({ applied: ['instructions', 'voice'], not_applied: [] });
    // Applied before the agent connected: its model opens with them, no update needed.
    expect(models[0]?.currentSession).toMatchObject({
      instructions: 'You are a helpful assistant.',
      voice: 'Cherry',
    });
    expect(models[0]?.callsOf('updateSession')).toEqual([]);
    c.ws.terminate();
  });

  it('a session opens with what the room looks like now: each agent ready, with its state', async () => {
    const port = await start();
    const first = new TestClient(`ws://127.0.0.1:${port}/ws/alice/s3`, {
      headers: { Authorization: 'Bearer k' },
    });
    await first.opened;
    first.send({ type: 'client_session_create', config: { room: 'lobby' } });
    await first.waitForType('server_session_created');
    const late = new TestClient(`ws://127.0.0.1:${port}/ws/alice/s4`, {
      headers: { Authorization: 'Bearer k' },
    });
    await late.opened;
    late.send({ type: 'client_session_create', config: { room: 'lobby' } });
    await late.waitForType('agent_state_changed');
    for (const c of [first, late]) {
      expect(c.messages.slice(0, 3).map((m) => [m.type, m.agent_name ?? null, m.state ?? null])).toEqual([
        ['server_session_created', null, null],
        ['agent_ready', 'assistant', null],
        ['agent_state_changed', 'assistant', 'listening'],
      ]);
    }
    first.ws.terminate();
    late.ws.terminate();
  });

  it('a shared room keeps its agents settings and says so', async () => {
    const port = await start();
    const c = new TestClient(`ws://127.0.0.1:${port}/ws/alice/s2`, {
      headers: { Authorization: 'Bearer k' },
    });
    await c.opened;
    c.send({ type: 'client_session_create', config: { room: 'lobby', instructions: 'Be rude.' } });
    await c.waitForType('server_session_created');
    const updated = await c.waitForType('server_session_updated');
    expect(updated).toMatchObject({
      applied: [],
      not_applied: [{ field: 'instructions', reason: 'room "lobby" is shared: its agents serve everyone' }],
    });
    expect(models[0]?.callsOf('updateSession')).toEqual([]);
    c.ws.terminate();
  });

  it('an OpenAI session.update changes the instructions and voice of its private agent', async () => {
    const port = await start();
    const c = new TestClient(`ws://127.0.0.1:${port}/v1/realtime?model=assistant`, {
      headers: { Authorization: 'Bearer k' },
    });
    await c.opened;
    c.send({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'Speak French.', audio: { output: { voice: 'marin' } } },
    });
    await c.waitForType('session.updated');
    await waitUntil(() => (models[0]?.callsOf('updateSession').length ?? 0) > 0);
    expect(models[0]?.callsOf('updateSession').map((call) => call.patch)).toEqual([
      { instructions: 'Speak French.', voice: 'marin' },
    ]);
    c.ws.terminate();
  });
});

/** Polls a condition that settles through socket round trips (bounded; not a timing assertion). */
async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

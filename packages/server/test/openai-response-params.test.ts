import { RealtimeAgent, tool } from '@chorus/core';
import { ScriptedModel, type ScriptedReply, type ScriptTurn } from '@chorus/core/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { TestClient } from './client.fixture.js';

// `response.create{response}` as OpenAI honours it: `input` (the response's own context), `tools` and
// `tool_choice` (for that response only), and `conversation: "none"` (out of band: nothing of it
// joins the conversation, on the wire or in the agent's history).

let server: ChorusServer | undefined;
let model: ScriptedModel | undefined;
let agent: RealtimeAgent | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  model = undefined;
  agent = undefined;
});

async function connect(reply?: (turn: ScriptTurn) => ScriptedReply): Promise<TestClient> {
  server = createChorusServer({
    rooms: {
      assistant: () => {
        model = new ScriptedModel({
          chunkMs: 20,
          fallback: reply ?? ((turn) => ({ text: `Answer ${turn.index + 1}` })),
        });
        agent = new RealtimeAgent({
          name: 'assistant',
          instructions: 'Be brief.',
          model,
          tools: [
            tool({
              name: 'lookup',
              description: 'Looks a thing up.',
              parameters: z.object({ q: z.string() }),
              execute: ({ q }) => `found ${q}`,
            }),
          ],
        });
        return agent;
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

const userText = (text: string, id?: string) => ({
  type: 'conversation.item.create',
  item: { ...(id ? { id } : {}), type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
});

const errorFor = (c: TestClient, eventId: string) =>
  c.waitFor((m) => m.type === 'error' && (m.error as { event_id?: string }).event_id === eventId);

describe('/v1/realtime response.create parameters', () => {
  it('an out-of-band answer stays out of the agent history: a later in-band turn does not see it', async () => {
    const c = await connect();
    c.send(userText('Hi'));
    c.send({ type: 'response.create', response: { conversation: 'none', output_modalities: ['text'] } });
    await c.waitForType('response.done');
    // The out-of-band reply went out as response output...
    const oob = c.messages.find((m) => m.type === 'response.output_text.done');
    expect(oob?.text).toBe('Answer 1');
    const from = c.messages.length;
    c.send(userText('And now?'));
    c.send({ type: 'response.create' });
    await c.waitFor((m) => m.type === 'response.done', 5000, from);
    // ...but only the in-band turn is in the history the agent replays to its model.
    const history = (agent?.history ?? []).map((item) =>
      item.type === 'message' ? `${item.role}: ${item.text}` : item.type,
    );
    expect(history).toEqual(['user: Hi', 'user: And now?', 'assistant: Answer 2']);
    // On the wire, the out-of-band answer is no conversation item either.
    const assistantItems = c.messages.filter(
      (m) => m.type === 'conversation.item.added' && (m.item as { role?: string }).role === 'assistant',
    );
    expect(assistantItems).toHaveLength(1);
    expect(c.messages.filter((m) => m.type === 'error')).toEqual([]);
    c.ws.terminate();
  });

  it('input: items and item references become the response context, in order', async () => {
    const c = await connect();
    c.send(userText('The sky is blue.', 'item_fact'));
    await c.waitForType('conversation.item.done');
    c.send({
      type: 'response.create',
      response: {
        conversation: 'none',
        input: [
          { type: 'item_reference', id: 'item_fact' },
          { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Name the colour.' }] },
        ],
      },
    });
    await c.waitForType('response.done');
    expect(model?.callsOf('createResponse').at(-1)?.options).toEqual({
      conversation: 'none',
      input: [
        { type: 'message', id: 'input_0', role: 'user', text: 'The sky is blue.' },
        { type: 'message', id: 'input_1', role: 'system', text: 'Name the colour.' },
      ],
    });
    c.send({
      type: 'response.create',
      event_id: 'missing',
      response: { input: [{ type: 'item_reference', id: 'item_gone' }] },
    });
    const refused = await errorFor(c, 'missing');
    expect(refused.error).toMatchObject({ code: 'item_not_found', param: 'response.input[0].id' });
    c.ws.terminate();
  });

  it("tools and tool_choice: the client's tools for this response reach the model, and their calls reach the client", async () => {
    const c = await connect((turn) =>
      turn.index === 0
        ? { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] }
        : { text: 'Done.' },
    );
    c.send(userText('Weather?'));
    c.send({
      type: 'response.create',
      response: {
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            description: 'The weather in a city.',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
        tool_choice: { type: 'function', name: 'get_weather' },
      },
    });
    const done = await c.waitForType('response.done');
    const options = model?.callsOf('createResponse').at(-1)?.options;
    expect(options?.toolChoice).toEqual({ type: 'function', name: 'get_weather' });
    // The agent's own tool stays offered beside the client's for this response.
    expect(options?.tools?.map((t) => t.name)).toEqual(['lookup', 'get_weather']);
    // The call is the client's: response output with its arguments, and the agent runs nothing.
    const call = (done.response as { output: { type: string; name?: string; arguments?: string }[] })
      .output[0];
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Oslo"}' });
    expect(c.messages.map((m) => m.type)).toContain('response.function_call_arguments.done');
    expect(c.messages.filter((m) => m.type === 'error')).toEqual([]);
    c.send({
      type: 'response.create',
      event_id: 'mcp',
      response: { tools: [{ type: 'mcp', server_label: 'docs', server_url: 'https://example.com/mcp' }] },
    });
    const refused = await errorFor(c, 'mcp');
    expect(refused.error).toMatchObject({ code: 'unsupported_parameter', param: 'response.tools[0].type' });
    c.ws.terminate();
  });

  it('session.type "transcription" gets the error OpenAI gives on a realtime connection (param unverified), and the session goes on', async () => {
    const c = await connect();
    c.send({
      type: 'session.update',
      event_id: 'to_transcription',
      session: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } },
    });
    const refused = await errorFor(c, 'to_transcription');
    expect(refused.error).toEqual({
      type: 'invalid_request_error',
      code: 'invalid_parameter',
      message: 'Passing a transcription session update event to a realtime session is not allowed.',
      param: 'session.type',
      event_id: 'to_transcription',
    });
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Still here.' } });
    const updated = await c.waitForType('session.updated');
    expect(updated.session).toMatchObject({ type: 'realtime', instructions: 'Still here.' });
    c.ws.terminate();
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tool } from '../tools/tool.js';
import { advance, ofType, settle, startedAgent } from './test-helpers.fixture.js';

const weather = tool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: z.object({ city: z.string(), days: z.number().int().min(1).optional() }),
  execute: async ({ city }) => ({ city, sky: 'sunny' }),
});

function toolScript(calls: { name: string; arguments: Record<string, unknown> | string; id?: string }[]) {
  return {
    script: [
      { match: 'go', reply: { toolCalls: calls } },
      {
        match: (turn: { toolResults: readonly unknown[] }) => turn.toolResults.length > 0,
        reply: { text: 'Done.' },
      },
    ],
  };
}

describe('tools', () => {
  it('hands a tool and its approval check facts about the caller, never the agent', async () => {
    const seen: unknown[] = [];
    const probe = tool({
      name: 'probe',
      description: 'Records its context',
      parameters: z.object({}),
      needsApproval: (_args, context) => {
        seen.push(context.agent);
        return false;
      },
      execute: (_args, context) => {
        seen.push(context.agent);
        return 'ok';
      },
    });
    const { agent } = await startedAgent(toolScript([{ name: 'probe', arguments: {}, id: 'c1' }]), {
      id: 'ada-1',
      tools: [probe],
    });
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    // A plain object with exactly these facts: nothing to stop the agent or drive its session with.
    expect(seen).toEqual([
      { id: 'ada-1', name: 'Ada' },
      { id: 'ada-1', name: 'Ada' },
    ]);
    expect(seen.every((caller) => Object.getPrototypeOf(caller) === Object.prototype)).toBe(true);
    await agent.stop();
  });

  it('sends JSON Schema built from zod to the model', async () => {
    const { agent, model } = await startedAgent({}, { tools: [weather] });
    const [connect] = model.callsOf('connect');
    expect(connect?.session.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: {
          type: 'object',
          properties: {
            city: { type: 'string' },
            days: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
          },
          required: ['city'],
        },
      },
    ]);
    await agent.stop();
  });

  it('runs a tool, emits the result, sends it and asks for the follow-up', async () => {
    const { agent, model, clock, events } = await startedAgent(
      toolScript([{ name: 'get_weather', arguments: { city: 'Oslo' }, id: 'c1' }]),
      { tools: [weather] },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    expect(ofType(events, 'agent_response_tool_result')[0]?.tool_result).toEqual({
      type: 'tool_result',
      id: 'c1',
      name: 'get_weather',
      output: '{"city":"Oslo","sky":"sunny"}',
      is_error: false,
    });
    expect(model.sent.filter((input) => input.type === 'tool_result')).toEqual([
      {
        type: 'tool_result',
        callId: 'c1',
        name: 'get_weather',
        output: '{"city":"Oslo","sky":"sunny"}',
        isError: false,
      },
    ]);
    expect(model.callsOf('createResponse')).toHaveLength(2);
    await advance(clock, 100);
    expect(ofType(events, 'agent_response_audio_transcript_done').map((e) => e.transcript)).toEqual([
      'Done.',
    ]);
    expect(agent.history.map((item) => item.type)).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'message',
    ]);
    await agent.stop();
  });

  it('returns a zod validation failure to the model as an error naming the field', async () => {
    const { agent, model } = await startedAgent(
      toolScript([{ name: 'get_weather', arguments: { city: 42 }, id: 'c1' }]),
      { tools: [weather] },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    const [result] = model.sent.filter((input) => input.type === 'tool_result');
    expect(result).toMatchObject({ callId: 'c1', isError: true });
    expect(result?.type === 'tool_result' && result.output).toMatch(
      /^invalid arguments for get_weather: field "city": Invalid input: expected string, received number/,
    );
    await agent.stop();
  });

  it('reports malformed JSON arguments', async () => {
    const { agent, model } = await startedAgent(
      toolScript([{ name: 'get_weather', arguments: '{"city": ' }]),
      {
        tools: [weather],
      },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    const [result] = model.sent.filter((input) => input.type === 'tool_result');
    expect(result?.type === 'tool_result' && result.output).toMatch(
      /^invalid arguments for get_weather: not valid JSON/,
    );
    await agent.stop();
  });

  it('turns a throw into an error result', async () => {
    const broken = tool({
      name: 'broken',
      description: 'fails',
      parameters: z.object({}),
      execute: () => {
        throw new Error('database down');
      },
    });
    const { agent, events } = await startedAgent(toolScript([{ name: 'broken', arguments: {}, id: 'c1' }]), {
      tools: [broken],
    });
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    expect(ofType(events, 'agent_response_tool_result')[0]?.tool_result).toEqual({
      type: 'tool_result',
      id: 'c1',
      name: 'broken',
      output: 'broken failed: database down',
      is_error: true,
    });
    await agent.stop();
  });

  it('times a slow tool out on the clock and aborts it', async () => {
    let signal: AbortSignal | undefined;
    const slow = tool({
      name: 'slow',
      description: 'never returns',
      parameters: z.object({}),
      timeoutMs: 500,
      execute: (_args, context) => {
        signal = context.signal;
        return new Promise(() => {});
      },
    });
    const { agent, clock, events } = await startedAgent(
      toolScript([{ name: 'slow', arguments: {}, id: 'c1' }]),
      {
        tools: [slow],
      },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    expect(agent.state).toBe('runningTools');
    await advance(clock, 490);
    expect(ofType(events, 'agent_response_tool_result')).toHaveLength(0);
    await advance(clock, 10);
    expect(ofType(events, 'agent_response_tool_result')[0]?.tool_result).toMatchObject({
      output: 'slow timed out after 500 ms',
      is_error: true,
    });
    expect(signal?.aborted).toBe(true);
    await agent.stop();
  });

  it('aborts running tools when the response is interrupted', async () => {
    let signal: AbortSignal | undefined;
    const slow = tool({
      name: 'slow',
      description: 'slow',
      parameters: z.object({}),
      execute: (_args, context) => {
        signal = context.signal;
        return new Promise(() => {});
      },
    });
    const { agent, model } = await startedAgent(
      {
        script: [
          {
            match: 'go',
            reply: { text: 'Let me check that for you', toolCalls: [{ name: 'slow', id: 'c1' }] },
          },
        ],
      },
      { tools: [slow] },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    // Deliver the tool call while the response is still streaming, then barge in.
    model.emit({
      type: 'model_response_tool_use_done',
      response_id: 'resp_1',
      item_id: 'call_item',
      tool_use: { id: 'c1', name: 'slow', input: {}, raw_input: '{}' },
    });
    await settle();
    expect(signal?.aborted).toBe(false);
    model.startSpeaking();
    expect(signal?.aborted).toBe(true);
    await settle();
    expect(model.sent.filter((input) => input.type === 'tool_result')).toEqual([]);
    expect(agent.state).toBe('listening');
    await agent.stop();
  });

  it('a cancel while tools run reports each aborted call and tells the model without a new response', async () => {
    const signals: Record<string, AbortSignal> = {};
    const pending: Record<string, (value: string) => void> = {};
    const wait = tool({
      name: 'wait',
      description: 'waits until released',
      parameters: z.object({}),
      execute: (_args, { signal, callId }) =>
        new Promise<string>((resolve) => {
          if (signal) signals[callId] = signal;
          pending[callId] = resolve;
        }),
    });
    const { agent, model, clock, events } = await startedAgent(
      toolScript([
        { name: 'wait', arguments: {}, id: 'a' },
        { name: 'wait', arguments: {}, id: 'b' },
      ]),
      { tools: [wait] },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    pending.a?.('a done');
    await settle();
    expect(agent.state).toBe('runningTools');
    const from = events.length;

    agent.handleInput({ type: 'client_response_cancel' });
    await settle();

    expect(signals.a?.aborted).toBe(false);
    expect(signals.b?.aborted).toBe(true);
    expect(events.slice(from)).toEqual([
      {
        type: 'agent_history_updated',
        agent_id: 'Ada',
        agent_name: 'Ada',
        items: 5,
        added: [
          {
            type: 'function_call_output',
            id: 'b_output',
            call_id: 'b',
            output: 'wait was cancelled by the user before it finished',
          },
        ],
      },
      {
        type: 'agent_response_tool_result',
        agent_id: 'Ada',
        agent_name: 'Ada',
        tool_result: {
          type: 'tool_result',
          id: 'b',
          name: 'wait',
          output: 'wait was cancelled by the user before it finished',
          is_error: true,
        },
      },
      { type: 'agent_state_changed', agent_id: 'Ada', agent_name: 'Ada', state: 'listening' },
    ]);
    // The finished call and the cancelled one both reach the model; no follow-up is asked for.
    expect(model.sent.filter((input) => input.type === 'tool_result')).toEqual([
      { type: 'tool_result', callId: 'a', name: 'wait', output: 'a done', isError: false },
      {
        type: 'tool_result',
        callId: 'b',
        name: 'wait',
        output: 'wait was cancelled by the user before it finished',
        isError: true,
      },
    ]);
    expect(agent.history).toEqual([
      { type: 'message', id: 'Ada_user_1', role: 'user', text: 'go' },
      { type: 'function_call', id: 'item_1_call_0', callId: 'a', name: 'wait', arguments: '{}' },
      { type: 'function_call', id: 'item_1_call_1', callId: 'b', name: 'wait', arguments: '{}' },
      { type: 'function_call_output', id: 'a_output', callId: 'a', output: 'a done' },
      {
        type: 'function_call_output',
        id: 'b_output',
        callId: 'b',
        output: 'wait was cancelled by the user before it finished',
      },
    ]);
    // A call released after the cancel changes nothing.
    pending.b?.('too late');
    await advance(clock, 1000);
    expect(model.callsOf('createResponse')).toHaveLength(1);
    expect(ofType(events, 'agent_response_created')).toHaveLength(1);
    expect(ofType(events, 'agent_response_tool_result').map((e) => e.tool_result.id)).toEqual(['a', 'b']);
    expect(ofType(events, 'agent_error')).toEqual([]);
    expect(agent.state).toBe('listening');
    await agent.stop();
  });

  it('after a cancelled tool run the next turn carries the cancelled result to the model', async () => {
    const hang = tool({
      name: 'hang',
      description: 'never returns',
      parameters: z.object({}),
      execute: () => new Promise<string>(() => {}),
    });
    const { agent, model, clock, events } = await startedAgent(
      {
        script: [
          { match: 'go', reply: { toolCalls: [{ name: 'hang', id: 'h1' }] } },
          {
            match: (turn) => turn.text === 'never mind' && turn.toolResults.length === 1,
            reply: { text: 'Okay, stopped.' },
          },
        ],
      },
      { tools: [hang] },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    agent.handleInput({ type: 'client_response_cancel' });
    await settle();
    agent.handleInput({ type: 'client_text_append', text: 'never mind' });
    await settle();
    await advance(clock, 100);
    expect(ofType(events, 'agent_response_audio_transcript_done').map((e) => e.transcript)).toEqual([
      'Okay, stopped.',
    ]);
    // One response for "go", one for "never mind": the cancel itself asked for none.
    expect(model.callsOf('createResponse')).toHaveLength(2);
    expect(agent.history.map((item) => item.type)).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'message',
      'message',
    ]);
    await agent.stop();
  });

  it('runs several calls in parallel and sends all results before one follow-up', async () => {
    const order: string[] = [];
    const wait = tool({
      name: 'wait',
      description: 'waits',
      parameters: z.object({ ms: z.number() }),
      execute: ({ ms }) =>
        new Promise<string>((resolve) => {
          order.push(`start ${ms}`);
          // The clock is the agent's; resolve via a promise the test releases below.
          pending.push({ ms, resolve });
        }),
    });
    const pending: { ms: number; resolve: (value: string) => void }[] = [];
    const { agent, model, events } = await startedAgent(
      toolScript([
        { name: 'wait', arguments: { ms: 300 }, id: 'a' },
        { name: 'wait', arguments: { ms: 100 }, id: 'b' },
      ]),
      { tools: [wait] },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    expect(order).toEqual(['start 300', 'start 100']);
    pending[1]?.resolve('b done');
    await settle();
    expect(model.callsOf('createResponse')).toHaveLength(1);
    pending[0]?.resolve('a done');
    await settle();
    expect(ofType(events, 'agent_response_tool_result').map((e) => e.tool_result.id)).toEqual(['b', 'a']);
    expect(
      model.sent
        .filter((input) => input.type === 'tool_result')
        .map((r) => r.type === 'tool_result' && r.callId),
    ).toEqual(['b', 'a']);
    expect(model.callsOf('createResponse')).toHaveLength(2);
    await agent.stop();
  });

  it('asks for approval and runs after the client approves', async () => {
    let ran = 0;
    const pay = tool({
      name: 'pay',
      description: 'pays',
      parameters: z.object({ amount: z.number() }),
      needsApproval: async ({ amount }) => amount > 10,
      execute: () => {
        ran++;
        return 'paid';
      },
    });
    const { agent, events } = await startedAgent(
      toolScript([{ name: 'pay', arguments: { amount: 50 }, id: 'p1' }]),
      {
        tools: [pay],
      },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    expect(ofType(events, 'agent_tool_approval_requested')[0]).toMatchObject({
      call_id: 'p1',
      name: 'pay',
      arguments: '{"amount":50}',
    });
    expect(ran).toBe(0);
    agent.handleInput({ type: 'client_tool_approval', call_id: 'p1', approved: true });
    await settle();
    expect(ran).toBe(1);
    expect(ofType(events, 'agent_response_tool_result')[0]?.tool_result.output).toBe('paid');
    await agent.stop();
  });

  it('a declined approval becomes an error result; an unknown call id is reported', async () => {
    const pay = tool({
      name: 'pay',
      description: 'pays',
      parameters: z.object({}),
      needsApproval: true,
      execute: () => 'paid',
    });
    const { agent, events } = await startedAgent(toolScript([{ name: 'pay', arguments: {}, id: 'p1' }]), {
      tools: [pay],
    });
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    agent.handleInput({ type: 'client_tool_approval', call_id: 'nope', approved: true });
    expect(ofType(events, 'agent_error').at(-1)).toMatchObject({ code: 'unknown_tool_call' });
    agent.handleInput({
      type: 'client_tool_approval',
      call_id: 'p1',
      approved: false,
      reason: 'too expensive',
    });
    await settle();
    expect(ofType(events, 'agent_response_tool_result')[0]?.tool_result).toEqual({
      type: 'tool_result',
      id: 'p1',
      name: 'pay',
      output: 'the user declined to run pay: too expensive',
      is_error: true,
    });
    await agent.stop();
  });

  it('an unknown tool becomes an error result', async () => {
    const { agent, events } = await startedAgent(toolScript([{ name: 'missing', arguments: {}, id: 'm1' }]));
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    expect(ofType(events, 'agent_response_tool_result')[0]?.tool_result).toMatchObject({
      output: 'unknown tool missing',
      is_error: true,
    });
    await agent.stop();
  });

  it('rejects invalid tool names at definition time', () => {
    expect(() =>
      tool({ name: 'bad name', description: '', parameters: z.object({}), execute: () => '' }),
    ).toThrow('tool name "bad name" must be 1-64 letters, digits, "_" or "-"');
  });
});

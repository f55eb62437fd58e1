import type { ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { ScriptedModel } from '../testing/scripted-model.js';
import { TestClock } from '../testing/test-clock.js';
import { RealtimeAgent } from './realtime-agent.js';
import { advance, ofType, settle, startedAgent } from './test-helpers.fixture.js';

function observed(model: ScriptedModel): boolean {
  return (model as unknown as { subject: { observed: boolean } }).subject.observed;
}

describe('RealtimeAgent lifecycle', () => {
  it('stop() mid-response leaves no running actor, timer or subscription', async () => {
    const { agent, model, clock, events } = await startedAgent({
      script: [{ match: 'go', reply: { text: 'a long answer that keeps going for a while' } }],
    });
    const outsider = agent.events$.subscribe(() => {});
    agent.on('agent_response_audio_delta', () => {});
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    await advance(clock, 40);
    expect(agent.state).toBe('responding');
    const actor = agent.actor;
    await agent.stop();
    expect(agent.state).toBe('stopped');
    // `stopped` is final: the actor is done, with how it ended as its output.
    expect(actor?.getSnapshot().status).toBe('done');
    expect(actor?.getSnapshot().output).toEqual({ outcome: 'stopped', problem: null });
    expect(Object.keys(actor?.getSnapshot().children ?? {})).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    expect(model.pendingTimers).toBe(0);
    expect(observed(model)).toBe(false);
    expect(outsider.closed).toBe(true);
    expect(ofType(events, 'agent_ended')).toHaveLength(1);
    expect(model.callsOf('close')).toHaveLength(1);
    await agent.stop();
  });

  it('walks idle -> connecting -> listening -> responding -> listening -> stopping -> stopped', async () => {
    const clock = new TestClock();
    const model = new ScriptedModel({ clock, script: [{ match: 'x', reply: { text: 'y' } }] });
    const agent = new RealtimeAgent({ name: 'A', instructions: '', model, clock });
    const states: string[] = [];
    agent.on('agent_state_changed', (event) => states.push(event.state));
    expect(agent.state).toBe('idle');
    const started = agent.start();
    expect(agent.state).toBe('connecting');
    await started;
    agent.handleInput({ type: 'client_text_append', text: 'x' });
    await settle();
    await advance(clock, 40);
    await agent.stop();
    expect(states).toEqual(['connecting', 'listening', 'responding', 'listening', 'stopping', 'stopped']);
  });

  it('stop() before start releases observers; stop() is idempotent', async () => {
    const agent = new RealtimeAgent({ name: 'A', instructions: '' });
    const sub = agent.events$.subscribe(() => {});
    await agent.stop();
    await agent.stop();
    expect(sub.closed).toBe(true);
    await expect(agent.start()).rejects.toThrow('agent A has no model');
  });

  it('a fatal connect error is not retried: start rejects and the agent fails', async () => {
    const clock = new TestClock();
    const model = new ScriptedModel({
      clock,
      connectFailures: [{ fatal: true, code: 'invalid_api_key', message: 'bad key' }],
    });
    const agent = new RealtimeAgent({ name: 'A', instructions: '', model, clock });
    const events: ServerEvent[] = [];
    await expect(agent.start({ next: (e) => events.push(e) })).rejects.toThrow(
      'agent A could not start: bad key',
    );
    expect(model.callsOf('connect')).toHaveLength(1);
    expect(agent.state).toBe('failed');
    expect(ofType(events, 'agent_error').at(-1)).toMatchObject({ code: 'invalid_api_key', fatal: true });
    expect(ofType(events, 'agent_ended')).toHaveLength(1);
    await settle();
    expect(clock.pendingTimers).toBe(0);
    expect(observed(model)).toBe(false);
  });

  it('a fatal model error mid-session is reported once, as the model reported it, then the agent ends', async () => {
    const { agent, model, clock, events } = await startedAgent();
    model.emit({
      type: 'model_error',
      error_type: 'invalid_request_error',
      code: 'invalid_api_key',
      message: 'Incorrect API key provided',
      fatal: true,
    });
    await settle();
    expect(agent.state).toBe('failed');
    expect(ofType(events, 'agent_error')).toEqual([
      {
        type: 'agent_error',
        agent_id: 'Ada',
        agent_name: 'Ada',
        error_type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: 'Incorrect API key provided',
        fatal: true,
      },
    ]);
    expect(ofType(events, 'agent_ended')).toHaveLength(1);
    await advance(clock, 10_000);
    expect(model.callsOf('connect')).toHaveLength(1);
  });

  it('retries a failed connect with backoff on the clock, then listens', async () => {
    const clock = new TestClock();
    const model = new ScriptedModel({ clock, connectFailures: [{ fatal: false }, { fatal: false }] });
    const agent = new RealtimeAgent({
      name: 'A',
      instructions: '',
      model,
      clock,
      retry: { baseMs: 100, capMs: 1000, maxAttempts: 3 },
      random: () => 0.5,
    });
    const started = agent.start();
    await settle();
    expect(agent.modelConnection?.state).toBe('reconnecting');
    await advance(clock, 50); // attempt 1: 0.5 * 100
    expect(model.callsOf('connect')).toHaveLength(2);
    await advance(clock, 100); // attempt 2: 0.5 * 200
    await started;
    expect(model.callsOf('connect')).toHaveLength(3);
    expect(agent.state).toBe('listening');
    await agent.stop();
  });

  it('reconnects after a drop mid-response, resuming with the history', async () => {
    const { agent, model, clock, events } = await startedAgent(
      { script: [{ match: 'go', reply: { text: 'one two three four five six' } }] },
      { retry: { baseMs: 100 }, random: () => 0 },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    await advance(clock, 40);
    model.drop({ retryable: true });
    expect(agent.state).toBe('connecting');
    // Sent while reconnecting: buffered, then replayed in order.
    agent.handleInput({ type: 'client_text_append', text: 'first' });
    agent.handleInput({ type: 'client_text_append', text: 'second' });
    expect(model.sent.filter((i) => i.type === 'text')).toHaveLength(1);
    await advance(clock, 10);
    await settle();
    expect(agent.state).not.toBe('connecting');
    const [, second] = model.callsOf('connect');
    expect(second?.options?.resume?.attempt).toBe(1);
    expect(second?.options?.resume?.history.map((i) => (i.type === 'message' ? i.text : i.type))).toEqual([
      'go',
      'first',
      'second',
    ]);
    expect(model.sent.filter((i) => i.type === 'text').map((i) => i.type === 'text' && i.text)).toEqual([
      'go',
      'first',
      'second',
    ]);
    expect(ofType(events, 'agent_error')).toEqual([]);
    await agent.stop();
  });

  it('reports observer errors without breaking the agent', async () => {
    const { agent, clock, events } = await startedAgent({
      script: [{ match: 'hi', reply: { text: 'hello you' } }],
    });
    const seen: string[] = [];
    agent.on('agent_response_audio_transcript_delta', () => {
      throw new Error('ui exploded');
    });
    const off = agent.on('agent_response_audio_transcript_delta', (event) => seen.push(event.delta));
    agent.handleInput({ type: 'client_text_append', text: 'hi' });
    await settle();
    await advance(clock, 100);
    expect(seen).toEqual(['hello ', 'you']);
    expect(ofType(events, 'agent_error').map((e) => [e.code, e.message])).toEqual([
      ['observer_error', 'an observer of agent_response_audio_transcript_delta threw: ui exploded'],
      ['observer_error', 'an observer of agent_response_audio_transcript_delta threw: ui exploded'],
    ]);
    off();
    expect(agent.state).toBe('listening');
    await agent.stop();
  });

  it('validates client input and explains what it rejects', async () => {
    const { agent, events } = await startedAgent();
    agent.handleInput({ type: 'client_text_append' });
    agent.handleInput('not json');
    agent.handleInput({ type: 'client_dance' });
    agent.handleInput({ type: 'client_response_cancel' });
    agent.handleInput({
      type: 'client_audio_append',
      audio: 'AAAA',
      format: { type: 'audio/pcmu', rate: 8000 },
    });
    agent.handleInput({
      type: 'client_audio_append',
      audio: 'AAAA',
      format: { type: 'audio/pcmu', rate: 8000 },
    });
    const errors = ofType(events, 'agent_error').map((e) => `${e.code}: ${e.message}`);
    expect(errors).toHaveLength(5);
    expect(errors[0]).toMatch(/^invalid_event: invalid client_text_append: text: .* \(at text\)$/);
    expect(errors[1]).toMatch(/^invalid_json: /);
    expect(errors[2]).toMatch(/^unknown_type: unknown client event type "client_dance"/);
    expect(errors[3]).toBe(
      'response_cancel_not_active: client_response_cancel: there is no response to cancel (agent is listening)',
    );
    expect(errors[4]).toMatch(
      /^unsupported_audio_format: client_audio_append: the scripted model takes audio\/pcm at 16000 Hz/,
    );
    await agent.stop();
  });

  it('passes audio, commits, images and client tool results to the model', async () => {
    const { agent, model, events } = await startedAgent();
    agent.handleInput({
      type: 'client_audio_append',
      audio: 'AAECAw==',
      format: { type: 'audio/pcm', rate: 16000 },
    });
    agent.handleInput({ type: 'client_audio_commit' });
    agent.handleInput({ type: 'client_image_append', image: '/9j/', format: { mime_type: 'image/jpeg' } });
    agent.handleInput({ type: 'client_tool_result', id: 'c9', name: 'lookup', output: '42' });
    expect(model.sent.map((i) => i.type)).toEqual(['audio', 'audio_commit', 'image', 'tool_result']);
    const [audio] = model.sent;
    expect(audio?.type === 'audio' && [...audio.audio]).toEqual([0, 1, 2, 3]);
    expect(ofType(events, 'agent_response_tool_result')[0]?.tool_result).toEqual({
      type: 'tool_result',
      id: 'c9',
      name: 'lookup',
      output: '42',
      is_error: false,
    });
    agent.handleInput({
      type: 'client_session_create',
      config: { instructions: 'Be terse.', voice: 'verse' },
    });
    expect(model.callsOf('updateSession').at(-1)?.patch).toEqual({
      instructions: 'Be terse.',
      voice: 'verse',
    });
    expect(ofType(events, 'server_session_updated')).toHaveLength(1);
    await agent.stop();
  });

  it('client_session_end stops the agent', async () => {
    const { agent } = await startedAgent();
    agent.handleInput({ type: 'client_session_end' });
    await settle();
    expect(agent.state).toBe('stopped');
  });

  it('send() streams one turn as an async iterable ending at agent_response_done', async () => {
    const { agent, clock } = await startedAgent({
      script: [{ match: 'story', reply: { text: 'once upon a time' } }],
    });
    const types: string[] = [];
    const consume = (async () => {
      for await (const event of agent.send('story')) types.push(event.type);
    })();
    await settle();
    await advance(clock, 200);
    await consume;
    expect(types.filter((t) => t !== 'agent_history_updated' && t !== 'agent_state_changed')).toEqual([
      'agent_response_created',
      ...Array(4).fill(['agent_response_audio_delta', 'agent_response_audio_transcript_delta']).flat(),
      'agent_response_audio_done',
      'agent_response_audio_transcript_done',
      'agent_response_done',
    ]);
    await agent.stop();
  });

  it('measures time to first audio and user-stopped to agent-started latency', async () => {
    const { agent, model, clock, events } = await startedAgent({
      script: [{ match: 'hello', reply: { text: 'hi', delayMs: 300 } }],
    });
    model.speak('hello', 500);
    await advance(clock, 500);
    expect(agent.state).toBe('responding');
    await advance(clock, 400);
    expect(ofType(events, 'agent_turn_metrics')).toMatchObject([
      {
        response_id: 'resp_1',
        time_to_first_audio_ms: 300,
        e2e_ms: 300,
        interrupted: false,
        tool_durations_ms: {},
      },
    ]);
    expect(agent.history.map((i) => i.type === 'message' && `${i.role}: ${i.text}`)).toEqual([
      'user: hello',
      'assistant: hi',
    ]);
    await agent.stop();
  });

  it('bounds the history, dropping the oldest items and counting them', async () => {
    const { agent } = await startedAgent({ fallback: { text: '' } }, { historySize: 3 });
    for (const text of ['a', 'b', 'c', 'd', 'e']) agent.hear({ speaker: 'Bob', text, respond: false });
    expect(agent.history.map((i) => i.type === 'message' && i.text)).toEqual(['c', 'd', 'e']);
    expect(agent.droppedHistoryItems).toBe(2);
    await agent.stop();
  });

  it('hear() adds attributed words and answers only with the floor', async () => {
    const { agent, model } = await startedAgent();
    agent.hear({ speaker: 'Bob', text: 'Hello everyone!', respond: false });
    expect(model.callsOf('createResponse')).toHaveLength(0);
    agent.hear({ speaker: 'Bob', text: 'Ada, your turn', respond: true });
    expect(model.sent.at(-1)).toEqual({ type: 'text', text: 'Ada, your turn', role: 'user', speaker: 'Bob' });
    expect(model.callsOf('createResponse')).toHaveLength(1);
    await agent.stop();
  });

  it("runs on XState's SimulatedClock too", async () => {
    const clock = new SimulatedClock();
    const model = new ScriptedModel({ clock, script: [{ match: 'x', reply: { text: 'one two' } }] });
    const agent = new RealtimeAgent({ name: 'A', instructions: '', model, clock });
    const deltas: string[] = [];
    agent.on('agent_response_audio_transcript_delta', (e) => deltas.push(e.delta));
    await agent.start();
    agent.handleInput({ type: 'client_text_append', text: 'x' });
    await settle();
    expect(deltas).toEqual(['one ']);
    clock.increment(40);
    expect(deltas).toEqual(['one ', 'two']);
    await agent.stop();
  });
});

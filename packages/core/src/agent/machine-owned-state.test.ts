import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, toPromise } from 'xstate';
import { type ConnectModelInput, modelConnectionMachine } from '../connection/model-connection.machine.js';
import type { SessionConfig } from '../model/realtime-model.js';
import { TestClock } from '../testing/test-clock.js';
import { agentStateOf, hasFollowUp, isAnswering, isDropped } from './agent-snapshot.js';
import { REMEMBERED_RESPONSES, type RealtimeAgentEmitted } from './realtime-agent.context.js';
import { realtimeAgentMachine } from './realtime-agent.machine.js';
import { advance, ofType, settle, startedAgent } from './test-helpers.fixture.js';

// Each lifecycle decision below is read from the machine alone (its snapshot and what it emits),
// with no RealtimeAgent around it: if the decision moved back into a class, these fail.

const session: SessionConfig = {
  instructions: '',
  tools: [],
  modalities: ['text'],
  inputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'none' },
  inputTranscription: false,
};

/** The exported machine; its connection never connects (events drive the agent), or refuses for good. */
function machineActor(refuse?: Error) {
  const clock = new TestClock();
  const connectModel = fromPromise<void, ConnectModelInput>(async () => {
    if (refuse) throw refuse;
    await new Promise<void>(() => {});
  });
  const reasked: (string | null)[] = [];
  const logic = realtimeAgentMachine.provide({
    actors: { modelConnection: modelConnectionMachine.provide({ actors: { connectModel } }) },
    actions: { answerAfterReconnect: ({ context }) => reasked.push(context.responseId) },
  });
  const actor = createActor(logic, { input: { agentName: 'A', interruptSettleMs: 100 }, clock });
  const emitted: RealtimeAgentEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  return { actor, clock, emitted, reasked };
}

const created = (responseId: string) => ({ type: 'model.response_created' as const, responseId });
const done = (responseId: string) => ({
  type: 'model.response_done' as const,
  responseId,
  status: 'completed',
});

describe('the agent machine owns its lifecycle state', () => {
  it('announces each state change once and agent_ready once, on the first connection only', () => {
    const { actor, emitted } = machineActor();
    actor.send({ type: 'agent.start' });
    actor.send({ type: 'connection.connected' });
    actor.send({ type: 'connection.reconnecting', attempt: 1, delayMs: 10 });
    // A retry while still connecting re-enters nothing: no second `connecting`.
    actor.send({ type: 'connection.reconnecting', attempt: 2, delayMs: 20 });
    actor.send({ type: 'connection.connected' });
    expect(actor.getSnapshot().context.ready).toBe(true);
    expect(emitted).toEqual([
      { type: 'agent.state_changed', state: 'connecting' },
      { type: 'agent.ready' },
      { type: 'agent.state_changed', state: 'listening' },
      { type: 'agent.state_changed', state: 'connecting' },
      { type: 'agent.state_changed', state: 'listening' },
    ]);
    actor.stop();
  });

  it('a RealtimeAgent says agent_ready once across a reconnect, as its snapshot records', async () => {
    const { agent, model, clock, events } = await startedAgent(
      {},
      { retry: { baseMs: 100 }, random: () => 0 },
    );
    model.drop({ retryable: true });
    expect(agent.state).toBe('connecting');
    await advance(clock, 20);
    await settle();
    expect(agent.state).toBe('listening');
    expect(ofType(events, 'agent_ready')).toHaveLength(1);
    expect(ofType(events, 'agent_state_changed').map((e) => e.state)).toEqual([
      'connecting',
      'listening',
      'connecting',
      'listening',
    ]);
    expect(agent.actor?.getSnapshot().context.ready).toBe(true);
    await agent.stop();
  });

  it('a drop mid-answer asks again for the cut response; a drop while listening does not', () => {
    const { actor, reasked } = machineActor();
    actor.send({ type: 'agent.start' });
    actor.send({ type: 'connection.connected' });
    actor.send({ type: 'connection.reconnecting', attempt: 1, delayMs: 10 });
    actor.send({ type: 'connection.connected' });
    expect(reasked).toEqual([]);
    actor.send(created('r1'));
    actor.send({ type: 'connection.reconnecting', attempt: 1, delayMs: 10 });
    expect(reasked).toEqual(['r1']);
    expect(agentStateOf(actor.getSnapshot())).toBe('connecting');
    expect(actor.getSnapshot().context.responseId).toBeNull();
    actor.stop();
  });

  it('typed text asks for a response until the model creates, ends or fails one', () => {
    const { actor } = machineActor();
    actor.send({ type: 'agent.start' });
    actor.send({ type: 'connection.connected' });
    expect(isAnswering(actor.getSnapshot())).toBe(false);
    actor.send({ type: 'user.text' });
    expect(actor.getSnapshot().context.responseRequested).toBe(true);
    expect(isAnswering(actor.getSnapshot())).toBe(true);
    actor.send(created('r1'));
    expect(actor.getSnapshot().context.responseRequested).toBe(false);
    // Still answering: the response streams.
    expect(isAnswering(actor.getSnapshot())).toBe(true);
    // Typing over the agent cuts it off and asks again.
    actor.send({ type: 'user.text' });
    expect(agentStateOf(actor.getSnapshot())).toBe('interrupted');
    expect(actor.getSnapshot().context.responseRequested).toBe(true);
    actor.send(done('r1'));
    expect(agentStateOf(actor.getSnapshot())).toBe('listening');
    expect(isAnswering(actor.getSnapshot())).toBe(false);
    actor.send({ type: 'user.text' });
    actor.send({ type: 'model.error' });
    expect(isAnswering(actor.getSnapshot())).toBe(false);
    actor.stop();
  });

  it('remembers dropped responses and follow-ups in its context, bounded', () => {
    const { actor } = machineActor();
    actor.send({ type: 'agent.start' });
    actor.send({ type: 'connection.connected' });
    actor.send(created('r1'));
    actor.send({ type: 'model.client_tool_call', responseId: 'r1', callId: 'c1' });
    expect(hasFollowUp(actor.getSnapshot(), 'r1')).toBe(true);
    actor.send(done('r1'));
    expect(hasFollowUp(actor.getSnapshot(), 'r1')).toBe(false);
    actor.send(created('r2'));
    actor.send({ type: 'user.cancel' });
    expect(isDropped(actor.getSnapshot(), 'r2')).toBe(true);
    actor.send({ type: 'connection.reconnecting', attempt: 1, delayMs: 10, lost: ['r3'] });
    expect(isDropped(actor.getSnapshot(), 'r3')).toBe(true);
    actor.send({ type: 'connection.connected' });
    for (let i = 0; i < REMEMBERED_RESPONSES * 2; i++) {
      actor.send(created(`x${i}`));
      actor.send({ type: 'model.client_tool_call', responseId: `x${i}`, callId: `c${i}` });
      actor.send({ type: 'user.cancel' });
      actor.send(done(`x${i}`));
    }
    const { dropped, followUps } = actor.getSnapshot().context;
    expect(dropped).toHaveLength(REMEMBERED_RESPONSES);
    expect(dropped.at(-1)).toBe(`x${REMEMBERED_RESPONSES * 2 - 1}`);
    expect(isDropped(actor.getSnapshot(), 'r2')).toBe(false);
    expect(followUps.length).toBeLessThanOrEqual(REMEMBERED_RESPONSES);
    actor.stop();
  });

  it('ends in a final state whose output says how, for toPromise to wait on', async () => {
    const stopped = machineActor();
    stopped.actor.send({ type: 'agent.stop' });
    await expect(toPromise(stopped.actor)).resolves.toEqual({ outcome: 'stopped', problem: null });
    expect(stopped.emitted.map((e) => e.type)).toEqual(['agent.state_changed', 'agent.ended']);

    const failed = machineActor(
      Object.assign(new Error('bad key'), { code: 'invalid_api_key', fatal: true }),
    );
    failed.actor.send({ type: 'agent.start' });
    failed.actor.getSnapshot().children.connection?.send({ type: 'connect', session });
    await expect(toPromise(failed.actor)).resolves.toEqual({
      outcome: 'failed',
      problem: { code: 'invalid_api_key', message: 'bad key' },
    });
    expect(failed.actor.getSnapshot().status).toBe('done');
    expect(failed.emitted).toEqual([
      { type: 'agent.state_changed', state: 'connecting' },
      { type: 'agent.state_changed', state: 'failed' },
      { type: 'agent.failed', problem: { code: 'invalid_api_key', message: 'bad key' } },
      { type: 'agent.ended' },
    ]);
  });
});

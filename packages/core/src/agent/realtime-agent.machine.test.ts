import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { modelConnectionMachine } from '../connection/model-connection.machine.js';
import { TestClock } from '../testing/test-clock.js';
import { realtimeAgentMachine } from './realtime-agent.machine.js';

// The exported definition runs on its own (effects are no-ops), so its chart can be driven by events.
function machineActor() {
  const clock = new TestClock();
  const logic = realtimeAgentMachine.provide({
    actors: {
      modelConnection: modelConnectionMachine.provide({
        actors: { connectModel: fromPromise(() => new Promise<void>(() => {})) },
      }),
    },
  });
  const actor = createActor(logic, { input: { agentName: 'A', interruptSettleMs: 100 }, clock }).start();
  const state = () => {
    const value = actor.getSnapshot().value;
    return typeof value === 'string' ? value : `session.${String((value as { session: string }).session)}`;
  };
  return { actor, clock, state };
}

/**
 * Where functions sit in a machine configuration (an inline action or guard is one). XState's guard
 * combinators (`not('name')`) are functions too, but carry the names they combine in `guards`.
 */
function functionPaths(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'function') {
    const combined = (value as { guards?: unknown }).guards;
    return Array.isArray(combined) ? functionPaths(combined, path) : [path.join('.')];
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    functionPaths(child, Array.isArray(value) ? path : [...path, key]),
  );
}

describe('realtimeAgentMachine', () => {
  it('names every action, guard and delay: the only functions in its states map input and params', () => {
    const json = JSON.stringify(realtimeAgentMachine.definition);
    expect(json).toContain('"interrupted"');
    // JSON.stringify drops functions silently, so walk the configuration and name each one.
    expect(functionPaths(realtimeAgentMachine.config.states)).toEqual([
      'session.invoke.input',
      // The connection's done event reaches its named guard and action as typed params.
      'session.invoke.onDone.guard.params',
      'session.invoke.onDone.actions.params',
      'session.invoke.onDone.actions.params',
      'session.invoke.input',
    ]);
  });

  it('idle -> stopped without a session', () => {
    const { actor, state } = machineActor();
    expect(state()).toBe('idle');
    actor.send({ type: 'agent.stop' });
    expect(state()).toBe('stopped');
    actor.stop();
  });

  it('walks the turn-taking transitions', () => {
    const { actor, state, clock } = machineActor();
    const seen: string[] = [];
    actor.subscribe(() => seen.at(-1) !== state() && seen.push(state()));
    actor.send({ type: 'agent.start' });
    actor.send({ type: 'connection.connected' });
    actor.send({ type: 'model.response_created', responseId: 'r1' });
    actor.send({ type: 'model.input_started', itemId: 'i1' });
    actor.send({ type: 'model.response_created', responseId: 'r2' }); // interrupted -> responding
    actor.send({ type: 'user.cancel' });
    clock.increment(100); // interrupted -> listening without a confirmation
    actor.send({ type: 'model.response_created', responseId: 'r3' });
    actor.send({
      type: 'model.tool_call',
      responseId: 'r3',
      callId: 'c1',
      name: 'x',
      arguments: '{}',
      timeoutMs: 1000,
    });
    actor.send({ type: 'model.response_done', responseId: 'r3', status: 'completed' });
    actor.send({ type: 'user.cancel' }); // runningTools -> listening, tool aborted
    expect(Object.keys(actor.getSnapshot().children)).toEqual(['connection', 'cues']);
    actor.send({ type: 'model.response_created', responseId: 'r4' });
    actor.send({
      type: 'model.handoff_call',
      responseId: 'r4',
      callId: 'h1',
      toolName: 'transfer_to_b',
      target: 'B',
    });
    actor.send({ type: 'model.response_done', responseId: 'r4', status: 'completed' });
    expect(actor.getSnapshot().context.persona).toBe('B');
    actor.send({ type: 'connection.reconnecting', attempt: 1, delayMs: 10 });
    actor.send({ type: 'agent.stop' });
    expect(seen).toEqual([
      'session.connecting',
      'session.listening',
      'session.responding',
      'session.interrupted',
      'session.responding',
      'session.interrupted',
      'session.listening',
      'session.responding',
      'session.runningTools',
      'session.listening',
      'session.responding',
      'session.listening',
      'session.connecting',
      'session.stopping',
    ]);
    clock.increment(5000); // the close timeout
    expect(state()).toBe('stopped');
    actor.stop();
  });
});

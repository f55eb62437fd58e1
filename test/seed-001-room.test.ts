import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import type { ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';

// Seed 001 (AgentScope's realtime tutorial): two agents in a ChatRoom, one user saying
// "Hello everyone!" with a client_text_append. AgentScope relayed only audio between the agents and
// never said who spoke; here every client event is attributed and the transcript order is fixed.

function scripted(clock: TestClock, name: string): ScriptedModel {
  return new ScriptedModel({
    clock,
    script: [{ match: /hello everyone/i, reply: { text: `Hello! I am ${name}.`, audioMs: 400 } }],
    fallback: { text: `${name} has nothing to add.` },
  });
}

function transcript(events: readonly ServerEvent[]): string[] {
  return events.flatMap((event) => {
    if (event.type === 'room_user_message') return [`${event.user_name ?? event.user_id}: ${event.text}`];
    if (event.type === 'agent_response_audio_transcript_done')
      return [`${event.agent_name}: ${event.transcript}`];
    return [];
  });
}

describe('seed 001: a two-agent room', () => {
  it('both agents answer "Hello everyone!" in order, attributed, and hear each other by name', async () => {
    const clock = new TestClock();
    const model1 = scripted(clock, 'Agent1');
    const model2 = scripted(clock, 'Agent2');
    const agent1 = new RealtimeAgent({
      name: 'Agent1',
      instructions: 'You are Agent1, a helpful assistant.',
      model: model1,
      clock,
    });
    const agent2 = new RealtimeAgent({
      name: 'Agent2',
      instructions: 'You are Agent2, a helpful assistant.',
      model: model2,
      clock,
    });
    const room = new ChatRoom({ id: 'room1', agents: [agent1, agent2] });

    const outgoing: ServerEvent[] = [];
    await room.start({ next: (event) => outgoing.push(event) });
    const user = room.join({ id: 'user1', name: 'User1' });
    const userSees: ServerEvent[] = [];
    user.events$.subscribe((event) => userSees.push(event));

    const accepted = user.handleInput({
      type: 'client_text_append',
      session_id: 'session1',
      text: 'Hello everyone!',
    });
    expect(accepted).toBe(true);
    for (let elapsed = 0; elapsed < 2000; elapsed += 20) {
      await room.settled();
      clock.increment(20);
    }
    await room.settled();

    expect(transcript(outgoing)).toEqual([
      'User1: Hello everyone!',
      'Agent1: Hello! I am Agent1.',
      'Agent2: Hello! I am Agent2.',
    ]);
    // The user's own words are not echoed to them; the agents' words are.
    expect(transcript(userSees)).toEqual(['Agent1: Hello! I am Agent1.', 'Agent2: Hello! I am Agent2.']);

    // Every agent event is attributed and stamped with the room.
    const agentEvents = outgoing.filter((e) => e.type.startsWith('agent_'));
    expect(agentEvents.length).toBeGreaterThan(6);
    for (const event of agentEvents) {
      expect(event).toMatchObject({ room_id: 'room1' });
      expect(['Agent1', 'Agent2']).toContain('agent_name' in event ? event.agent_name : undefined);
    }
    // Streaming deltas add up to each agent's own final transcript: no cross-attribution.
    for (const name of ['Agent1', 'Agent2']) {
      const deltas = outgoing
        .filter((e) => e.type === 'agent_response_audio_transcript_delta' && e.agent_name === name)
        .map((e) => (e.type === 'agent_response_audio_transcript_delta' ? e.delta : ''))
        .join('');
      expect(deltas.trim()).toBe(`Hello! I am ${name}.`);
    }

    // Each model got the user's words once, and the other agent's words (as context), never its own.
    const texts = (model: ScriptedModel) =>
      model.sent.flatMap((input) =>
        input.type === 'text' ? [`${input.speaker ?? '?'}: ${input.text}`] : [],
      );
    expect(texts(model1)).toEqual(['User1: Hello everyone!', 'Agent2: Hello! I am Agent2.']);
    expect(texts(model2)).toEqual(['User1: Hello everyone!', 'Agent1: Hello! I am Agent1.']);
    // Free floor: both answered the user, neither answered the other.
    expect(model1.callsOf('createResponse')).toHaveLength(1);
    expect(model2.callsOf('createResponse')).toHaveLength(1);

    await room.stop();
    expect(room.resources()).toMatchObject({
      state: 'stopped',
      children: 0,
      busSubscribers: 0,
      memberSubscriptions: 0,
      pendingDecisions: 0,
    });
    expect(clock.pendingTimers).toBe(0);
    expect(model1.isConnected).toBe(false);
    expect(model2.isConnected).toBe(false);
  });
});

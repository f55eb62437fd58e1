import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RealtimeAgent } from '../agent/realtime-agent.js';
import { ScriptedModel } from '../testing/scripted-model.js';
import { TestClock } from '../testing/test-clock.js';
import { tool } from '../tools/tool.js';
import { ChatRoom } from './chat-room.js';

// `ChatRoom.send`: an input whose promise settles when the agents have answered, with the clock
// driven by a loop beside it (the scripted models speak on the TestClock).

/** Advances the clock in 20 ms steps until `promise` settles (or `limitMs` of simulated time). */
async function drive<T>(room: ChatRoom, clock: TestClock, promise: Promise<T>, limitMs = 20_000): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  for (let elapsed = 0; !settled && elapsed < limitMs; elapsed += 20) {
    await room.settled();
    clock.increment(20);
  }
  return watched;
}

function agent(clock: TestClock, name: string, script: ConstructorParameters<typeof ScriptedModel>[0]) {
  return new RealtimeAgent({
    name,
    instructions: `You are ${name}.`,
    model: new ScriptedModel({ clock, ...script }),
  });
}

describe('ChatRoom.send', () => {
  it('resolves once the addressed agent answered, after its tool call and follow-up', async () => {
    const clock = new TestClock();
    const hours = tool({
      name: 'opening_hours',
      description: 'When the desk is open',
      parameters: z.object({}),
      execute: async () => 'nine to five',
    });
    const desk = new RealtimeAgent({
      name: 'Desk',
      instructions: 'Front desk.',
      tools: [hours],
      model: new ScriptedModel({
        clock,
        script: [
          {
            match: (turn) => turn.toolResults.length > 0,
            reply: (turn) => ({ text: `We are open ${turn.toolResults[0]?.output}.` }),
          },
          { match: /hours/i, reply: { toolCalls: [{ name: 'opening_hours' }] } },
        ],
      }),
    });
    const other = agent(clock, 'Other', { fallback: { text: 'Other here.' } });
    const room = new ChatRoom({ agents: [desk, other], floor: 'mention', clock });
    await room.start();
    const turn = room.send('Desk, what are your hours?', { id: 'u1', name: 'Ann' });
    const { replies, events } = await drive(room, clock, turn);
    expect(replies).toEqual([{ agentId: 'Desk', agentName: 'Desk', text: 'We are open nine to five.' }]);
    expect(events.filter((e) => e.type === 'agent_response_done')).toHaveLength(2);
    await room.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('waits through a handoff for the target to answer', async () => {
    const clock = new TestClock();
    const max = agent(clock, 'Max', { fallback: { text: 'A joke, then.' } });
    const ava = new RealtimeAgent({
      name: 'Ava',
      instructions: 'Greets.',
      handoffs: [max],
      model: new ScriptedModel({
        clock,
        script: [
          { match: /joke/i, reply: { text: 'Over to Max.', toolCalls: [{ name: 'transfer_to_max' }] } },
        ],
      }),
    });
    const room = new ChatRoom({ agents: [ava, max], floor: 'mention', clock });
    await room.start();
    const { replies } = await drive(room, clock, room.send('Ava, a joke please'));
    expect(replies.map((r) => `${r.agentName}: ${r.text}`)).toEqual([
      'Ava: Over to Max.',
      'Max: A joke, then.',
    ]);
    await room.stop();
  });

  it('rejects refused input with the reason, and times out on the room clock naming who is silent', async () => {
    const clock = new TestClock();
    // A model that never answers: createResponse does nothing.
    const silent = new ScriptedModel({ clock });
    silent.createResponse = () => {};
    const mute = new RealtimeAgent({ name: 'Mute', instructions: 'Silent.', model: silent });
    const room = new ChatRoom({ agents: [mute], clock });
    await expect(room.send('hello')).rejects.toThrow(/room_not_running|is idle/);
    await room.start();
    const turn = room.send('hello', undefined, { timeoutMs: 500 });
    await expect(drive(room, clock, turn)).rejects.toThrow(/no answer within 500 ms; still waiting for Mute/);
    await room.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects when the room stops before the agents answer', async () => {
    const clock = new TestClock();
    const slow = agent(clock, 'Slow', { fallback: { text: 'a very long answer' } });
    const room = new ChatRoom({ agents: [slow], clock });
    await room.start();
    const turn = room.send('hello');
    turn.catch(() => undefined);
    await room.settled();
    await room.stop();
    await expect(turn).rejects.toThrow(/stopped before the agents answered/);
  });
});

import type { ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { RealtimeAgent } from '../agent/realtime-agent.js';
import { ScriptedModel } from '../testing/scripted-model.js';
import { TestClock } from '../testing/test-clock.js';
import { ChatRoom } from './chat-room.js';
import { transcriptLines } from './fake-member.fixture.js';

// The room with real agents on scripted models (no fakes): a handoff between two members passes
// the floor instead of swapping the first agent's persona.

async function run(room: ChatRoom, clock: TestClock, ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 20) {
    await room.settled();
    clock.increment(20);
  }
  await room.settled();
}

describe('ChatRoom with RealtimeAgents', () => {
  it('a transfer_to_<peer> tool call passes the floor to that member, which answers', async () => {
    const clock = new TestClock();
    const salesModel = new ScriptedModel({
      clock,
      script: [
        {
          match: /invoice/i,
          reply: { text: 'One moment, please.', toolCalls: [{ name: 'transfer_to_billing' }] },
        },
      ],
      fallback: { text: 'Sales here.' },
    });
    const billingModel = new ScriptedModel({ clock, fallback: { text: 'Billing here, let me look.' } });
    const billing = new RealtimeAgent({
      name: 'Billing',
      instructions: 'You fix invoices.',
      model: billingModel,
    });
    const sales = new RealtimeAgent({
      name: 'Sales',
      instructions: 'You sell.',
      model: salesModel,
      handoffs: [billing],
    });
    const room = new ChatRoom({ id: 'shop', agents: [sales, billing], floor: 'mention', clock });
    const seen: ServerEvent[] = [];
    await room.start({ next: (event) => seen.push(event) });
    room.handleInput(
      { type: 'client_text_append', text: 'Sales, my invoice is wrong' },
      { id: 'u1', name: 'Ann' },
    );
    await run(room, clock, 3000);

    const lines = transcriptLines(seen);
    expect(lines.filter((l) => !l.startsWith('[floor nobody'))).toEqual([
      'Ann: Sales, my invoice is wrong',
      '[floor Sales (mention)]',
      'Sales: One moment, please.',
      '[floor Billing (handoff)]',
      'Billing: Billing here, let me look.',
    ]);
    expect(seen.filter((e) => e.type === 'agent_handoff')).toEqual([
      {
        type: 'agent_handoff',
        agent_id: 'Sales',
        agent_name: 'Sales',
        room_id: 'shop',
        from: 'Sales',
        to: 'Billing',
      },
    ]);
    // Sales kept its own persona: in a room a handoff to a peer moves the floor, not the session.
    expect(salesModel.callsOf('updateSession')).toEqual([]);
    // Billing is asked to answer Ann's request itself, after a note saying who handed it over.
    expect(
      billingModel.sent.flatMap((i) =>
        i.type === 'text' ? [`${i.role}/${i.speaker ?? '-'}: ${i.text}`] : [],
      ),
    ).toEqual([
      'user/Ann: Sales, my invoice is wrong',
      'user/Sales: One moment, please.',
      "system/-: Sales handed the conversation over to Billing. Answer Ann's request that follows.",
      'user/Ann: Sales, my invoice is wrong',
    ]);
    expect(billingModel.callsOf('createResponse')).toHaveLength(1);

    await room.stop();
    expect(room.resources()).toMatchObject({
      state: 'stopped',
      children: 0,
      busSubscribers: 0,
      memberSubscriptions: 0,
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it('with floor mention, a handoff whose words name the target gets one answer, to the user request', async () => {
    const clock = new TestClock();
    const max = new RealtimeAgent({
      name: 'Max',
      instructions: 'You tell jokes.',
      model: new ScriptedModel({
        clock,
        script: [{ match: /joke/i, reply: { text: 'I told a joke once. Nobody laughed.' } }],
        fallback: { text: "Sorry, I didn't catch that." },
      }),
    });
    const ava = new RealtimeAgent({
      name: 'Ava',
      instructions: 'You greet people.',
      model: new ScriptedModel({
        clock,
        script: [
          {
            match: /joke/i,
            reply: { text: 'Max tells the jokes.', toolCalls: [{ name: 'transfer_to_max' }] },
          },
        ],
      }),
      handoffs: [max],
    });
    const room = new ChatRoom({ agents: [ava, max], floor: 'mention', clock });
    const seen: ServerEvent[] = [];
    await room.start({ next: (event) => seen.push(event) });
    room.handleInput({ type: 'client_text_append', text: 'Ava, tell me a joke' }, { id: 'u1', name: 'Ann' });
    await run(room, clock, 4000);

    const words = seen.flatMap((e) =>
      e.type === 'agent_response_audio_transcript_done' ? [`${e.agent_name}: ${e.transcript}`] : [],
    );
    expect(words).toEqual(['Ava: Max tells the jokes.', 'Max: I told a joke once. Nobody laughed.']);
    // One response from Max: Ava's words naming him were not a second request.
    expect(seen.filter((e) => e.type === 'agent_response_created' && e.agent_name === 'Max')).toHaveLength(1);
    await room.stop();
  });

  it('one clock: agents and models built without a clock keep time on the room clock', async () => {
    const clock = new TestClock();
    // Neither the model nor the agent is given a clock: only the room is.
    const model = new ScriptedModel({ fallback: { text: 'Later, on the room clock.', delayMs: 500 } });
    const agent = new RealtimeAgent({ name: 'Ava', instructions: 'Answer.', model });
    const room = new ChatRoom({ id: 'clocked', agents: [agent], clock });
    const seen: ServerEvent[] = [];
    await room.start({ next: (event) => seen.push(event) });
    room.handleInput({ type: 'client_text_append', text: 'Ava, hello' }, { id: 'u1', name: 'Ann' });
    await run(room, clock, 400);
    expect(seen.some((e) => e.type === 'agent_response_audio_transcript_done')).toBe(false);
    await run(room, clock, 2000);
    const metrics = seen.find((e) => e.type === 'agent_turn_metrics');
    expect(transcriptLines(seen)).toContain('Ava: Later, on the room clock.');
    // The agent's own timings come from the same clock: exact, not wall time.
    expect(metrics).toMatchObject({ time_to_first_audio_ms: 500 });
    await room.stop();
  });
});

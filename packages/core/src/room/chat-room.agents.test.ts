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
    expect(billingModel.sent.flatMap((i) => (i.type === 'text' ? [`${i.speaker}: ${i.text}`] : []))).toEqual([
      'Ann: Sales, my invoice is wrong',
      'Sales: One moment, please.',
      'Sales: Sales handed the conversation over to Billing.',
    ]);

    await room.stop();
    expect(room.resources()).toMatchObject({
      state: 'stopped',
      children: 0,
      busSubscribers: 0,
      memberSubscriptions: 0,
    });
    expect(clock.pendingTimers).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { RealtimeAgent } from '../agent/realtime-agent.js';
import { advance, settle } from '../agent/test-helpers.fixture.js';
import type { ConversationItem } from '../model/realtime-model.js';
import { ScriptedModel } from '../testing/scripted-model.js';
import { TestClock } from '../testing/test-clock.js';
import { ChatRoom } from './chat-room.js';
import type { FloorContext } from './floor-policy.js';

describe('a room whose users are away', () => {
  it('floor policies see who is away, and idle prompts wait until someone is back', async () => {
    const clock = new TestClock();
    const model = new ScriptedModel({ clock, chunkMs: 20, fallback: { text: 'Hello.' } });
    const agent = new RealtimeAgent({
      name: 'host',
      instructions: '',
      model,
      clock,
      idlePrompt: { afterMs: 5_000, text: 'Anyone there?' },
    });
    const contexts: FloorContext[] = [];
    const room = new ChatRoom({
      id: 'r',
      agents: [agent],
      clock,
      floor: {
        name: 'spy',
        select: (context) => {
          contexts.push(context);
          return ['host'];
        },
      },
    });
    await room.start();
    const ann = room.join({ id: 'ann', name: 'Ann' });
    room.join({ id: 'bob', name: 'Bob' });
    room.setAway({ id: 'bob' }, true);
    ann.handleInput({ type: 'client_text_append', text: 'hi' });
    await advance(clock, 500);
    expect(contexts.at(-1)?.awayUsers).toEqual(['bob']);

    // Everyone away: the agent's idle count stops; nobody is prompted.
    room.setAway({ id: 'ann' }, true);
    await advance(clock, 8_000, 100);
    const prompts = () => model.callsOf('createResponse').filter((c) => c.options?.say === 'Anyone there?');
    expect(prompts()).toHaveLength(0);
    room.setAway({ id: 'ann' }, false);
    await advance(clock, 6_000, 100);
    expect(prompts()).toHaveLength(1);
    await room.stop();
  });

  it('a seeded room gives every agent the same prior items', async () => {
    const clock = new TestClock();
    const items: ConversationItem[] = [{ type: 'message', id: 'p1', role: 'user', text: 'yesterday' }];
    const models = [0, 1].map(() => new ScriptedModel({ clock }));
    const agents = models.map(
      (model, i) => new RealtimeAgent({ name: `a${i}`, instructions: '', model, clock }),
    );
    const room = new ChatRoom({ id: 'r2', agents, clock, history: items });
    await room.start();
    await settle();
    for (const model of models) expect(model.callsOf('connect')[0]?.options?.resume?.history).toEqual(items);
    await room.stop();
  });
});

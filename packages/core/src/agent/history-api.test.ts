import { agentHistoryUpdatedSchema } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import type { ConversationItem } from '../model/realtime-model.js';
import { ScriptedModel } from '../testing/scripted-model.js';
import { TestClock } from '../testing/test-clock.js';
import { diffHistory, modelChange } from './history-edit.js';
import { RealtimeAgent } from './realtime-agent.js';
import { ofType, settle, startedAgent } from './test-helpers.fixture.js';

const msg = (id: string, text: string, role: 'user' | 'assistant' | 'system' = 'user'): ConversationItem => ({
  type: 'message',
  id,
  role,
  text,
});

const seed: ConversationItem[] = [msg('a', 'one'), msg('b', 'two', 'assistant'), msg('c', 'three')];

/** Applies `agent_history_updated` events to a copy, as a client following the history would. */
function follow(
  events: readonly ReturnType<typeof agentHistoryUpdatedSchema.parse>[],
  start: string[],
): string[] {
  let ids = [...start];
  for (const event of events) {
    ids = ids.filter((id) => !event.removed?.includes(id));
    if (event.added) {
      const at =
        event.previous_item_id === undefined
          ? ids.length
          : event.previous_item_id === null
            ? 0
            : ids.indexOf(event.previous_item_id) + 1;
      ids.splice(at, 0, ...event.added.map((item) => item.id));
    }
  }
  return ids;
}

describe('history as an API', () => {
  it('a seeded agent hands its history to the model on the first connect', async () => {
    const { agent, model } = await startedAgent({}, { history: seed });
    const [connect] = model.callsOf('connect');
    expect(connect?.options?.resume).toEqual({ history: seed, attempt: 0 });
    expect(agent.history).toEqual(seed);
    await agent.stop();
  });

  it('an unseeded agent connects without a resume', async () => {
    const { agent, model } = await startedAgent();
    expect(model.callsOf('connect')[0]?.options?.resume).toBeUndefined();
    await agent.stop();
  });

  it('append, replace and delete reach the model and every change is an event a client can follow', async () => {
    const { agent, model, events } = await startedAgent({}, { history: seed });
    const from = events.length;
    agent.updateHistory((items) => [...items, msg('d', 'four', 'system')]);
    agent.updateHistory((items) =>
      items.map((item) => (item.id === 'b' ? msg('b', 'TWO', 'assistant') : item)),
    );
    agent.updateHistory((items) => items.filter((item) => item.id !== 'a'));
    agent.updateHistory((items) => [msg('z', 'zero'), ...items]);
    await settle();
    expect(agent.history.map((item) => item.id)).toEqual(['z', 'b', 'c', 'd']);
    const updates = ofType(events.slice(from), 'agent_history_updated');
    for (const update of updates) expect(agentHistoryUpdatedSchema.safeParse(update).success).toBe(true);
    expect(follow(updates, ['a', 'b', 'c'])).toEqual(['z', 'b', 'c', 'd']);
    expect(updates.find((u) => u.updated)?.updated).toEqual([
      { type: 'message', id: 'b', role: 'assistant', text: 'TWO' },
    ]);
    const changes = model.callsOf('updateHistory').map((call) => call.change);
    expect(
      changes.map(({ removed, added }) => ({
        removed,
        added: added.map((a) => [a.item.id, a.previousItemId]),
      })),
    ).toEqual([
      { removed: [], added: [['d', 'c']] },
      { removed: ['b'], added: [['b', 'a']] },
      { removed: ['a'], added: [] },
      { removed: [], added: [['z', null]] },
    ]);
    await agent.stop();
  });

  it('an invalid edit changes nothing and says which item is wrong', async () => {
    const { agent } = await startedAgent({}, { history: seed });
    expect(() => agent.updateHistory([msg('a', 'x'), msg('a', 'y')])).toThrow(
      /history\[1\]\.id "a" is used twice/,
    );
    expect(() => agent.updateHistory([msg('', 'x')])).toThrow(/history\[0\]\.id/);
    expect(agent.history).toEqual(seed);
    await agent.stop();
  });

  it('a model without updateHistory gets appended messages as input and is told of the rest', async () => {
    const clock = new TestClock();
    const model = new ScriptedModel({ clock });
    Object.assign(model, { updateHistory: undefined });
    const agent = new RealtimeAgent({ name: 'Ada', instructions: '', model, clock, history: seed });
    const errors: string[] = [];
    agent.on('agent_error', (event) => errors.push(event.code));
    await agent.start();
    agent.updateHistory((items) => [...items, msg('d', 'note', 'system')]);
    expect(model.sent.at(-1)).toEqual({ type: 'text', role: 'system', text: 'note' });
    agent.updateHistory((items) => items.slice(1));
    await settle();
    expect(errors).toEqual(['history_not_applied']);
    await agent.stop();
  });

  it('seeding is refused once the agent runs', async () => {
    const { agent } = await startedAgent();
    expect(() => agent.seedHistory(seed)).toThrow(/before the agent starts/);
    await agent.stop();
  });
});

describe('diffHistory', () => {
  it('a moved item is removed and added again; replaced items are removed and re-added for the model', () => {
    const before = [msg('a', '1'), msg('b', '2'), msg('c', '3')];
    const after = [msg('c', '3'), msg('a', '1'), msg('b', 'two')];
    const diff = diffHistory(before, after);
    expect(diff.removed).toEqual(['a', 'b']);
    expect(diff.added).toEqual([{ previousItemId: 'c', items: [msg('a', '1'), msg('b', 'two')] }]);
    const change = modelChange(after, diff);
    expect(change.added.map((a) => [a.item.id, a.previousItemId])).toEqual([
      ['a', 'c'],
      ['b', 'a'],
    ]);
  });
});

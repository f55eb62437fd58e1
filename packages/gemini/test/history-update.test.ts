import type { ConversationItem } from '@chorus/core';
import { afterEach, describe, expect, it } from 'vitest';
import { baseSession, Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const textSession = { ...baseSession, modalities: ['text'] as const, tools: [] };
const msg = (id: string, text: string): ConversationItem => ({ type: 'message', id, role: 'user', text });

describe('GeminiRealtimeModel.updateHistory', () => {
  it('sends appended items as clientContent turns that ask for no answer', async () => {
    harness = await Harness.start();
    const h = harness;
    await h.model.connect(textSession);
    h.model.updateHistory({
      history: [msg('a', 'one'), msg('b', 'the caller is a VIP')],
      removed: [],
      added: [{ item: msg('b', 'the caller is a VIP'), previousItemId: 'a' }],
    });
    await h.fake.waitForReceived((f) => JSON.stringify(f.message).includes('the caller is a VIP'));
    const sent = h.fake.received.map((f) => f.message?.clientContent).filter((c) => c !== undefined);
    expect(sent).toEqual([
      { turns: [{ role: 'user', parts: [{ text: 'the caller is a VIP' }] }], turnComplete: false },
    ]);
    expect(h.events.filter((e) => e.type === 'model_error')).toEqual([]);
  });

  it('reports a deletion as not applied, sending nothing', async () => {
    harness = await Harness.start();
    const h = harness;
    await h.model.connect(textSession);
    h.model.updateHistory({ history: [msg('a', 'one')], removed: ['b'], added: [] });
    const error = await h.waitFor('model_error');
    expect(error).toMatchObject({ code: 'history_edit_unsupported', fatal: false });
    expect(h.fake.received.some((f) => f.message?.clientContent !== undefined)).toBe(false);
  });
});

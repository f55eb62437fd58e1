import type { ConversationItem, SessionConfig } from '@chorus/core';
import { AdapterRig, invalidFrames, startFakeOpenAIRealtime } from '@chorus/fakes';
import { parseOpenAIClientEvent } from '@chorus/protocol/openai';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIRealtimeModel } from '../src/index.js';

const session: SessionConfig = {
  instructions: 'Be brief.',
  tools: [],
  modalities: ['text'],
  inputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'none' },
  inputTranscription: false,
};

const msg = (id: string, text: string): ConversationItem => ({ type: 'message', id, role: 'user', text });

const rig = new AdapterRig(async () => {
  const fake = await startFakeOpenAIRealtime();
  return {
    fake,
    model: new OpenAIRealtimeModel({ apiKey: 'test-key', url: `${fake.url}?model=gpt-realtime` }),
  };
});
afterEach(() => rig.stop());

describe('OpenAIRealtimeModel.updateHistory', () => {
  it('seeds on the first connect, then deletes and inserts items where the agent put them', async () => {
    const { f, m } = await rig.start();
    const seed = [msg('a', 'one'), msg('b', 'two'), msg('c', 'three')];
    await m.connect(session, { resume: { history: seed, attempt: 0 } });
    expect(f.connection.conversation.map((item) => item.id)).toEqual(['a', 'b', 'c']);
    m.updateHistory({
      history: [msg('z', 'zero'), msg('a', 'one'), msg('c', 'THREE')],
      removed: ['b', 'c'],
      added: [
        { item: msg('z', 'zero'), previousItemId: null },
        { item: msg('c', 'THREE'), previousItemId: 'a' },
      ],
    });
    await f.waitForReceived('conversation.item.create', 5);
    await f.waitFor(
      () => f.connection.conversation.map((item) => item.id).join() === 'z,a,c',
      'the edited conversation',
    );
    expect(f.connection.conversation.map((item) => item.id)).toEqual(['z', 'a', 'c']);
    expect(f.sent.filter((x) => x.event?.type === 'error')).toEqual([]);
    const edits = f.received
      .map((x) => x.event)
      .filter((event) => event?.type === 'conversation.item.delete' || event?.previous_item_id !== undefined);
    // The frames type-check against the official client's own event types.
    const typed: RealtimeClientEvent[] = edits as unknown as RealtimeClientEvent[];
    expect(
      typed.map((event) => [event.type, 'previous_item_id' in event ? event.previous_item_id : undefined]),
    ).toEqual([
      ['conversation.item.delete', undefined],
      ['conversation.item.delete', undefined],
      ['conversation.item.create', 'root'],
      ['conversation.item.create', 'a'],
    ]);
    expect(invalidFrames(f.received, parseOpenAIClientEvent)).toEqual([]);
    expect(m.conversation().map((item) => item.id)).toEqual(['z', 'a', 'c']);
  });
});

import type { ConversationItem, SessionConfig } from '@chorus/core';
import { AdapterRig, invalidFrames, startFakeDashScopeRealtime } from '@chorus/fakes';
import { parseDashScopeClientEvent } from '@chorus/protocol/dashscope';
import { afterEach, describe, expect, it } from 'vitest';
import { DashScopeRealtimeModel } from '../src/index.js';

const session: SessionConfig = {
  instructions: 'You are a hotel concierge.',
  tools: [],
  modalities: ['text'],
  inputAudioFormat: { type: 'audio/pcm', rate: 16000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'none' },
  inputTranscription: false,
};

const msg = (id: string, text: string): ConversationItem => ({ type: 'message', id, role: 'user', text });

const rig = new AdapterRig(async () => {
  const fake = await startFakeDashScopeRealtime();
  const url = `${fake.url}?model=qwen3-omni-flash-realtime`;
  return { fake, model: new DashScopeRealtimeModel({ apiKey: 'test-key', url }) };
});
afterEach(() => rig.stop());

describe('DashScopeRealtimeModel.updateHistory', () => {
  it('carries a seed and every edit in the instructions, with documented events only', async () => {
    const { f, m } = await rig.start();
    await m.connect(session, { resume: { history: [msg('a', 'I booked two nights')], attempt: 0 } });
    const instructions = () =>
      f
        .receivedOfType('session.update')
        .map((x) => String((x.event?.session as { instructions?: string } | undefined)?.instructions));
    expect(instructions()[0]).toContain('I booked two nights');
    m.updateHistory({
      history: [msg('a', 'I booked three nights')],
      removed: ['a'],
      added: [{ item: msg('a', 'I booked three nights'), previousItemId: null }],
    });
    await f.waitForReceived('session.update', 2);
    expect(instructions()[1]).toContain('I booked three nights');
    expect(instructions()[1]).not.toContain('two nights');
    expect(f.receivedOfType('conversation.item.create')).toEqual([]);
    expect(f.receivedOfType('conversation.item.delete')).toEqual([]);
    expect(invalidFrames(f.received, parseDashScopeClientEvent)).toEqual([]);
  });
});

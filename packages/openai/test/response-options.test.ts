import type { SessionConfig } from '@chorus/core';
import { AdapterRig, startFakeOpenAIRealtime } from '@chorus/fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIRealtimeModel } from '../src/index.js';

const session: SessionConfig = {
  instructions: 'Be brief.',
  tools: [],
  modalities: ['audio'],
  inputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'none' },
  inputTranscription: false,
};

const rig = new AdapterRig(async () => {
  const fake = await startFakeOpenAIRealtime();
  return {
    fake,
    model: new OpenAIRealtimeModel({ apiKey: 'test-key', url: `${fake.url}?model=gpt-realtime` }),
  };
});
afterEach(() => rig.stop());

describe('OpenAIRealtimeModel per-response options and seeded history', () => {
  it('sends instructions, output modalities and an out-of-band conversation in response.create', async () => {
    const { f, m, r } = await rig.start();
    await m.connect(session);
    m.createResponse({ instructions: 'Summarise.', modalities: ['text'], conversation: 'none' });
    await r.waitFor('model_response_done');
    expect(f.receivedOfType('response.create')[0]?.event).toEqual({
      type: 'response.create',
      response: {
        instructions: 'Summarise.',
        output_modalities: ['text'],
        conversation: 'none',
        // OpenAI's documented way to tell an out-of-band response apart: metadata it echoes back.
        metadata: { chorus_conversation: 'none' },
      },
    });
    expect(r.ofType('model_response_text_done')).toHaveLength(1);
    expect(r.ofType('model_response_created')[0]).toMatchObject({ conversation: 'none' });
  });

  it('keeps an out-of-band answer out of the conversation a renewed session replays', async () => {
    const { f, m, r } = await rig.start();
    await m.connect({ ...session, modalities: ['text'] });
    f.queueResponse({ text: 'In band.' }, { text: 'Out of band.' });
    m.send({ type: 'text', text: 'Hi' });
    m.createResponse();
    await r.waitFor('model_response_done');
    m.createResponse({ conversation: 'none' });
    await r.waitFor('model_response_done', 2);
    expect(m.conversation().map((item) => (item.type === 'message' ? item.text : item.type))).toEqual([
      'Hi',
      'In band.',
    ]);
    expect(r.ofType('model_response_created').map((e) => e.conversation)).toEqual([undefined, 'none']);
  });

  it('sends a response input, tools and tool_choice in response.create', async () => {
    const { f, m, r } = await rig.start();
    await m.connect(session);
    m.createResponse({
      conversation: 'none',
      input: [{ type: 'message', id: 'input_0', role: 'user', text: 'Summarise this.' }],
      tools: [{ name: 'note', description: 'Takes a note.', parameters: { type: 'object', properties: {} } }],
      toolChoice: 'required',
    });
    await r.waitFor('model_response_done');
    expect(f.receivedOfType('response.create')[0]?.event?.response).toMatchObject({
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Summarise this.' }] }],
      tools: [
        {
          type: 'function',
          name: 'note',
          description: 'Takes a note.',
          parameters: { type: 'object', properties: {} },
        },
      ],
      tool_choice: 'required',
    });
  });

  it('seeds assistant words as output_text and system words as input_text', async () => {
    const { f, m } = await rig.start();
    await m.connect(session);
    m.send({ type: 'text', text: 'Be formal.', role: 'system' });
    m.send({ type: 'text', text: 'Good day.', role: 'assistant' });
    await f.waitForReceived('conversation.item.create', 2);
    expect(f.receivedOfType('conversation.item.create').map((x) => x.event?.item)).toMatchObject([
      { role: 'system', content: [{ type: 'input_text', text: 'Be formal.' }] },
      { role: 'assistant', content: [{ type: 'output_text', text: 'Good day.' }] },
    ]);
  });

  it('surfaces rate_limits.updated as a typed model event', async () => {
    const { m, r } = await rig.start();
    await m.connect(session);
    m.createResponse();
    await r.waitFor('model_response_done');
    expect(r.ofType('model_rate_limits_updated')[0]).toEqual({
      type: 'model_rate_limits_updated',
      rate_limits: [
        { name: 'requests', limit: 1000, remaining: 999, reset_seconds: 60 },
        { name: 'tokens', limit: 50_000, remaining: 49_950, reset_seconds: 60 },
      ],
    });
  });
});

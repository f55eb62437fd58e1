import type { SessionConfig } from '@chorus/core';
import { AdapterRig, pcm16, pcm16Frames, startFakeOpenAIRealtime } from '@chorus/fakes';
import { OpenAIRealtimeModel } from '@chorus/openai';
import { afterEach, describe, expect, it } from 'vitest';
import { typecheckAgainstSdk } from './support/sdk-typecheck.js';

// The OpenAI adapter and the OpenAI fake, each checked against the official `openai` SDK types
// (7.60) rather than against each other: whatever the adapter sends must be a RealtimeClientEvent,
// whatever the fake sends a RealtimeServerEvent, so the two cannot agree on a wrong shape.

const session: SessionConfig = {
  instructions: 'You are terse.',
  tools: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
  voice: 'marin',
  modalities: ['audio'],
  inputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'server_vad', threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 },
  inputTranscription: true,
};

const rig = new AdapterRig(async () => {
  const fake = await startFakeOpenAIRealtime();
  return {
    fake,
    model: new OpenAIRealtimeModel({ apiKey: 'test-key', url: `${fake.url}?model=gpt-realtime` }),
  };
});
afterEach(() => rig.stop());

describe('OpenAI adapter and fake against the official openai SDK types', () => {
  it('a varied session: every adapter frame is a RealtimeClientEvent, every fake frame a RealtimeServerEvent (unverified: session id/object/expires_at, which the service documents and the SDK type lacks, are set aside)', async () => {
    const { f, m, r } = await rig.start();
    await m.connect(session);
    // Speech with server VAD.
    const rate = 24000;
    for (const part of [pcm16(300, rate, false), pcm16(400, rate, true), pcm16(700, rate, false)]) {
      for (const frame of pcm16Frames(part, rate))
        m.send({ type: 'audio', audio: frame, format: { type: 'audio/pcm', rate } });
    }
    await r.waitFor('model_response_done');
    // Text, a tool call and its result.
    f.queueResponse(
      { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', callId: 'call_7' }] },
      { text: 'Sunny in Paris.' },
    );
    m.send({ type: 'text', text: 'Weather in Paris?' });
    m.createResponse();
    await r.waitFor('model_response_done', 2);
    m.send({ type: 'tool_result', callId: 'call_7', name: 'get_weather', output: '{"sky":"sunny"}' });
    m.createResponse();
    await r.waitFor('model_response_done', 3);
    // Cancel and truncate, then a session change and a text-only response.
    f.queueResponse({ text: 'one two three four five six', pauseAfterChunks: 2 });
    const deltasBefore = r.ofType('model_response_audio_delta').length;
    m.send({ type: 'text', text: 'Count', role: 'system' });
    m.createResponse({ instructions: 'Count slowly.' });
    await r.waitFor('model_response_audio_delta', deltasBefore + 2);
    const itemId = r.ofType('model_response_audio_delta').at(-1)?.item_id as string;
    m.cancelResponse();
    m.truncate(itemId, 40);
    await r.waitFor('model_response_done', 4);
    m.updateSession({ modalities: ['text'], instructions: 'Write.' });
    m.send({ type: 'audio_commit' });
    m.send({ type: 'audio_clear' });
    m.send({ type: 'text', text: 'Write it' });
    m.createResponse();
    await r.waitFor('model_response_done', 5);
    // Out of band, with its own input, tools and tool choice.
    m.createResponse({
      conversation: 'none',
      input: [{ type: 'message', id: 'input_0', role: 'user', text: 'Summarise the call.' }],
      tools: [{ name: 'note', description: 'Takes a note.', parameters: { type: 'object', properties: {} } }],
      toolChoice: { type: 'function', name: 'note' },
    });
    await r.waitFor('model_response_done', 6);
    expect(r.ofType('model_response_created').at(-1)).toMatchObject({ conversation: 'none' });

    const sent = f.received.map((frame) => frame.event);
    const sentTypes = new Set(sent.map((e) => e?.type));
    expect(sentTypes.size).toBeGreaterThanOrEqual(7);
    const clientErrors = await typecheckAgainstSdk('RealtimeClientEvent', sent);
    expect(clientErrors.map((e) => `${(e.frame as { type?: string })?.type}: ${e.message}`)).toEqual([]);
    const serverErrors = await typecheckAgainstSdk(
      'RealtimeServerEvent',
      f.sent.map((frame) => frame.event),
      { untypedSessionFields: ['id', 'object', 'expires_at'] },
    );
    expect(serverErrors.map((e) => `${(e.frame as { type?: string })?.type}: ${e.message}`)).toEqual([]);
  }, 120_000);
});

import { ModelConnectError } from '@chorus/core/provider';
import { parseGeminiClientMessage, parseGeminiServerMessage } from '@chorus/protocol/gemini';
import { afterEach, describe, expect, it } from 'vitest';
import { speak } from './audio-frames.js';
import { baseSession, Harness, io } from './harness.js';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function start(...args: Parameters<typeof Harness.start>): Promise<Harness> {
  harness = await Harness.start(...args);
  return harness;
}

const textSession = { ...baseSession, modalities: ['text'] as const, tools: [] };

describe('GeminiRealtimeModel setup', () => {
  it('sends the exact setup payload and resolves on setupComplete', async () => {
    const h = await start();
    await h.model.connect(baseSession);
    expect(h.fake.messagesOf('setup')).toEqual([
      {
        model: 'models/gemini-3.8-live',
        generationConfig: {
          responseModalities: ['AUDIO'],
          speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
        },
        systemInstruction: { parts: [{ text: 'You are terse.' }] },
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Weather for a city',
                parameters: {
                  type: 'OBJECT',
                  properties: {
                    city: { type: 'STRING', description: 'City name' },
                    unit: { type: 'STRING', nullable: true, enum: ['c', 'f', null] },
                  },
                  required: ['city'],
                },
              },
            ],
          },
        ],
        realtimeInputConfig: {
          automaticActivityDetection: { disabled: false, prefixPaddingMs: 300, silenceDurationMs: 200 },
          activityHandling: 'START_OF_ACTIVITY_INTERRUPTS',
        },
        inputAudioTranscription: {},
        outputAudioTranscription: {},
        sessionResumption: {},
        contextWindowCompression: { slidingWindow: {} },
      },
    ]);
    expect(h.of('model_session_created')).toHaveLength(1);
    expect(h.fake.connections[0]?.key).toBe('test-key');
  });

  it('defaults to a model the Live API serves (gemini-3.8-live) and reports the service session id', async () => {
    const h = await start();
    await h.model.connect(baseSession);
    expect(h.fake.messagesOf('setup')[0]?.model).toBe('models/gemini-3.8-live');
    // setupComplete.sessionId names the session.
    expect(h.of('model_session_created')).toEqual([
      { type: 'model_session_created', session_id: 'session-1' },
    ]);
  });

  it.each(['gemini-live-2.5-flash-preview', 'gemini-2.0-flash-live-001'])(
    'fails fatally, once, on the retired model %s (1008 not found)',
    async (model) => {
      const h = await start({}, { model });
      await expect(h.model.connect(baseSession)).rejects.toMatchObject({
        code: 'model_not_found',
        fatal: true,
      });
      expect(h.fake.connections).toHaveLength(1);
    },
  );

  it('3.1 Live: replays the history through setup.historyConfig and a seeding clientContent, never clientContent later', async () => {
    const h = await start({}, { model: 'gemini-3.1-flash-live-preview' });
    await h.model.connect(textSession, {
      resume: {
        attempt: 1,
        history: [
          { type: 'message', id: 'm1', role: 'user', text: 'my name is Ana' },
          { type: 'message', id: 'm2', role: 'assistant', text: 'Hi Ana.' },
        ],
      },
    });
    expect(h.fake.messagesOf('setup')[0]?.historyConfig).toEqual({ initialHistoryInClientContent: true });
    h.model.send({ type: 'text', text: 'who am I?' });
    h.model.createResponse();
    await h.waitFor('model_response_done');
    expect(h.fake.messagesOf('clientContent')).toEqual([
      {
        turns: [
          { role: 'user', parts: [{ text: 'my name is Ana' }] },
          { role: 'model', parts: [{ text: 'Hi Ana.' }] },
        ],
        turnComplete: true,
      },
    ]);
    expect(h.fake.connections[0]?.open).toBe(true);
    expect(h.fake.sessionList[0]?.history.map((c) => c.parts?.[0]?.text)).toEqual([
      'my name is Ana',
      'Hi Ana.',
      'who am I?',
      'Okay.',
    ]);
  });

  it('disables automatic activity detection when the local VAD decides turns, and marks activity', async () => {
    const h = await start();
    h.fake.queueTurns({ inputTranscript: 'hi there', transcript: 'Hello.' });
    await h.model.connect({ ...baseSession, turnDetection: { type: 'none', interruptResponse: false } });
    expect(h.fake.messagesOf('setup')[0]?.realtimeInputConfig).toEqual({
      automaticActivityDetection: { disabled: true },
      activityHandling: 'NO_INTERRUPTION',
    });
    speak(h.model, 100);
    h.model.send({ type: 'audio_commit' });
    await h.waitFor('model_response_done');
    const kinds = h.fake.messagesOf('realtimeInput').map((m) => Object.keys(m)[0]);
    expect(kinds[0]).toBe('activityStart');
    expect(kinds.at(-1)).toBe('activityEnd');
    expect(kinds.filter((k) => k === 'audio')).toHaveLength(5);
  });
});

describe('GeminiRealtimeModel turns', () => {
  it('plays an audio turn: 24 kHz in becomes 16 kHz, transcripts and audio come back as events', async () => {
    const h = await start({ frameEncoding: 'alternate' });
    h.fake.queueTurns({
      inputTranscript: 'what is the weather',
      transcript: 'It is sunny today.',
      audioMs: 200,
      chunks: 4,
    });
    await h.model.connect(baseSession);
    speak(h.model, 300, 400);
    const done = await h.waitFor('model_response_done');
    const audio = h.fake.messagesOf('realtimeInput').flatMap((m) => (m.audio ? [m.audio] : []));
    expect(new Set(audio.map((a) => a.mimeType))).toEqual(new Set(['audio/pcm;rate=16000']));
    const inBytes = audio.reduce((sum, a) => sum + Buffer.from(a.data, 'base64').length, 0);
    // 700 ms at 16 kHz is 22400 bytes; the streaming resampler holds back a few samples.
    expect(inBytes).toBeGreaterThan(22000);
    expect(inBytes).toBeLessThanOrEqual(22400);
    expect(h.events.map((e) => e.type)).toEqual([
      'model_session_created',
      'model_raw',
      // The service's voiceActivity: speech starts and ends before the transcription arrives.
      'model_input_started',
      'model_input_done',
      'model_input_transcription_delta',
      'model_raw',
      'model_response_created',
      'model_response_audio_delta',
      'model_response_audio_transcript_delta',
      'model_response_audio_delta',
      'model_response_audio_transcript_delta',
      'model_response_audio_delta',
      'model_response_audio_transcript_delta',
      'model_response_audio_delta',
      'model_response_audio_transcript_delta',
      'model_raw',
      'model_response_audio_done',
      'model_response_audio_transcript_done',
      'model_response_done',
      'model_input_transcription_done',
      'model_raw',
    ]);
    const deltas = h.of('model_response_audio_delta');
    expect(deltas.every((d) => d.format.type === 'audio/pcm' && d.format.rate === 24000)).toBe(true);
    expect(deltas.every((d) => d.response_id === done.response_id && d.item_id === deltas[0]?.item_id)).toBe(
      true,
    );
    expect(deltas.reduce((sum, d) => sum + Buffer.from(d.delta, 'base64').length, 0)).toBe(9600);
    expect(h.of('model_response_audio_transcript_done')[0]?.transcript).toBe('It is sunny today.');
    expect(h.of('model_input_transcription_done')[0]?.transcript).toBe('what is the weather');
    expect(done).toMatchObject({ status: 'completed', input_tokens: 12, output_tokens: 34 });
    // Every frame both ways is valid protocol.
    for (const frame of h.fake.sent) expect(parseGeminiServerMessage(frame.text).ok).toBe(true);
    for (const frame of h.fake.received) expect(frame.error).toBeUndefined();
  });

  it('converts output audio to the client format (G.711 u-law 8 kHz)', async () => {
    const h = await start();
    h.fake.queueTurns({ transcript: 'Hi.', audioMs: 400, chunks: 2 });
    await h.model.connect({ ...baseSession, outputAudioFormat: { type: 'audio/pcmu', rate: 8000 } });
    h.model.send({ type: 'text', text: 'hello' });
    h.model.createResponse();
    await h.waitFor('model_response_done');
    const deltas = h.of('model_response_audio_delta');
    expect(deltas[0]?.format).toEqual({ type: 'audio/pcmu', rate: 8000 });
    const bytes = deltas.reduce((sum, d) => sum + Buffer.from(d.delta, 'base64').length, 0);
    // 400 ms at 8 kHz, one byte a sample, minus what the resampler still holds.
    expect(bytes).toBeGreaterThan(3100);
    expect(bytes).toBeLessThanOrEqual(3200);
  });

  it('plays a text turn on the default (audio-only) model: realtimeInput.text in, the transcription as text out', async () => {
    const h = await start({ frameEncoding: 'text' });
    h.fake.queueTurns({ transcript: 'Paris is nice.', chunks: 2 });
    await h.model.connect(textSession);
    const setup = h.fake.messagesOf('setup')[0];
    expect(setup?.generationConfig?.responseModalities).toEqual(['AUDIO']);
    expect(setup?.outputAudioTranscription).toEqual({});
    h.model.send({ type: 'text', text: 'Tell me about Paris', speaker: 'ana' });
    h.model.createResponse();
    const done = await h.waitFor('model_response_done');
    expect(h.fake.messagesOf('clientContent')).toEqual([]);
    expect(h.fake.messagesOf('realtimeInput')).toEqual([{ text: 'ana: Tell me about Paris' }]);
    expect(h.of('model_response_text_delta').map((e) => e.delta)).toEqual(['Paris', ' is nice.']);
    expect(h.of('model_response_audio_delta')).toEqual([]);
    expect(h.of('model_response_text_done')).toEqual([
      {
        type: 'model_response_text_done',
        response_id: done.response_id,
        item_id: expect.any(String),
        text: 'Paris is nice.',
      },
    ]);
    expect(done.status).toBe('completed');
  });

  it('sends text that asks for no answer as clientContent context on models that take it mid-session', async () => {
    const h = await start();
    await h.model.connect(textSession);
    h.model.send({ type: 'text', text: 'I am Bob', speaker: 'bob' });
    await h.fake.waitForReceived((f) => f.kind === 'clientContent');
    expect(h.fake.messagesOf('clientContent')).toEqual([
      { turns: [{ role: 'user', parts: [{ text: 'bob: I am Bob' }] }], turnComplete: false },
    ]);
    h.model.createResponse();
    await h.waitFor('model_response_done');
    expect(h.fake.messagesOf('clientContent').at(-1)).toEqual({ turnComplete: true });
    expect(h.fake.connections[0]?.open).toBe(true);
  });

  it('3.1 Live: never sends clientContent after setup; context text rides with the next text turn', async () => {
    const h = await start({}, { model: 'gemini-3.1-flash-live-preview' });
    h.fake.queueTurns({ transcript: 'Hi Bob and Ana.' });
    await h.model.connect(textSession);
    h.model.send({ type: 'text', text: 'I am Bob', speaker: 'bob' });
    await io(30);
    h.model.send({ type: 'text', text: 'who is here?', speaker: 'ana' });
    h.model.createResponse();
    await h.waitFor('model_response_done');
    h.model.createResponse(); // nothing new to answer: nothing is sent (the model answers speech itself)
    await io(30);
    expect(h.fake.messagesOf('clientContent')).toEqual([]);
    expect(h.fake.messagesOf('realtimeInput')).toEqual([{ text: 'bob: I am Bob\nana: who is here?' }]);
    expect(h.fake.connections[0]?.open).toBe(true);
  });

  it('round-trips a tool call and lets Gemini continue by itself', async () => {
    const h = await start();
    h.fake.queueTurns({
      toolCalls: [{ id: 'call-1', name: 'get_weather', args: { city: 'Paris' } }],
      afterTools: { transcript: 'Sunny.' },
    });
    await h.model.connect(baseSession);
    h.model.send({ type: 'text', text: 'Weather in Paris?' });
    h.model.createResponse();
    const call = await h.waitFor('model_response_tool_use_done');
    expect(call.tool_use).toEqual({
      id: 'call-1',
      name: 'get_weather',
      input: { city: 'Paris' },
      raw_input: '{"city":"Paris"}',
    });
    expect((await h.waitFor('model_response_done')).status).toBe('completed');
    h.model.send({ type: 'tool_result', callId: 'call-1', name: 'get_weather', output: '{"temp":21}' });
    h.model.createResponse();
    const second = await h.waitFor('model_response_done', () => true, 2);
    expect(h.fake.messagesOf('toolResponse')).toEqual([
      { functionResponses: [{ id: 'call-1', name: 'get_weather', response: { temp: 21 } }] },
    ]);
    // Only the question went out: after tool results Gemini answers on its own.
    expect(h.fake.messagesOf('realtimeInput')).toEqual([{ text: 'Weather in Paris?' }]);
    expect(h.fake.messagesOf('clientContent')).toEqual([]);
    expect(h.of('model_response_audio_transcript_done').at(-1)).toMatchObject({
      response_id: second.response_id,
      transcript: 'Sunny.',
    });
  });

  it('reports a tool call Gemini cancels when the user talks over it', async () => {
    const h = await start();
    h.fake.queueTurns({ toolCalls: [{ id: 'call-9', name: 'get_weather', args: { city: 'Oslo' } }] });
    await h.model.connect(baseSession);
    h.model.send({ type: 'text', text: 'Weather?' });
    h.model.createResponse();
    await h.waitFor('model_response_tool_use_done');
    speak(h.model, 100);
    expect(await h.waitFor('model_tool_call_cancelled')).toEqual({
      type: 'model_tool_call_cancelled',
      call_ids: ['call-9'],
    });
  });

  it('ends the response as cancelled when the user interrupts, and discards nothing after', async () => {
    const h = await start({ chunkIntervalMs: 20 });
    h.fake.queueTurns({ transcript: 'a very long answer indeed', audioMs: 2000, chunks: 40 });
    await h.model.connect(baseSession);
    h.model.send({ type: 'text', text: 'talk' });
    h.model.createResponse();
    const first = await h.waitFor('model_response_audio_delta');
    speak(h.model, 100);
    const done = await h.waitFor('model_response_done');
    expect(done).toMatchObject({ response_id: first.response_id, status: 'cancelled' });
    const started = await h.waitFor('model_input_started');
    // The service's voiceActivity announced the speech before its `interrupted` ended the answer.
    expect(h.events.indexOf(started)).toBeLessThan(h.events.indexOf(done));
    expect(started.audio_start_ms).toBeGreaterThan(0);
    await h.fake.waitForReceived(() => true);
    await io(60);
    expect(h.of('model_response_audio_delta').length).toBeLessThan(40);
    expect(h.of('model_response_done')).toHaveLength(1);
  });

  it('cancelResponse ends the response at once and discards the rest of the turn', async () => {
    const h = await start({ chunkIntervalMs: 10 });
    h.fake.queueTurns({ transcript: 'one two three four five six', audioMs: 600, chunks: 6 });
    await h.model.connect(baseSession);
    h.model.send({ type: 'text', text: 'count' });
    h.model.createResponse();
    await h.waitFor('model_response_audio_delta');
    h.model.cancelResponse();
    const count = h.of('model_response_audio_delta').length;
    expect(h.of('model_response_done')).toMatchObject([{ status: 'cancelled' }]);
    await h.fake.waitForReceived(() => true);
    await io(120);
    expect(h.of('model_response_audio_delta')).toHaveLength(count);
    expect(h.of('model_response_done')).toHaveLength(1);
    // The next turn is mapped normally again.
    h.model.send({ type: 'text', text: 'again' });
    h.model.createResponse();
    expect((await h.waitFor('model_response_done', () => true, 2)).status).toBe('completed');
  });
});

describe('GeminiRealtimeModel faults', () => {
  it('fails fatally on a bad key (1007) without retrying', async () => {
    const h = await start({}, { apiKey: 'wrong' });
    const error = await h.model.connect(baseSession).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelConnectError);
    expect(error).toMatchObject({ code: 'invalid_api_key', fatal: true });
    await io(50);
    expect(h.fake.connections).toHaveLength(1);
    expect(h.of('model_session_ended')).toEqual([]);
  });

  it('fails fatally when the upgrade itself is refused for the key (HTTP 400)', async () => {
    const h = await start({ authFailure: 'http' }, { apiKey: 'wrong' });
    await expect(h.model.connect(baseSession)).rejects.toMatchObject({
      code: 'invalid_api_key',
      fatal: true,
    });
  });

  it('treats a rate limit as retryable, by close and by HTTP 429', async () => {
    const h = await start();
    h.fake.inject({ type: 'rate_limit' });
    await expect(h.model.connect(baseSession)).rejects.toMatchObject({
      code: 'rate_limit_exceeded',
      fatal: false,
    });
    h.fake.inject({ type: 'rate_limit', via: 'http' });
    await expect(h.model.connect(baseSession)).rejects.toMatchObject({
      code: 'rate_limit_exceeded',
      fatal: false,
    });
    await h.model.connect(baseSession);
    expect(h.of('model_session_created')).toHaveLength(1);
  });

  for (const fault of [
    { type: 'drop_mid_response', afterChunks: 2 },
    { type: 'close_mid_response', afterChunks: 2, code: 1011 },
  ] as const) {
    it(`${fault.type}: ends the response incomplete, reports a retryable end, resumes with the handle, loses no input`, async () => {
      const h = await start();
      h.fake.inject(fault);
      await h.model.connect(baseSession);
      await h.waitFor('model_raw', (e) => JSON.stringify(e.event).includes('newHandle'));
      h.model.send({ type: 'text', text: 'first' });
      h.model.createResponse();
      const ended = await h.waitFor('model_session_ended');
      expect(ended.retryable).toBe(true);
      expect(ended.reason).toContain(fault.type === 'drop_mid_response' ? '1006' : '1011');
      expect(h.of('model_response_done').at(-1)?.status).toBe('incomplete');
      // Input during the gap is kept and delivered after the reconnect.
      h.model.send({ type: 'text', text: 'during the gap' });
      await h.model.connect(baseSession, { resume: { history: [], attempt: 1 } });
      const setup = h.fake.messagesOf('setup', 2)[0];
      expect(setup?.sessionResumption?.handle).toMatch(/^handle-session-1-/);
      expect(h.fake.connections[1]?.resumedFrom).toBe(setup?.sessionResumption?.handle);
      await h.fake.waitForReceived(
        (f) => f.connection === 2 && JSON.stringify(f.message).includes('during the gap'),
      );
      const texts = h.fake.received
        .filter((f) => f.connection === 2)
        .flatMap((f) => [
          ...(f.message?.realtimeInput?.text ? [f.message.realtimeInput.text] : []),
          ...(f.message?.clientContent?.turns ?? []).map((t) => t.parts?.[0]?.text),
        ]);
      expect(texts).toEqual(['first', 'during the gap']);
    });
  }

  it('reports a malformed frame as a non-fatal error and carries on', async () => {
    const h = await start();
    await h.model.connect(textSession);
    h.fake.inject({ type: 'malformed_frame' });
    const error = await h.waitFor('model_error');
    expect(error).toMatchObject({ code: 'invalid_server_message', fatal: false });
    expect(error.message).toContain('not valid JSON');
    h.model.send({ type: 'text', text: 'still there?' });
    h.model.createResponse();
    expect((await h.waitFor('model_response_done')).status).toBe('completed');
    expect(h.of('model_session_ended')).toEqual([]);
  });

  it('tolerates a slow pong within the timeout and detects a dead socket past it', async () => {
    const h = await start({}, { pingIntervalMs: 15_000, pongTimeoutMs: 30_000 });
    await h.model.connect(textSession);
    h.fake.inject({ type: 'slow_pong', delayMs: 100 });
    h.clock.increment(15_000); // ping 1
    await io(200); // its pong arrives, late
    h.clock.increment(29_000); // ping 2 at 30 s
    await io(200);
    h.clock.increment(20_000);
    expect(h.of('model_session_ended')).toEqual([]);
    h.fake.inject({ type: 'slow_pong', delayMs: Number.POSITIVE_INFINITY });
    h.clock.increment(15_000); // ping, never answered
    h.clock.increment(30_000);
    const ended = await h.waitFor('model_session_ended');
    expect(ended).toMatchObject({ retryable: true });
    expect(ended.reason).toContain('no pong');
    expect(h.fake.connections).toHaveLength(1);
  });

  it('on goAway closes the old socket first, resumes with the handle, and delivers input sent during the swap', async () => {
    const h = await start();
    await h.model.connect(textSession);
    await h.waitFor('model_raw', (e) => JSON.stringify(e.event).includes('newHandle'));
    h.fake.inject({ type: 'go_away', timeLeftMs: 30_000 });
    await h.waitFor('model_raw', (e) => JSON.stringify(e.event).includes('goAway'));
    h.model.send({ type: 'text', text: 'sent during the swap' });
    await h.fake.waitForReceived(
      (f) => f.connection === 2 && JSON.stringify(f.message).includes('sent during the swap'),
    );
    expect(h.fake.connections[0]).toMatchObject({ open: false, closeCode: 1000 });
    expect(h.fake.connections[1]).toMatchObject({
      open: true,
      resumedFrom: 'handle-session-1-1',
      sessionId: 'session-1',
    });
    expect(h.of('model_session_ended')).toEqual([]);
    expect(h.of('model_session_created')).toHaveLength(2);
    h.model.createResponse();
    expect((await h.waitFor('model_response_done')).status).toBe('completed');
  });

  it('on goAway mid-response waits for the turn to finish before swapping', async () => {
    const h = await start({ chunkIntervalMs: 15 });
    h.fake.queueTurns({ transcript: 'a b c d e f', chunks: 6 });
    await h.model.connect(textSession);
    h.model.send({ type: 'text', text: 'go' });
    h.model.createResponse();
    await h.waitFor('model_response_text_delta');
    h.fake.inject({ type: 'go_away', timeLeftMs: 60_000 });
    const done = await h.waitFor('model_response_done');
    expect(done.status).toBe('completed');
    await h.fake.waitForReceived((f) => f.connection === 2 && f.kind === 'setup');
    expect(h.fake.messagesOf('setup', 2)[0]?.sessionResumption?.handle).toBe('handle-session-1-2');
    expect(h.of('model_response_text_done')[0]?.text).toBe('a b c d e f');
  });
});

describe('GeminiRealtimeModel session renewal (simulated clock)', () => {
  it('renews the connection before the 10 min cap without a visible gap', async () => {
    // Keepalive is tested on its own; here pings stay out of the way of a 9 min jump in simulated time.
    const h = await start({}, { connectionRenewAfterMs: 9 * 60_000, pingIntervalMs: 24 * 60 * 60_000 });
    await h.model.connect(textSession);
    await h.waitFor('model_raw', (e) => JSON.stringify(e.event).includes('newHandle'));
    h.clock.increment(9 * 60_000 - 1);
    await io(30);
    expect(h.fake.connections).toHaveLength(1);
    h.clock.increment(1);
    h.model.send({ type: 'text', text: 'mid-swap' });
    await h.fake.waitForReceived((f) => f.connection === 2 && f.kind === 'setup');
    await h.fake.waitForReceived((f) => f.connection === 2 && JSON.stringify(f.message).includes('mid-swap'));
    expect(h.fake.connections[1]?.resumedFrom).toBe('handle-session-1-1');
    expect(h.of('model_session_ended')).toEqual([]);
    // The new connection gets its own cap timer.
    h.clock.increment(9 * 60_000);
    await h.fake.waitForReceived((f) => f.connection === 3 && f.kind === 'setup');
  });

  it('replays the history instead of an expired (2 h old) handle', async () => {
    const day = 24 * 60 * 60_000;
    const h = await start({}, { connectionRenewAfterMs: day, pingIntervalMs: day });
    await h.model.connect(textSession);
    await h.waitFor('model_raw', (e) => JSON.stringify(e.event).includes('newHandle'));
    h.clock.increment(2 * 60 * 60_000);
    h.fake.inject({ type: 'close', code: 1011 });
    await h.waitFor('model_session_ended');
    await h.model.connect(textSession, {
      resume: {
        attempt: 1,
        history: [
          { type: 'message', id: 'm1', role: 'user', text: 'my name is Ana' },
          { type: 'message', id: 'm2', role: 'assistant', text: 'Hi Ana.' },
          {
            type: 'function_call',
            id: 'f1',
            callId: 'c1',
            name: 'get_weather',
            arguments: '{"city":"Rome"}',
          },
          { type: 'function_call_output', id: 'f2', callId: 'c1', output: 'sunny' },
        ],
      },
    });
    expect(h.fake.messagesOf('setup', 2)[0]?.sessionResumption).toEqual({});
    expect(h.fake.connections[1]?.resumedFrom).toBeUndefined();
    await h.fake.waitForReceived((f) => f.kind === 'clientContent' && f.connection === 2);
    expect(h.fake.messagesOf('clientContent', 2)[0]).toEqual({
      turns: [
        { role: 'user', parts: [{ text: 'my name is Ana' }] },
        { role: 'model', parts: [{ text: 'Hi Ana.' }] },
        {
          role: 'model',
          parts: [{ functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Rome' } } }],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { id: 'c1', name: 'get_weather', response: { output: 'sunny' } } }],
        },
      ],
      turnComplete: false,
    });
  });

  it('refuses nothing silently: every client frame the adapter sent is valid protocol', async () => {
    const h = await start();
    await h.model.connect(baseSession);
    speak(h.model, 100, 300);
    h.model.send({ type: 'image', image: new Uint8Array([0xff, 0xd8, 0xff]), mimeType: 'image/jpeg' });
    h.model.send({
      type: 'tool_result',
      callId: 'x',
      name: 'get_weather',
      output: 'plain text',
      isError: true,
    });
    await h.fake.waitForReceived((f) => f.kind === 'toolResponse');
    for (const frame of h.fake.received) expect(frame.error).toBeUndefined();
    expect(h.fake.messagesOf('toolResponse')[0]?.functionResponses[0]?.response).toEqual({
      error: 'plain text',
    });
    expect(h.fake.messagesOf('realtimeInput').some((m) => m.video?.mimeType === 'image/jpeg')).toBe(true);
    expect(parseGeminiClientMessage({ setup: h.fake.messagesOf('setup')[0] }).ok).toBe(true);
  });
});

describe('GeminiRealtimeModel against the live service', () => {
  it.skipIf(!process.env.GEMINI_API_KEY)(
    'answers a text turn (needs GEMINI_API_KEY)',
    async () => {
      const { GeminiRealtimeModel } = await import('../src/gemini-realtime-model.js');
      const model = new GeminiRealtimeModel({
        apiKey: process.env.GEMINI_API_KEY ?? '',
        ...(process.env.GEMINI_LIVE_MODEL ? { model: process.env.GEMINI_LIVE_MODEL } : {}),
      });
      const done = new Promise<string>((resolve) => {
        model.events$.subscribe((event) => {
          if (event.type === 'model_response_done') resolve(event.status);
        });
      });
      try {
        await model.connect({ ...baseSession, tools: [] });
        model.send({ type: 'text', text: 'Say the word "ready".' });
        model.createResponse();
        expect(await done).toBe('completed');
      } finally {
        await model.close();
      }
    },
    30_000,
  );
});

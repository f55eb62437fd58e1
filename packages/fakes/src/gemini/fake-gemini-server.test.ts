import { base64FromBytes, bytesFromPcm16, generateSilence, generateTone } from '@chorus/audio';
import { parseGeminiServerMessage } from '@chorus/protocol/gemini';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGeminiServer } from './fake-gemini-server.js';
import type { FakeGeminiServerOptions } from './fake-gemini-types.js';
import { openTestClient, type TestClient } from './test-client.js';

let fake: FakeGeminiServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeGeminiServerOptions = {}): Promise<FakeGeminiServer> {
  fake = await FakeGeminiServer.start(options);
  return fake;
}

async function connect(server: FakeGeminiServer, setup: Record<string, unknown> = {}): Promise<TestClient> {
  const client = await openTestClient(`${server.url}?key=${server.apiKey}`);
  clients.push(client);
  client.send({ setup: { model: 'models/gemini-3.8-live', ...setup } });
  await client.waitFor((m) => 'setupComplete' in m);
  return client;
}

function audio(samples: Int16Array): Record<string, unknown> {
  return {
    realtimeInput: {
      audio: { data: base64FromBytes(bytesFromPcm16(samples)), mimeType: 'audio/pcm;rate=16000' },
    },
  };
}

const speech = (ms: number) => audio(generateTone(300, ms, 16000, 0.5));
const silence = (ms: number) => audio(generateSilence(ms, 16000));

/**
 * Resolves once the fake has answered a ping sent now. The fake handles a socket's frames in order
 * and answers each at once, so whatever it sent for the frames before the ping has arrived by then.
 */
async function answered(client: TestClient): Promise<void> {
  const before = client.pongs;
  client.ping();
  while (client.pongs === before) await new Promise((resolve) => setImmediate(resolve));
}

function parsedFrames(client: TestClient): Record<string, unknown>[] {
  return client.frames.flatMap((frame) => {
    try {
      return [JSON.parse(frame.text) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

function expectAllSentFramesValid(server: FakeGeminiServer): void {
  const sent = server.sent.filter((frame) => !frame.malformed);
  expect(sent.length).toBeGreaterThan(0);
  for (const frame of sent) {
    const result = parseGeminiServerMessage(frame.text);
    expect(result.ok ? 'valid' : result.error.message).toBe('valid');
    expect(result.ok && result.kind).not.toBe('unknown');
  }
}

describe('FakeGeminiServer handshake', () => {
  it('refuses a bad key with a 1007 close after the upgrade', async () => {
    const server = await start();
    const client = await openTestClient(`${server.url}?key=wrong`);
    clients.push(client);
    expect(await client.closed).toEqual({
      code: 1007,
      reason: 'API key not valid. Please pass a valid API key.',
    });
  });

  it('refuses a bad key with HTTP 400 when configured so, and an unknown path with 404', async () => {
    const server = await start({ authFailure: 'http' });
    await expect(openTestClient(`${server.url}?key=wrong`)).rejects.toThrow('HTTP 400');
    await expect(openTestClient(`ws://127.0.0.1:${server.port}/elsewhere?key=test-key`)).rejects.toThrow(
      'HTTP 404',
    );
  });

  it('answers setup with setupComplete and a resumption handle, and records the setup', async () => {
    const server = await start();
    const client = await connect(server, { sessionResumption: {} });
    await client.waitFor((m) => 'sessionResumptionUpdate' in m);
    expect(parsedFrames(client).slice(0, 2)).toEqual([
      { setupComplete: { sessionId: 'session-1' } },
      { sessionResumptionUpdate: { newHandle: 'handle-session-1-1', resumable: true } },
    ]);
    expect(server.messagesOf('setup')).toEqual([{ model: 'models/gemini-3.8-live', sessionResumption: {} }]);
    expect(server.connections[0]).toMatchObject({
      id: 1,
      key: 'test-key',
      sessionId: 'session-1',
      open: true,
    });
  });

  it('closes with 1007 when the first message is not setup', async () => {
    const server = await start();
    const client = await openTestClient(`${server.url}?key=test-key`);
    clients.push(client);
    client.send({ realtimeInput: { text: 'hi' } });
    expect(await client.closed).toEqual({ code: 1007, reason: 'The first message must be setup.' });
  });
});

describe('FakeGeminiServer turns', () => {
  it('answers a text turn with 24 kHz audio, transcription, generationComplete and turnComplete', async () => {
    const server = await start({ frameEncoding: 'alternate' });
    server.queueTurns({ transcript: 'one two three four', audioMs: 100, chunks: 2 });
    const client = await connect(server, { outputAudioTranscription: {} });
    client.send({
      clientContent: { turns: [{ role: 'user', parts: [{ text: 'count' }] }], turnComplete: true },
    });
    await client.waitFor(
      (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
    const content = parsedFrames(client)
      .map((m) => m.serverContent as Record<string, unknown> | undefined)
      .filter((c) => c !== undefined);
    const audioParts = content.flatMap(
      (c) =>
        (c.modelTurn as { parts: { inlineData: { mimeType: string; data: string } }[] } | undefined)?.parts ??
        [],
    );
    expect(audioParts).toHaveLength(2);
    expect(audioParts.map((p) => p.inlineData.mimeType)).toEqual([
      'audio/pcm;rate=24000',
      'audio/pcm;rate=24000',
    ]);
    // 50 ms at 24 kHz, 2 bytes a sample.
    expect(Buffer.from(audioParts[0]?.inlineData.data ?? '', 'base64').length).toBe(2400);
    expect(
      content.flatMap((c) =>
        c.outputTranscription ? [(c.outputTranscription as { text: string }).text] : [],
      ),
    ).toEqual(['one two', ' three four']);
    expect(content.slice(-2)).toEqual([{ generationComplete: true }, { turnComplete: true }]);
    expect(client.frames.some((f) => f.binary)).toBe(true);
    expect(client.frames.some((f) => !f.binary)).toBe(true);
    expect(server.sessionList[0]?.history).toEqual([
      { role: 'user', parts: [{ text: 'count' }] },
      { role: 'model', parts: [{ text: 'one two three four' }] },
    ]);
    expectAllSentFramesValid(server);
  });

  it('answers with text parts in a TEXT session of a model that allows one (a test model: no current Live model does)', async () => {
    const server = await start({
      models: [{ name: 'gemini-text-test', audioOnlyOutput: false, clientContentMidSession: true }],
    });
    server.queueTurns({ transcript: 'a b', chunks: 2 });
    const client = await connect(server, {
      model: 'models/gemini-text-test',
      generationConfig: { responseModalities: ['TEXT'] },
    });
    client.send({ realtimeInput: { text: 'hi' } });
    await client.waitFor(
      (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
    const parts = parsedFrames(client).flatMap(
      (m) =>
        ((m.serverContent as { modelTurn?: { parts: unknown[] } } | undefined)?.modelTurn?.parts ??
          []) as unknown[],
    );
    expect(parts).toEqual([{ text: 'a' }, { text: ' b' }]);
  });

  it('detects speech from audio energy, transcribes it and answers after the silence', async () => {
    const server = await start();
    server.queueTurns({ inputTranscript: 'what time is it', transcript: 'Noon.' });
    const client = await connect(server, {
      inputAudioTranscription: {},
      realtimeInputConfig: { automaticActivityDetection: { silenceDurationMs: 200 } },
    });
    client.send(speech(300));
    client.send(silence(100));
    await answered(client);
    expect(parsedFrames(client).some((m) => 'serverContent' in m)).toBe(false);
    client.send(silence(100));
    const heard = await client.waitFor((m) => 'serverContent' in m);
    expect(heard).toEqual({ serverContent: { inputTranscription: { text: 'what time is it' } } });
    await client.waitFor(
      (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
  });

  it('interrupts a turn the user talks over: interrupted, then turnComplete, no generationComplete', async () => {
    const server = await start({ chunkIntervalMs: 20 });
    server.queueTurns({ transcript: 'a long answer', audioMs: 2000, chunks: 40 });
    const client = await connect(server);
    client.send({ realtimeInput: { text: 'talk' } });
    await client.waitFor(
      (m) => (m.serverContent as { modelTurn?: unknown } | undefined)?.modelTurn !== undefined,
    );
    client.send(speech(100));
    await client.waitFor(
      (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
    const tail = parsedFrames(client)
      .map((m) => m.serverContent as Record<string, unknown> | undefined)
      .filter((c) => c !== undefined && c.modelTurn === undefined);
    expect(tail).toEqual([{ interrupted: true }, { turnComplete: true }]);
  });

  it('uses activityStart/activityEnd when automatic activity detection is disabled', async () => {
    const server = await start();
    server.queueTurns({ inputTranscript: 'manual', transcript: 'ok' });
    const client = await connect(server, {
      inputAudioTranscription: {},
      realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
    });
    client.send({ realtimeInput: { activityStart: {} } });
    client.send(speech(200));
    client.send(silence(1000));
    await answered(client);
    expect(parsedFrames(client).some((m) => 'serverContent' in m)).toBe(false);
    client.send({ realtimeInput: { activityEnd: {} } });
    expect(await client.waitFor((m) => 'serverContent' in m)).toEqual({
      serverContent: { inputTranscription: { text: 'manual' } },
    });
  });

  it('makes tool calls, waits for the toolResponse, then finishes the turn', async () => {
    const server = await start();
    server.queueTurns({
      toolCalls: [{ name: 'get_time', args: { zone: 'UTC' } }],
      afterTools: { transcript: 'It is noon.' },
    });
    const client = await connect(server, { outputAudioTranscription: {} });
    client.send({ realtimeInput: { text: 'time?' } });
    const call = await client.waitFor((m) => 'toolCall' in m);
    expect(call).toEqual({
      toolCall: { functionCalls: [{ id: 'function-call-1-1', name: 'get_time', args: { zone: 'UTC' } }] },
    });
    client.send({
      toolResponse: {
        functionResponses: [{ id: 'function-call-1-1', name: 'get_time', response: { time: '12:00' } }],
      },
    });
    await client.waitFor(
      (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
    expect(
      parsedFrames(client).some(
        (m) =>
          (m.serverContent as { outputTranscription?: { text: string } } | undefined)?.outputTranscription
            ?.text === 'It',
      ),
    ).toBe(true);
    expectAllSentFramesValid(server);
  });

  it('cancels pending tool calls when the user talks over them', async () => {
    const server = await start();
    server.queueTurns({ toolCalls: [{ id: 'c1', name: 'slow' }] });
    const client = await connect(server);
    client.send({ realtimeInput: { text: 'go' } });
    await client.waitFor((m) => 'toolCall' in m);
    client.send(speech(100));
    expect(await client.waitFor((m) => 'toolCallCancellation' in m)).toEqual({
      toolCallCancellation: { ids: ['c1'] },
    });
  });
});

describe('FakeGeminiServer session resumption', () => {
  it('restores the conversation from a handle on a new connection', async () => {
    const server = await start();
    const first = await connect(server, { sessionResumption: {} });
    first.send({
      clientContent: { turns: [{ role: 'user', parts: [{ text: 'remember 7' }] }], turnComplete: true },
    });
    const update = await first.waitFor(
      (m) =>
        (m.sessionResumptionUpdate as { newHandle?: string } | undefined)?.newHandle === 'handle-session-1-2',
    );
    const handle = (update.sessionResumptionUpdate as { newHandle: string }).newHandle;
    first.close();
    await first.closed;
    // A resume is refused while the old socket is open on the server's side: wait until it is not.
    while (server.connections[0]?.open) await new Promise((resolve) => setImmediate(resolve));
    await connect(server, { sessionResumption: { handle } });
    expect(server.connections[1]).toMatchObject({ sessionId: 'session-1', resumedFrom: handle });
    expect(server.sessionList).toHaveLength(1);
    expect(server.sessionList[0]?.history[0]).toEqual({ role: 'user', parts: [{ text: 'remember 7' }] });
  });

  it('refuses a resume while the old connection is still open with 1011 (reported by aicc2025/sip-to-ai PR 14; unverified: the reason text)', async () => {
    const server = await start();
    const first = await connect(server, { sessionResumption: {} });
    const update = await first.waitFor((m) => 'sessionResumptionUpdate' in m);
    const handle = (update.sessionResumptionUpdate as { newHandle: string }).newHandle;
    const second = await openTestClient(`${server.url}?key=test-key`);
    clients.push(second);
    second.send({ setup: { model: 'models/gemini-3.8-live', sessionResumption: { handle } } });
    expect((await second.closed).code).toBe(1011);
  });

  it('refuses an unknown handle with 1007, as field reports show after a 1011 (unverified: the reason text)', async () => {
    const server = await start();
    const third = await openTestClient(`${server.url}?key=test-key`);
    clients.push(third);
    third.send({ setup: { model: 'models/gemini-3.8-live', sessionResumption: { handle: 'nope' } } });
    expect((await third.closed).code).toBe(1007);
  });
});

describe('FakeGeminiServer models', () => {
  it.each(['gemini-live-2.5-flash-preview', 'gemini-2.0-flash-live-001', 'gemini-no-such-model'])(
    'refuses %s at setup with 1008 "is not found ... bidiGenerateContent", as the service does',
    async (model) => {
      const server = await start();
      const client = await openTestClient(`${server.url}?key=test-key`);
      clients.push(client);
      client.send({ setup: { model: `models/${model}` } });
      expect(await client.closed).toEqual({
        code: 1008,
        reason: `models/${model} is not found for API version v1beta, or is not supported for bidiGenerateContent`,
      });
    },
  );

  it('unverified: refuses a TEXT response modality on an audio-only model with 1007', async () => {
    const server = await start();
    const client = await openTestClient(`${server.url}?key=test-key`);
    clients.push(client);
    client.send({
      setup: { model: 'models/gemini-3.8-live', generationConfig: { responseModalities: ['TEXT'] } },
    });
    expect((await client.closed).code).toBe(1007);
  });

  it('3.1 Live: refuses clientContent after setup with 1007 (livekit/agents PR 5251), takes realtimeInput.text', async () => {
    const server = await start();
    server.queueTurns({ transcript: 'yes' });
    const client = await connect(server, { model: 'models/gemini-3.1-flash-live-preview' });
    client.send({ realtimeInput: { text: 'hi' } });
    await client.waitFor(
      (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
    client.send({
      clientContent: { turns: [{ role: 'user', parts: [{ text: 'late' }] }], turnComplete: true },
    });
    expect((await client.closed).code).toBe(1007);
  });

  it('3.1 Live: takes a history seeded right after a setup with historyConfig, without answering it', async () => {
    const server = await start();
    const client = await connect(server, {
      model: 'models/gemini-3.1-flash-live-preview',
      historyConfig: { initialHistoryInClientContent: true },
    });
    client.send({
      clientContent: {
        turns: [
          { role: 'user', parts: [{ text: 'my name is Ana' }] },
          { role: 'model', parts: [{ text: 'Hi Ana.' }] },
        ],
        turnComplete: true,
      },
    });
    client.send({ realtimeInput: { text: 'who am I?' } });
    await client.waitFor(
      (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
    expect(server.sessionList[0]?.history.slice(0, 3)).toEqual([
      { role: 'user', parts: [{ text: 'my name is Ana' }] },
      { role: 'model', parts: [{ text: 'Hi Ana.' }] },
      { role: 'user', parts: [{ text: 'who am I?' }] },
    ]);
    // One answer: the seeded history did not trigger a model call.
    expect(
      parsedFrames(client).filter(
        (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete,
      ),
    ).toHaveLength(1);
    client.send({ clientContent: { turnComplete: true } });
    expect((await client.closed).code).toBe(1007);
  });

  it('unverified: sends voiceActivity at the start and end of speech, and voiceActivityDetectionSignal when asked', async () => {
    const server = await start();
    const client = await connect(server, {
      explicitVadSignal: true,
      realtimeInputConfig: { automaticActivityDetection: { silenceDurationMs: 200 } },
    });
    client.send(speech(300));
    client.send(silence(300));
    await client.waitFor(
      (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
    const activity = parsedFrames(client).filter(
      (m) => 'voiceActivity' in m || 'voiceActivityDetectionSignal' in m,
    );
    expect(activity).toEqual([
      { voiceActivity: { voiceActivityType: 'ACTIVITY_START' } },
      { voiceActivityDetectionSignal: { vadSignalType: 'VAD_SIGNAL_TYPE_SOS' } },
      { voiceActivity: { voiceActivityType: 'ACTIVITY_END' } },
      { voiceActivityDetectionSignal: { vadSignalType: 'VAD_SIGNAL_TYPE_EOS' } },
    ]);
    expectAllSentFramesValid(server);
  });
});

describe('FakeGeminiServer faults', () => {
  it('drops the socket mid-response without a close frame', async () => {
    const server = await start();
    server.inject({ type: 'drop_mid_response', afterChunks: 2 });
    const client = await connect(server);
    client.send({ realtimeInput: { text: 'hi' } });
    expect((await client.closed).code).toBe(1006);
    const audioFrames = parsedFrames(client).filter(
      (m) => (m.serverContent as { modelTurn?: unknown } | undefined)?.modelTurn,
    );
    expect(audioFrames).toHaveLength(2);
  });

  it('closes with 1011 mid-response and now', async () => {
    const server = await start();
    server.inject({ type: 'close_mid_response', afterChunks: 1 });
    const client = await connect(server);
    client.send({ realtimeInput: { text: 'hi' } });
    expect(await client.closed).toEqual({ code: 1011, reason: 'Internal error occurred.' });
    const other = await connect(server);
    server.inject({ type: 'close', code: 1011 });
    expect((await other.closed).code).toBe(1011);
  });

  it('sends goAway with the time left, then closes', async () => {
    const server = await start();
    const client = await connect(server);
    server.inject({ type: 'go_away', timeLeftMs: 50 });
    expect(await client.waitFor((m) => 'goAway' in m)).toEqual({ goAway: { timeLeft: '0.05s' } });
    expect((await client.closed).code).toBe(1000);
    expectAllSentFramesValid(server);
  });

  it('delays pongs, or never sends them', async () => {
    // Real sockets, so only lower bounds on time are asserted: a busy machine makes pongs later,
    // never earlier.
    const server = await start();
    const client = await connect(server);
    const pongAfterPing = async (): Promise<number> => {
      const before = client.pongs;
      const sent = performance.now();
      client.ping();
      while (client.pongs === before) await new Promise((resolve) => setImmediate(resolve));
      return performance.now() - sent;
    };
    await pongAfterPing();
    expect(client.pongs).toBe(1);
    server.inject({ type: 'slow_pong', delayMs: 80 });
    expect(await pongAfterPing()).toBeGreaterThanOrEqual(79);
    expect(client.pongs).toBe(2);
    server.inject({ type: 'slow_pong', delayMs: Number.POSITIVE_INFINITY });
    client.ping();
    // The fake answers a ping as soon as it reads it, before the frames after it: once the reply to
    // a turn sent after the ping is here, a pong that was coming would have come.
    client.send({
      clientContent: { turns: [{ role: 'user', parts: [{ text: 'still there?' }] }], turnComplete: true },
    });
    await client.waitFor((m) => 'serverContent' in m);
    expect(client.pongs).toBe(2);
  });

  it('sends a malformed frame that the parser refuses', async () => {
    const server = await start({ frameEncoding: 'text' });
    const client = await connect(server);
    server.inject({ type: 'malformed_frame' });
    await answered(client);
    const last = client.frames.at(-1);
    expect(last?.text).toBe('{"serverContent": {"modelTurn": ');
    expect(parseGeminiServerMessage(last?.text ?? '').ok).toBe(false);
  });

  it('refuses the next connection for rate limiting, by close or by HTTP 429', async () => {
    const server = await start();
    server.inject({ type: 'rate_limit' });
    const limited = await openTestClient(`${server.url}?key=test-key`);
    clients.push(limited);
    expect(await limited.closed).toEqual({
      code: 1011,
      reason: 'Resource has been exhausted (e.g. check quota).',
    });
    server.inject({ type: 'rate_limit', via: 'http' });
    await expect(openTestClient(`${server.url}?key=test-key`)).rejects.toThrow('HTTP 429');
    await connect(server);
  });

  it('records invalid client frames and closes with 1007', async () => {
    const server = await start();
    const client = await connect(server);
    client.sendRaw('not json');
    expect((await client.closed).code).toBe(1007);
    expect(server.received.at(-1)?.error).toContain('not valid JSON');
  });
});

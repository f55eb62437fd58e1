import type { SessionConfig } from '@chorus/core/provider';
import { ModelConnectError } from '@chorus/core/provider';
import { TestClock } from '@chorus/core/testing';
import {
  AdapterRig,
  type FakeRealtimeServer,
  type FakeServerOptions,
  invalidFrames,
  type ModelEventRecorder,
  pcm16,
  pcm16Frames,
  startFakeOpenAIRealtime,
} from '@chorus/fakes';
import { audioDeltaBytes } from '@chorus/protocol';
import { parseOpenAIClientEvent, parseOpenAIServerEvent } from '@chorus/protocol/openai';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIRealtimeModel, type OpenAIRealtimeOptions } from '../src/index.js';

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
  inputAudioFormat: { type: 'audio/pcm', rate: 16000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'server_vad', threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 },
  inputTranscription: true,
};

const textSession: SessionConfig = { ...session, modalities: ['text'], turnDetection: { type: 'none' } };

const rig = new AdapterRig(
  async (options: Partial<OpenAIRealtimeOptions> = {}, fakeOptions: FakeServerOptions = {}) => {
    const fake = await startFakeOpenAIRealtime(fakeOptions);
    const url = `${fake.url}?model=gpt-realtime`;
    return { fake, model: new OpenAIRealtimeModel({ apiKey: 'test-key', url, ...options }) };
  },
);
afterEach(() => rig.stop());
const setup = rig.start.bind(rig);

/**
 * Sockets the model opened: the adapter reads its URL once per socket it opens, synchronously, so a
 * test can tell that no socket was opened without waiting for one that should not come.
 */
let socketsOpened = 0;
const countingRig = new AdapterRig(async (options: Partial<OpenAIRealtimeOptions> = {}) => {
  const fake = await startFakeOpenAIRealtime();
  const url = `${fake.url}?model=gpt-realtime`;
  socketsOpened = 0;
  const model = new OpenAIRealtimeModel({
    apiKey: 'test-key',
    ...options,
    get url() {
      socketsOpened++;
      return url;
    },
  });
  return { fake, model };
});
afterEach(() => countingRig.stop());
const countingSetup = countingRig.start.bind(countingRig);

/** Every frame the adapter sent must be a valid GA client event; every fake frame a valid server event. */
function expectValidTraffic(f: FakeRealtimeServer): void {
  expect(invalidFrames(f.received, parseOpenAIClientEvent)).toEqual([]);
  expect(invalidFrames(f.sent, parseOpenAIServerEvent)).toEqual([]);
}

function sendSpeech(m: OpenAIRealtimeModel, rate = 16000): void {
  const audio = [pcm16(300, rate, false), pcm16(400, rate, true), pcm16(700, rate, false)];
  for (const part of audio)
    for (const frame of pcm16Frames(part, rate))
      m.send({ type: 'audio', audio: frame, format: { type: 'audio/pcm', rate } });
}

describe('OpenAIRealtimeModel against the fake', () => {
  it('sends the exact GA session and resolves once it is accepted', async () => {
    const { f, m, r } = await setup();
    await m.connect(session);
    expect(f.receivedOfType('session.update').map((x) => x.event)).toEqual([
      {
        type: 'session.update',
        session: {
          type: 'realtime',
          instructions: 'You are terse.',
          output_modalities: ['audio'],
          audio: {
            input: {
              format: { type: 'audio/pcm', rate: 24000 },
              transcription: { model: 'gpt-4o-mini-transcribe' },
              turn_detection: {
                type: 'server_vad',
                threshold: 0.5,
                prefix_padding_ms: 300,
                silence_duration_ms: 500,
              },
            },
            output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
          },
          tools: [
            {
              type: 'function',
              name: 'get_weather',
              description: 'Weather for a city',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            },
          ],
          tool_choice: 'auto',
        },
      },
    ]);
    expect(f.connection.model).toBe('gpt-realtime');
    expect(r.ofType('model_session_created')).toEqual([
      { type: 'model_session_created', session_id: expect.stringMatching(/^sess_/) },
    ]);
    expect(m.connected).toBe(true);
  });

  it('runs an audio turn: 16 kHz in, resampled to 24 kHz, VAD, transcript, audio out', async () => {
    const { f, m, r } = await setup();
    await m.connect(session);
    sendSpeech(m);
    await r.waitFor('model_response_done');
    expect(r.types()).toEqual([
      'model_session_created',
      'model_input_started',
      'model_input_done',
      'model_input_transcription_delta',
      'model_input_transcription_done',
      'model_response_created',
      'model_rate_limits_updated',
      'model_response_audio_delta',
      'model_response_audio_transcript_delta',
      'model_response_audio_delta',
      'model_response_audio_transcript_delta',
      'model_response_audio_done',
      'model_response_audio_transcript_done',
      'model_response_done',
    ]);
    expect(r.ofType('model_input_transcription_done')[0]).toMatchObject({ transcript: 'hello' });
    expect(r.ofType('model_response_audio_transcript_done')[0]).toMatchObject({ transcript: 'Hello there.' });
    expect(r.ofType('model_response_audio_delta')[0]?.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    // Audio delta frames are read as bytes, straight from what the socket received.
    for (const delta of r.ofType('model_response_audio_delta')) {
      const bytes = audioDeltaBytes(delta);
      expect(bytes).toBeDefined();
      expect(Buffer.from(bytes as Uint8Array).toString('base64')).toBe(delta.delta);
    }
    expect(r.ofType('model_response_done')[0]).toMatchObject({
      status: 'completed',
      input_tokens: 10,
      output_tokens: 2,
    });
    // 1400 ms at 24 kHz is 67,200 bytes; the resampler may hold back a few ms of filter delay.
    const sentBytes = f
      .receivedOfType('input_audio_buffer.append')
      .reduce((n, x) => n + Buffer.from(String(x.event?.audio), 'base64').length, 0);
    expect(sentBytes).toBeGreaterThan(66_000);
    expect(sentBytes).toBeLessThanOrEqual(67_200);
    expectValidTraffic(f);
  });

  it('runs a text turn', async () => {
    const { f, m, r } = await setup();
    await m.connect(textSession);
    m.send({ type: 'text', text: 'What time is it?' });
    m.createResponse();
    await r.waitFor('model_response_done');
    expect(f.receivedOfType('conversation.item.create')[0]?.event).toMatchObject({
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What time is it?' }] },
    });
    expect(
      r
        .ofType('model_response_text_delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('Hello there.');
    expect(r.ofType('model_response_text_done')[0]).toMatchObject({ text: 'Hello there.' });
    expect(f.receivedOfType('session.update')[0]?.event).toMatchObject({
      session: { output_modalities: ['text'], audio: { input: { turn_detection: null } } },
    });
    expectValidTraffic(f);
  });

  it('round-trips a tool call: argument deltas, done item, result, follow-up response', async () => {
    const { f, m, r } = await setup();
    f.queueResponse(
      { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', callId: 'call_42' }] },
      { text: 'Sunny in Paris.' },
    );
    await m.connect(textSession);
    m.createResponse();
    await r.waitFor('model_response_done');
    expect(r.ofType('model_response_tool_use_delta').map((e) => e.tool_use.raw_input)).toEqual([
      '{"city',
      '{"city":"Par',
      '{"city":"Paris"}',
    ]);
    expect(r.ofType('model_response_tool_use_done')).toEqual([
      {
        type: 'model_response_tool_use_done',
        response_id: expect.any(String),
        item_id: expect.any(String),
        tool_use: {
          id: 'call_42',
          name: 'get_weather',
          input: { city: 'Paris' },
          raw_input: '{"city":"Paris"}',
        },
      },
    ]);
    m.send({ type: 'tool_result', callId: 'call_42', name: 'get_weather', output: '{"sky":"sunny"}' });
    m.createResponse();
    await r.waitFor('model_response_done', 2);
    expect(f.receivedOfType('conversation.item.create')[0]?.event).toMatchObject({
      item: { type: 'function_call_output', call_id: 'call_42', output: '{"sky":"sunny"}' },
    });
    expect(r.ofType('model_response_text_done')[0]).toMatchObject({ text: 'Sunny in Paris.' });
    expectValidTraffic(f);
  });

  it('interrupts: response.cancel, then truncate at the heard position (clamped to audio received)', async () => {
    const { f, m, r } = await setup();
    f.queueResponse({ text: 'one two three four five six', pauseAfterChunks: 3 });
    await m.connect({ ...session, turnDetection: { type: 'none' } });
    m.createResponse();
    await r.waitFor('model_response_audio_delta', 3);
    const itemId = r.ofType('model_response_audio_delta')[0]?.item_id as string;
    const responseId = r.ofType('model_response_created')[0]?.response_id;
    m.cancelResponse();
    m.truncate(itemId, 150);
    await r.waitFor('model_response_done');
    await f.waitForSent('conversation.item.truncated');
    expect(f.receivedOfType('response.cancel')[0]?.event).toEqual({
      type: 'response.cancel',
      response_id: responseId,
    });
    expect(f.receivedOfType('conversation.item.truncate')[0]?.event).toEqual({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 150,
    });
    expect(r.ofType('model_response_done')[0]).toMatchObject({ status: 'cancelled' });
    m.truncate(itemId, 10_000);
    await f.waitForReceived('conversation.item.truncate', 2);
    expect(f.receivedOfType('conversation.item.truncate')[1]?.event).toMatchObject({ audio_end_ms: 150 });
    expect(f.connection.truncations).toEqual([
      { itemId, audioEndMs: 150 },
      { itemId, audioEndMs: 150 },
    ]);
    m.cancelResponse();
    expect(f.receivedOfType('response.cancel')).toHaveLength(1);
    expectValidTraffic(f);
  });

  it('sends interrupt_response:false when the agent asks for it', async () => {
    const { f, m } = await setup();
    await m.connect({
      ...session,
      turnDetection: { type: 'semantic_vad', eagerness: 'low', interruptResponse: false },
    });
    expect(f.receivedOfType('session.update')[0]?.event).toMatchObject({
      session: {
        audio: {
          input: { turn_detection: { type: 'semantic_vad', eagerness: 'low', interrupt_response: false } },
        },
      },
    });
  });

  it('passes G.711 through untouched in both directions', async () => {
    const { f, m, r } = await setup();
    const ulaw = { type: 'audio/pcmu' as const, rate: 8000 };
    await m.connect({
      ...textSession,
      modalities: ['audio'],
      inputAudioFormat: ulaw,
      outputAudioFormat: ulaw,
    });
    const bytes = new Uint8Array(160).fill(0xff);
    m.send({ type: 'audio', audio: bytes, format: ulaw });
    m.createResponse();
    await r.waitFor('model_response_done');
    expect(f.receivedOfType('input_audio_buffer.append')[0]?.event?.audio).toBe(
      Buffer.from(bytes).toString('base64'),
    );
    expect(f.receivedOfType('session.update')[0]?.event).toMatchObject({
      session: {
        audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcmu' } } },
      },
    });
    expect(r.ofType('model_response_audio_delta')[0]?.format).toEqual(ulaw);
  });

  it('resamples 24 kHz provider audio to the 16 kHz the client asked for', async () => {
    const { f, m, r } = await setup();
    f.queueResponse({ text: 'one two three' });
    await m.connect({
      ...textSession,
      modalities: ['audio'],
      outputAudioFormat: { type: 'audio/pcm', rate: 16000 },
    });
    m.createResponse();
    await r.waitFor('model_response_done');
    const deltas = r.ofType('model_response_audio_delta');
    expect(deltas.every((d) => d.format.rate === 16000)).toBe(true);
    const bytes = deltas.reduce((n, d) => n + Buffer.from(d.delta, 'base64').length, 0);
    // 300 ms at 16 kHz is 9,600 bytes, less the resampler's few ms of filter delay.
    expect(bytes).toBeGreaterThan(9_000);
    expect(bytes).toBeLessThanOrEqual(9_600);
  });

  it('reaches an Azure-style endpoint through url and headers (api-key, no bearer)', async () => {
    const { f, m } = await setup({ apiKey: '', headers: { 'api-key': 'test-key' } });
    await m.connect(textSession);
    expect(f.connections).toHaveLength(1);
    expect(f.authFailures).toBe(0);
  });

  it('speaks the beta dialect through an option (flat session, OpenAI-Beta header, beta event names)', async () => {
    // An Azure-style endpoint still serves beta; api.openai.com refuses it (see the next test).
    const { f, m, r } = await setup(
      { beta: true, headers: { 'api-key': 'ignored-by-fake' } },
      { acceptBeta: true },
    );
    await m.connect(textSession);
    expect(f.receivedOfType('session.update')[0]?.event).toEqual({
      type: 'session.update',
      session: {
        instructions: 'You are terse.',
        modalities: ['text'],
        input_audio_format: 'pcm16',
        input_audio_transcription: { model: 'gpt-4o-mini-transcribe' },
        turn_detection: null,
        output_audio_format: 'pcm16',
        voice: 'marin',
        tools: [expect.objectContaining({ type: 'function', name: 'get_weather' })],
        tool_choice: 'auto',
      },
    });
    m.createResponse();
    await r.waitFor('model_response_done');
    expect(f.sentOfType('response.text.delta').length).toBeGreaterThan(0);
    expect(r.ofType('model_response_text_done')[0]).toMatchObject({ text: 'Hello there.' });
  });
});

describe('OpenAIRealtimeModel faults', () => {
  const history = [
    { type: 'message' as const, id: 'item_u1', role: 'user' as const, text: 'My name is Ada.' },
    { type: 'message' as const, id: 'item_a1', role: 'assistant' as const, text: 'Hello Ada.' },
  ];

  async function expectResumes(f: FakeRealtimeServer, m: OpenAIRealtimeModel, r: ModelEventRecorder) {
    await r.waitFor('model_session_ended');
    expect(r.ofType('model_session_ended')[0]).toMatchObject({ retryable: true });
    expect(r.ofType('model_error').filter((e) => e.fatal)).toEqual([]);
    await m.connect(textSession, { resume: { history, attempt: 1 } });
    const second = f.received.filter((x) => x.connectionId === 2).map((x) => x.event?.type);
    expect(second).toEqual(['session.update', 'conversation.item.create', 'conversation.item.create']);
    expect(f.connections[1]?.conversation.map((i) => i.id)).toEqual(['item_u1', 'item_a1']);
    m.send({ type: 'text', text: 'What is my name?' });
    await f.waitFor(() => f.connections[1]?.conversation.length === 3, 'input after resume');
  }

  it('drop mid-response: ends retryable, resumes with the replayed conversation', async () => {
    const { f, m, r } = await setup();
    f.queueResponse({ text: 'a b c d e', fault: { afterChunks: 2, fault: { type: 'drop' } } });
    await m.connect(textSession);
    m.send({ type: 'text', text: 'before the drop' });
    m.createResponse();
    await expectResumes(f, m, r);
    expect(f.connections[0]?.conversation[0]).toMatchObject({
      content: [{ type: 'input_text', text: 'before the drop' }],
    });
    expect(r.ofType('model_session_ended')[0]?.reason).toBe('socket closed (1006)');
  });

  it('close 1011: ends retryable and resumes', async () => {
    const { f, m, r } = await setup();
    await m.connect(textSession);
    f.inject({ type: 'close', code: 1011, reason: 'internal error' });
    await expectResumes(f, m, r);
    expect(r.ofType('model_session_ended')[0]?.reason).toBe('socket closed (1011 internal error)');
  });

  it('malformed frame: a non-fatal model_error, the session goes on', async () => {
    const { f, m, r } = await setup();
    await m.connect(textSession);
    f.inject({ type: 'malformed' });
    await r.waitFor('model_error');
    expect(r.ofType('model_error')[0]).toMatchObject({ error_type: 'invalid_server_event', fatal: false });
    m.createResponse();
    await r.waitFor('model_response_done');
    expect(r.ofType('model_session_ended')).toEqual([]);
  });

  it('rate limit: reported, the session ends retryable, and resumes', async () => {
    const { f, m, r } = await setup();
    await m.connect(textSession);
    f.inject({ type: 'rate_limit' });
    await r.waitFor('model_error');
    expect(r.ofType('model_error')[0]).toMatchObject({ code: 'rate_limit_exceeded', fatal: false });
    await expectResumes(f, m, r);
  });

  it('idle close: ends retryable and resumes', async () => {
    const { f, m, r } = await setup();
    await m.connect(textSession);
    f.inject({ type: 'idle_close' });
    await expectResumes(f, m, r);
  });

  it('slow pong: the socket is declared dead after the pong timeout (simulated clock)', async () => {
    const clock = new TestClock();
    const { f, m, r } = await setup({ clock, pingIntervalMs: 15_000, pongTimeoutMs: 5_000 });
    await m.connect(textSession);
    clock.increment(15_000);
    // The ping is on the socket; a response asked for after it is answered after its pong, so
    // once the response is done the pong has arrived (no waiting on real time).
    m.createResponse();
    await r.waitFor('model_response_done');
    clock.increment(4_999);
    expect(r.ofType('model_session_ended')).toEqual([]);
    f.setPongDelay(60_000);
    clock.increment(10_001);
    clock.increment(5_000);
    await r.waitFor('model_session_ended');
    expect(r.ofType('model_session_ended')[0]).toMatchObject({
      retryable: true,
      reason: 'socket closed (1006 no pong within 5000 ms)',
    });
    await expectResumes(f, m, r);
  });

  it('wrong key: connect rejects fatal, model_error once, and no retry reaches the provider', async () => {
    const { f, m, r } = await setup({ apiKey: 'sk-wrong' });
    const error = await m.connect(textSession).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelConnectError);
    expect(error).toMatchObject({ fatal: true, code: 'invalid_api_key' });
    const again = await m.connect(textSession).catch((e: unknown) => e);
    expect(again).toMatchObject({ fatal: true });
    expect(f.authFailures).toBe(1);
    expect(r.ofType('model_error')).toEqual([
      expect.objectContaining({ type: 'model_error', code: 'invalid_api_key', fatal: true }),
    ]);
  });

  it('quota exhausted mid-session: model_error fatal once, session ended not retryable', async () => {
    const { f, m, r } = await setup();
    await m.connect(textSession);
    f.inject({ type: 'quota' });
    await r.waitFor('model_session_ended');
    expect(r.ofType('model_error')).toEqual([
      expect.objectContaining({ code: 'insufficient_quota', fatal: true }),
    ]);
    expect(r.ofType('model_session_ended')[0]).toMatchObject({ retryable: false });
    await expect(m.connect(textSession)).rejects.toMatchObject({ fatal: true });
    expect(f.connections).toHaveLength(1);
  });
});

describe('OpenAIRealtimeModel session renewal', () => {
  it('renews before the 60 min cap on a simulated clock, replaying the conversation, with no session end', async () => {
    const clock = new TestClock();
    const { f, m, r } = await setup({ clock, pingIntervalMs: 24 * 60 * 60_000 });
    await m.connect(textSession);
    m.send({ type: 'text', text: 'Remember the number 7.' });
    m.createResponse();
    await r.waitFor('model_response_done');
    clock.increment(54 * 60_000);
    expect(f.connections).toHaveLength(1);
    clock.increment(60_000);
    await f.waitFor(
      () => f.connections.length === 2 && f.connections[0]?.closed === true,
      'renewed connection',
    );
    expect(f.received.filter((x) => x.connectionId === 2).map((x) => x.event?.type)).toEqual([
      'session.update',
      'conversation.item.create',
      'conversation.item.create',
    ]);
    expect(
      f.connections[1]?.conversation.map((i) => (i.content as Array<{ text?: string }>)[0]?.text),
    ).toEqual(['Remember the number 7.', 'Hello there.']);
    expect(r.ofType('model_session_ended')).toEqual([]);
    m.send({ type: 'text', text: 'Which number?' });
    await f.waitFor(() => f.connections[1]?.conversation.length === 3, 'input on the renewed session');
    expect(
      f.received.filter((x) => x.connectionId === 1 && x.event?.type === 'conversation.item.create'),
    ).toHaveLength(1);
  });

  it('waits for the running response to finish before renewing', async () => {
    const clock = new TestClock();
    const { f, m, r } = await countingSetup({ clock, pingIntervalMs: 24 * 60 * 60_000 });
    f.queueResponse({ text: 'long answer here', pauseAfterChunks: 1 });
    await m.connect(textSession);
    m.createResponse();
    await r.waitFor('model_response_text_delta');
    expect(socketsOpened).toBe(1);
    // The renewal timer falls due here; a renewal would open its socket inside this call.
    clock.increment(56 * 60_000);
    expect(socketsOpened).toBe(1);
    f.connection.release();
    await r.waitFor('model_response_done');
    await f.waitFor(() => f.connections.length === 2, 'renewal after the response');
    expect(socketsOpened).toBe(2);
  });

  it('waits for the user to stop speaking before renewing', async () => {
    const clock = new TestClock();
    const { f, m, r } = await countingSetup({ clock, pingIntervalMs: 24 * 60 * 60_000 });
    await m.connect({ ...session, turnDetection: { ...session.turnDetection, createResponse: false } });
    const rate = 16000;
    const send = (audio: Uint8Array) => {
      for (const frame of pcm16Frames(audio, rate)) {
        m.send({ type: 'audio', audio: frame, format: { type: 'audio/pcm', rate } });
      }
    };
    send(pcm16(300, rate, false));
    send(pcm16(400, rate, true));
    await r.waitFor('model_input_started');
    clock.increment(56 * 60_000);
    expect(socketsOpened).toBe(1);
    send(pcm16(700, rate, false));
    await r.waitFor('model_input_done');
    await f.waitFor(() => f.connections.length === 2, 'renewal after the speech');
    expect(socketsOpened).toBe(2);
  });
});

describe('OpenAI live smoke test', () => {
  it.skipIf(!process.env.OPENAI_API_KEY)('connects to api.openai.com and gets a text answer', async () => {
    const model = new OpenAIRealtimeModel({ apiKey: process.env.OPENAI_API_KEY });
    const recorder = rig.watch(model);
    await model.connect({ ...textSession, tools: [], instructions: 'Answer in one word.' });
    model.send({ type: 'text', text: 'Say hello.' });
    model.createResponse();
    await recorder.waitFor('model_response_done', 1, 30_000);
    expect(recorder.ofType('model_response_done')[0]?.status).toBe('completed');
  });

  it('beta on the GA endpoint: refused with beta_api_shape_disabled and close 4000, fatal, message surfaced once', async () => {
    const { f, m, r } = await setup({ beta: true });
    const error = await m.connect(textSession).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelConnectError);
    expect(error).toMatchObject({ fatal: true, code: 'beta_api_shape_disabled' });
    expect(String((error as Error).message)).toContain('beta Realtime API shape is no longer supported');
    await expect(m.connect(textSession)).rejects.toMatchObject({ fatal: true });
    expect(f.connections).toHaveLength(0);
    const errors = r.ofType('model_error');
    expect(errors.length).toBeLessThanOrEqual(1);
    expect(errors.every((e) => e.fatal && e.code === 'beta_api_shape_disabled')).toBe(true);
  });

  it('close 4000 mid-session is fatal: the error frame before it is surfaced once, and nothing retries', async () => {
    const { f, m, r } = await setup();
    await m.connect(textSession);
    f.inject({ type: 'close', code: 4000, reason: 'invalid_request_error.invalid_model' });
    await r.waitFor('model_session_ended');
    expect(r.ofType('model_error')).toEqual([
      expect.objectContaining({ code: 'invalid_model', fatal: true }),
    ]);
    expect(r.ofType('model_session_ended')[0]).toMatchObject({ retryable: false });
  });
});

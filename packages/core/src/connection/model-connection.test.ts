import type { ModelEvent } from '@chorus/protocol';
import { providerErrorCode } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import type { SessionConfig } from '../model/realtime-model.js';
import { ScriptedModel } from '../testing/scripted-model.js';
import { TestClock } from '../testing/test-clock.js';
import { type ConnectionStatus, ModelConnection } from './model-connection.js';

const session: SessionConfig = {
  instructions: 'hi',
  tools: [],
  modalities: ['audio', 'text'],
  inputAudioFormat: { type: 'audio/pcm', rate: 16000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'server_vad' },
  inputTranscription: true,
};

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function setup(options: ConstructorParameters<typeof ScriptedModel>[0] = {}, maxBufferedInputs = 500) {
  const clock = new TestClock();
  const model = new ScriptedModel({ clock, script: [{ match: /.*/, reply: { text: 'ok' } }], ...options });
  const connection = new ModelConnection(model, {
    clock,
    random: () => 0.5,
    retry: { baseMs: 100, capMs: 400, maxAttempts: 3 },
    maxBufferedInputs,
    history: () => [{ type: 'message', id: 'm1', role: 'user', text: 'earlier' }],
  });
  const states: string[] = [];
  const statuses: ConnectionStatus[] = [];
  const events: ModelEvent[] = [];
  connection.status$.subscribe((status) => statuses.push(status));
  connection.events$.subscribe((event) => events.push(event));
  const track = () => states.push(connection.state);
  return { clock, model, connection, states, statuses, events, track };
}

describe('ModelConnection', () => {
  it('walks disconnected -> connecting -> connected -> closing -> closed; a turn leaves it connected', async () => {
    const { model, connection, track, states, clock } = setup();
    track();
    const started = connection.start(session);
    track();
    await started;
    track();
    // A turn is the agent's business: no event of it enters the connection's actor.
    let processed = 0;
    const watch = connection.actor?.subscribe(() => processed++);
    const item = model.startSpeaking();
    track();
    model.stopSpeaking(item, 'hello');
    track();
    await settle();
    track();
    clock.increment(100);
    track();
    watch?.unsubscribe();
    expect(processed).toBe(0);
    await connection.stop();
    track();
    expect(states).toEqual([
      'disconnected',
      'connecting',
      'connected',
      'connected',
      'connected',
      'connected',
      'connected',
      'closed',
    ]);
    expect(model.callsOf('close')).toHaveLength(1);
  });

  it('retries a transient connect failure after the backoff delay', async () => {
    const { model, connection, statuses, clock } = setup({ connectFailures: [{ fatal: false }] });
    const started = connection.start(session);
    await settle();
    expect(connection.state).toBe('reconnecting');
    expect(statuses.at(-1)).toMatchObject({ state: 'reconnecting', attempt: 1, delayMs: 50 });
    clock.increment(49);
    expect(model.callsOf('connect')).toHaveLength(1);
    clock.increment(1);
    await started;
    expect(model.callsOf('connect')).toHaveLength(2);
    expect(model.callsOf('connect')[1]?.options?.resume?.attempt).toBe(1);
    await connection.stop();
  });

  it('never retries a fatal connect error', async () => {
    const { model, connection, statuses } = setup({
      connectFailures: [{ fatal: true, message: 'quota exceeded' }],
    });
    await expect(connection.start(session)).rejects.toThrow('quota exceeded');
    expect(connection.state).toBe('failed');
    expect(statuses.at(-1)).toMatchObject({ state: 'failed', problem: { fatal: true } });
    expect(model.callsOf('connect')).toHaveLength(1);
  });

  it('fails after maxAttempts transient failures', async () => {
    const { model, connection, clock } = setup({
      connectFailures: [{ fatal: false }, { fatal: false }, { fatal: false }, { fatal: false }],
    });
    const started = connection.start(session).catch((error: Error) => error.message);
    for (let i = 0; i < 5; i++) {
      await settle();
      clock.increment(400);
    }
    expect(await started).toBe('scripted connect failure');
    expect(model.callsOf('connect')).toHaveLength(4);
    expect(connection.state).toBe('failed');
  });

  it('reconnects after a retryable drop and replays buffered input in order', async () => {
    const { model, connection, clock, states, track } = setup();
    await connection.start(session);
    model.drop({ retryable: true });
    track();
    connection.send({ type: 'text', text: 'one' });
    connection.send({
      type: 'audio',
      audio: new Uint8Array([1]),
      format: { type: 'audio/pcm', rate: 16000 },
    });
    connection.createResponse();
    connection.send({ type: 'text', text: 'two' });
    connection.cancelResponse();
    connection.truncate('item_x', 10);
    expect(connection.bufferedInputs).toBe(4);
    connection.updateSession({ instructions: 'changed' });
    clock.increment(50);
    await settle();
    track();
    expect(states).toEqual(['reconnecting', 'connected']);
    const [, reconnect] = model.callsOf('connect');
    expect(reconnect?.session.instructions).toBe('changed');
    expect(reconnect?.options?.resume).toEqual({
      attempt: 1,
      history: [{ type: 'message', id: 'm1', role: 'user', text: 'earlier' }],
    });
    expect(model.calls.slice(model.calls.indexOf(reconnect as never) + 1).map((c) => c.method)).toEqual([
      'send',
      'send',
      'createResponse',
      'send',
    ]);
    expect(model.sent.map((i) => (i.type === 'text' ? i.text : i.type))).toEqual(['one', 'audio', 'two']);
    expect(model.violations).toEqual([]);
    await connection.stop();
  });

  it('reports a buffer overflow as an error event, never silently', async () => {
    const { model, connection, clock, events } = setup({}, 2);
    await connection.start(session);
    model.drop({ retryable: true });
    for (const text of ['a', 'b', 'c', 'd']) connection.send({ type: 'text', text });
    const errors = () =>
      events.filter((e) => e.type === 'model_error').map((e) => e.type === 'model_error' && e.message);
    expect(errors()).toEqual([
      'the model is reconnecting; the input buffer is full (2 items) and newer input is being dropped',
    ]);
    clock.increment(50);
    await settle();
    expect(errors().at(-1)).toBe('2 input(s) were dropped while the model was not connected');
    expect(model.sent.map((i) => i.type === 'text' && i.text)).toEqual(['a', 'b']);
    await connection.stop();
  });

  it('closes on a non-retryable end and fails on a fatal model error', async () => {
    const first = setup();
    await first.connection.start(session);
    first.model.drop({ retryable: false, reason: 'session limit reached' });
    expect(first.connection.state).toBe('closed');
    expect(first.statuses.at(-1)).toMatchObject({
      state: 'closed',
      problem: { message: 'session limit reached' },
    });
    first.connection.send({ type: 'text', text: 'late' });
    expect(first.events.at(-1)).toMatchObject({ type: 'model_error', code: 'connection_closed' });

    const second = setup();
    await second.connection.start(session);
    second.model.emit({
      type: 'model_error',
      error_type: providerErrorCode('auth'),
      code: providerErrorCode('revoked'),
      message: 'key revoked',
      fatal: true,
    });
    expect(second.connection.state).toBe('failed');
    await settle();
    expect(second.model.callsOf('close')).toHaveLength(1);
  });

  it('delivers a fatal model error to subscribers before the failure it causes', async () => {
    const { model, connection } = setup();
    await connection.start(session);
    const seen: string[] = [];
    connection.events$.subscribe((event) => seen.push(`event ${event.type} in ${connection.state}`));
    connection.status$.subscribe((status) => seen.push(`status ${status.state}`));
    seen.length = 0;
    model.emit({
      type: 'model_error',
      error_type: 'invalid_request_error',
      code: 'invalid_api_key',
      message: 'key revoked',
      fatal: true,
    });
    expect(seen.slice(0, 2)).toEqual(['event model_error in connected', 'status failed']);
    await settle();
  });

  it('stops while reconnecting without another attempt and leaves no timer', async () => {
    const { model, connection, clock } = setup();
    await connection.start(session);
    model.drop({ retryable: true });
    expect(clock.pendingTimers).toBe(1);
    await connection.stop();
    expect(connection.state).toBe('closed');
    expect(clock.pendingTimers).toBe(0);
    expect(model.callsOf('connect')).toHaveLength(1);
  });

  it('decides from the machine: an observer that sees `connected` first may send straight away', async () => {
    const { model, connection } = setup();
    const actor = createActor(connection.logic, { input: {} });
    const seen: string[] = [];
    // Subscribed before the connection's own observer, so it runs before any copy of the state is made.
    actor.subscribe((snapshot) => {
      if (!snapshot.matches('connected') || seen.length > 0) return;
      seen.push(connection.isConnected() ? 'connected' : 'not connected');
      connection.send({ type: 'text', text: 'at once' });
      seen.push(`buffered ${connection.bufferedInputs}`);
    });
    connection.attach(actor);
    actor.start();
    connection.connect(session);
    await waitFor(actor, (snapshot) => snapshot.matches('connected'));
    expect(seen).toEqual(['connected', 'buffered 0']);
    expect(model.callsOf('send')).toHaveLength(1);
    await connection.stop();
    actor.stop();
  });

  it('passes its clock to the model on every connect attempt', async () => {
    const { model, connection, clock } = setup();
    await connection.start(session);
    model.drop({ retryable: true });
    clock.increment(100);
    await settle();
    const clocks = model.callsOf('connect').map((call) => call.options?.clock);
    expect(clocks).toEqual([clock, clock]);
    await connection.stop();
  });
});

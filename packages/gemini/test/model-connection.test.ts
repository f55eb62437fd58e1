import { ModelConnection } from '@chorus/core/provider';
import { TestClock } from '@chorus/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { baseSession, Harness } from './harness.js';

let harness: Harness | undefined;
let connection: ModelConnection | undefined;

afterEach(async () => {
  await connection?.stop();
  connection = undefined;
  await harness?.stop();
  harness = undefined;
});

const textSession = { ...baseSession, modalities: ['text'] as const, tools: [] };

describe('GeminiRealtimeModel through core ModelConnection', () => {
  it('reconnects after a drop mid-response, resumes with the handle, and delivers input buffered in the gap', async () => {
    const h = await Harness.start();
    harness = h;
    // One clock: the connection's reaches the model through `connect`.
    const clock = h.clock;
    connection = new ModelConnection(h.model, {
      clock,
      random: () => 0,
      retry: { baseMs: 100, capMs: 100, maxAttempts: 3 },
    });
    const states: string[] = [];
    connection.status$.subscribe((status) => states.push(status.state));
    await connection.start(textSession);
    await h.waitFor('model_raw', (e) => JSON.stringify(e.event).includes('newHandle'));
    h.fake.queueTurns({ transcript: 'once upon a time', chunks: 4 }, { transcript: 'Yes.', chunks: 1 });
    h.fake.inject({ type: 'drop_mid_response', afterChunks: 1 });
    connection.send({ type: 'text', text: 'tell me a story' });
    connection.createResponse();
    await h.waitFor('model_session_ended');
    expect(states.at(-1)).toBe('reconnecting');
    // Sent while reconnecting: the connection buffers it and replays it once connected.
    connection.send({ type: 'text', text: 'are you back?' });
    connection.createResponse();
    clock.increment(100);
    await h.fake.waitForReceived(
      (f) => f.connection === 2 && JSON.stringify(f.message).includes('are you back?'),
    );
    expect(h.fake.connections[1]?.resumedFrom).toMatch(/^handle-session-1-/);
    await h.waitFor('model_response_done', () => true, 3);
    // The question sent after the handle's snapshot is sent again (the resumed session lacks it), so
    // Gemini starts re-answering it; the buffered question then interrupts that and is answered.
    expect(h.of('model_response_done').map((e) => e.status)).toEqual([
      'incomplete',
      'cancelled',
      'completed',
    ]);
    const onSecond = h.fake.messagesOf('realtimeInput', 2).map((m) => m.text);
    expect(onSecond).toEqual(['tell me a story', 'are you back?']);
    expect(connection.state).toMatch(/^connected/);
  });

  it('after 1011 "Deadline expired" and a resume refused with 1007, forgets the handle and starts afresh with the history', async () => {
    const h = await Harness.start();
    harness = h;
    // One clock: the connection's reaches the model through `connect`.
    const clock = h.clock;
    connection = new ModelConnection(h.model, {
      clock,
      random: () => 0,
      retry: { baseMs: 100, capMs: 100, maxAttempts: 3 },
      history: () => [
        { type: 'message', id: 'm1', role: 'user', text: 'my name is Ana' },
        { type: 'message', id: 'm2', role: 'assistant', text: 'Hi Ana.' },
      ],
    });
    await connection.start(textSession);
    await h.waitFor('model_raw', (e) => JSON.stringify(e.event).includes('newHandle'));
    h.fake.inject({
      type: 'close',
      code: 1011,
      reason: 'Deadline expired before operation could complete.',
      loseSessions: true,
    });
    await h.waitFor('model_session_ended');
    clock.increment(100);
    await h.fake.waitForReceived((f) => f.connection === 2 && f.kind === 'setup');
    // The refused resume fails that attempt: the connection plans the next one.
    const status$ = connection.status$;
    await new Promise<void>((resolve) => {
      const sub = status$.subscribe((status) => {
        if (status.state !== 'reconnecting' || status.attempt !== 2) return;
        queueMicrotask(() => sub.unsubscribe());
        resolve();
      });
    });
    clock.increment(100);
    await h.fake.waitForReceived((f) => f.connection === 3 && f.kind === 'clientContent');
    expect(h.fake.connections[1]).toMatchObject({ closeCode: 1007 });
    expect(h.fake.messagesOf('setup', 3)[0]?.sessionResumption).toEqual({});
    expect(h.fake.messagesOf('clientContent', 3)).toEqual([
      {
        turns: [
          { role: 'user', parts: [{ text: 'my name is Ana' }] },
          { role: 'model', parts: [{ text: 'Hi Ana.' }] },
        ],
        turnComplete: false,
      },
    ]);
    expect(h.model.resumptionHandle).not.toBe(h.fake.messagesOf('setup', 2)[0]?.sessionResumption?.handle);
    expect(connection.state).toMatch(/^connected/);
  });

  it('does not retry a fatal error (bad key)', async () => {
    const h = await Harness.start({}, { apiKey: 'wrong' });
    harness = h;
    // One clock: the connection's reaches the model through `connect`.
    const clock = h.clock;
    connection = new ModelConnection(h.model, {
      clock,
      random: () => 0,
      retry: { baseMs: 100, capMs: 100, maxAttempts: 3 },
    });
    await expect(connection.start(textSession)).rejects.toMatchObject({
      code: 'invalid_api_key',
      fatal: true,
    });
    clock.increment(1000);
    expect(h.fake.connections).toHaveLength(1);
  });

  it("one clock: a model built without one runs its timers on the connection's (renewal before the cap)", async () => {
    const day = 24 * 60 * 60_000;
    // `clock: undefined`: the model gets no clock of its own, only the connection's through `connect`.
    const h = await Harness.start(
      {},
      { clock: undefined, connectionRenewAfterMs: 9 * 60_000, pingIntervalMs: day },
    );
    harness = h;
    const clock = new TestClock();
    connection = new ModelConnection(h.model, { clock, random: () => 0 });
    await connection.start(textSession);
    await h.waitFor('model_raw', (e) => JSON.stringify(e.event).includes('newHandle'));
    // The model's cap timer (and keep-alive) wait on the connection's clock, none on the model's.
    expect(h.clock.pendingTimers).toBe(0);
    expect(clock.pendingTimers).toBe(2);
    clock.increment(9 * 60_000);
    await h.fake.waitForReceived((f) => f.connection === 2 && f.kind === 'setup');
    expect(h.fake.connections[1]?.resumedFrom).toBe('handle-session-1-1');
  });
});

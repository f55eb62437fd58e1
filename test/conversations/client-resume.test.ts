import { RealtimeAgent } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import { serverEventSchema } from '@chorus/protocol';
import type { ChorusServer } from '@chorus/server';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../reliability/support/eventually.js';
import { health, KEY, startGateway } from '../reliability/support/gateway.js';
import { failOnProcessErrors } from '../reliability/support/process-guard.js';
import { bearer, type Json, WsClient } from '../reliability/support/ws-client.js';

failOnProcessErrors();

const CHUNK_MS = 20;
/** The story is 100 chunks of audio (2 s), so a client can vanish in the middle of it. */
const STORY_MS = 2_000;
const STORY = 'Once upon a time a robot learned to listen before it spoke.';

let server: ChorusServer | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server?.close();
  server = undefined;
});

interface Rig {
  readonly clock: TestClock;
  readonly port: number;
  connect(): Promise<WsClient>;
}

async function rig(resumption: { graceMs?: number; bufferBytes?: number } = {}): Promise<Rig> {
  const clock = new TestClock();
  const gateway = await startGateway({
    clock,
    resumption,
    rooms: {
      teller: () =>
        new RealtimeAgent({
          name: 'teller',
          instructions: 'Tell stories.',
          clock,
          model: new ScriptedModel({
            clock,
            chunkMs: CHUNK_MS,
            recordAudio: false,
            script: [{ match: 'story', reply: { text: STORY, audioMs: STORY_MS } }],
            fallback: { text: 'Here is the next turn.' },
          }),
        }),
    },
  });
  server = gateway.server;
  return {
    clock,
    port: gateway.port,
    async connect() {
      const client = new WsClient(`${gateway.base}/ws/ada/call-1`, bearer(KEY));
      clients.push(client);
      await client.opened;
      return client;
    },
  };
}

/**
 * Advances simulated time in chunk steps. After each step the room's queued deliveries run (one
 * turn of the event loop), and with a client connected, a ping round trip makes sure that what the
 * step made the server send has arrived.
 */
async function advance(clock: TestClock, ms: number, client?: WsClient): Promise<void> {
  for (let t = 0; t < ms; t += CHUNK_MS) {
    clock.increment(CHUNK_MS);
    await new Promise((resolve) => setImmediate(resolve));
    if (client?.isOpen) await client.roundTrip();
  }
}

const ofType = (messages: readonly Json[], type: string) => messages.filter((m) => m.type === type);

describe('a client whose socket drops comes back to the same conversation', () => {
  it('killed mid-reply, it reconnects within the grace and gets the rest of the reply, then the next turn', async () => {
    const r = await rig();
    const first = await r.connect();
    first.send({ type: 'client_session_create', config: {} });
    const created = await first.waitForType('server_session_created');
    const token = created.resume_token;
    expect(typeof token).toBe('string');
    expect((token as string).length).toBeGreaterThanOrEqual(40);
    await first.waitForType('agent_ready');

    first.send({ type: 'client_text_append', text: 'story' });
    await first.waitForType('agent_response_created');
    await advance(r.clock, 10 * CHUNK_MS, first);
    // Simulated time stands still, so nothing more is sent: after the last round trip, what arrived
    // is all that went out.
    expect(ofType(first.messages, 'agent_response_audio_delta').length).toBeGreaterThanOrEqual(10);
    const heard = ofType(first.messages, 'agent_response_audio_delta').length;
    const responseId = ofType(first.messages, 'agent_response_created')[0]?.response_id;
    // Gone without a close frame, as when a phone changes networks.
    first.ws.terminate();
    await eventually(
      () => health(r.port),
      (h) => h.connections === 0,
      'the server noticing the drop',
    );
    // The agent keeps talking while the client is away (the story goes on for 30 s of simulated time).
    await advance(r.clock, 3_000);
    expect((await health(r.port)).rooms).toBe(1);

    const second = await r.connect();
    second.send({ type: 'client_session_create', config: {}, resume_token: token });
    const resumed = await second.waitForType('server_session_created');
    expect(resumed).toMatchObject({ resumed: true });
    expect(resumed.resume_token).not.toBe(token);
    const done = await second.waitForType('agent_response_done');
    expect(done).toMatchObject({ response_id: responseId, status: 'completed' });
    // Exactly the rest of the reply: the 90 chunks sent while away, none twice, none lost.
    const rest = ofType(second.messages, 'agent_response_audio_delta').filter(
      (m) => m.response_id === responseId,
    );
    expect(rest).toHaveLength(STORY_MS / CHUNK_MS - heard);
    expect(ofType(second.messages, 'agent_response_audio_transcript_done')[0]?.transcript).toBe(STORY);
    expect(ofType(second.messages, 'server_events_dropped')).toEqual([]);
    for (const message of second.messages) expect(serverEventSchema.safeParse(message).success).toBe(true);

    // The conversation goes on: the next turn is answered on the resumed session.
    const from = second.messages.length;
    second.send({ type: 'client_text_append', text: 'and then?' });
    await second.waitForType('agent_response_created', from);
    await advance(r.clock, 400, second);
    const next = await second.waitForType('agent_response_audio_transcript_done', from);
    expect(next.transcript).toBe('Here is the next turn.');
    expect((await health(r.port)).rooms).toBe(1);
  });

  it('missed events beyond the buffer are announced with server_events_dropped, oldest first', async () => {
    const r = await rig({ bufferBytes: 16 * 1024 });
    const first = await r.connect();
    first.send({ type: 'client_session_create', config: {} });
    const { resume_token: token } = await first.waitForType('server_session_created');
    await first.waitForType('agent_ready');
    first.send({ type: 'client_text_append', text: 'story' });
    await first.waitForType('agent_response_created');
    first.ws.terminate();
    await eventually(
      () => health(r.port),
      (h) => h.connections === 0,
      'the server noticing the drop',
    );
    await advance(r.clock, 3_000);

    const second = await r.connect();
    second.send({ type: 'client_session_create', config: {}, resume_token: token });
    await second.waitForType('server_session_created');
    const dropped = await second.waitForType('server_events_dropped');
    expect(dropped.dropped).toBeGreaterThan(0);
    expect(dropped.dropped_bytes).toBeGreaterThan(0);
    // The newest events were kept: the reply's end arrives after the notice.
    const done = await second.waitForType('agent_response_done');
    expect(second.messages.indexOf(done)).toBeGreaterThan(second.messages.indexOf(dropped));
  });

  it('too late: a clear refusal naming the grace period, and a fresh session', async () => {
    const r = await rig({ graceMs: 60_000 });
    const first = await r.connect();
    first.send({ type: 'client_session_create', config: {} });
    const { resume_token: token } = await first.waitForType('server_session_created');
    await first.waitForType('agent_ready');
    first.ws.terminate();
    await eventually(
      () => health(r.port),
      (h) => h.connections === 0,
      'the server noticing the drop',
    );
    r.clock.increment(60_001);
    await eventually(
      () => health(r.port),
      (h) => h.rooms === 0,
      'the held session released after the grace',
    );

    const second = await r.connect();
    second.send({ type: 'client_session_create', config: {}, resume_token: token, event_id: 'ev_1' });
    const refusal = await second.waitForType('server_error');
    expect(refusal).toMatchObject({ code: 'resume_refused', path: 'resume_token', event_id: 'ev_1' });
    expect(refusal.message).toMatch(/expired.*60 s grace period/);
    const fresh = await second.waitForType('server_session_created');
    expect(fresh.resumed).toBeUndefined();
    expect(typeof fresh.resume_token).toBe('string');
    await second.waitForType('agent_ready');
    expect((await health(r.port)).rooms).toBe(1);
  });

  it('a page that closes or navigates away (1001) has left: its room stops at once, nothing is held', async () => {
    const r = await rig({ graceMs: 60_000 });
    const first = await r.connect();
    first.send({ type: 'client_session_create', config: {} });
    const { resume_token: token } = await first.waitForType('server_session_created');
    await first.waitForType('agent_ready');
    first.ws.close(1001, 'page closed');
    // No simulated time passes: a held session would keep its room for the whole grace.
    await eventually(
      () => health(r.port),
      (h) => h.connections === 0 && h.rooms === 0,
      'the session ending with its page',
    );
    const second = await r.connect();
    second.send({ type: 'client_session_create', config: {}, resume_token: token });
    const refusal = await second.waitForType('server_error');
    expect(refusal).toMatchObject({ code: 'resume_refused', path: 'resume_token' });
  });

  it('a token that was never issued or was used is refused as unknown, and the session still starts', async () => {
    const r = await rig();
    const client = await r.connect();
    client.send({ type: 'client_session_create', config: {}, resume_token: 'not-a-token' });
    const refusal = await client.waitForType('server_error');
    expect(refusal).toMatchObject({ code: 'resume_refused', path: 'resume_token' });
    expect(refusal.message).toMatch(/unknown_token/);
    await client.waitForType('server_session_created');
  });
});

describe('coming back on the same URL while the old socket is still open', () => {
  it('the newer connection takes the session over and resumes it with the token', async () => {
    const r = await rig();
    const first = await r.connect();
    first.send({ type: 'client_session_create', config: {} });
    const { resume_token: token } = await first.waitForType('server_session_created');
    await first.waitForType('agent_ready');
    first.send({ type: 'client_text_append', text: 'story' });
    await first.waitForType('agent_response_created');

    const second = await r.connect();
    expect((await first.waitForType('server_session_ended')).reason).toBe('taken_over');
    await advance(r.clock, 3_000);
    second.send({ type: 'client_session_create', config: {}, resume_token: token });
    expect(await second.waitForType('server_session_created')).toMatchObject({ resumed: true });
    const done = await second.waitForType('agent_response_done');
    expect(done.status).toBe('completed');
    expect(ofType(second.messages, 'agent_response_audio_transcript_done')[0]?.transcript).toBe(STORY);
    expect((await health(r.port)).rooms).toBe(1);
  });
});

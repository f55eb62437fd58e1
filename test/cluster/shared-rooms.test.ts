import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ChorusTestClient, type Received } from '../main-job/ws-client.js';
import { type GatewayProcess, type RedisProcess, startGateway, startRedis, stopChild } from './processes.js';

// The multi-process acceptance test: a real redis-server and real `chorus serve --bus` processes.
// Users on different gateways share a room (Chorus protocol and /v1/realtime), killing the room's
// owner moves the room, and killing Redis degrades cleanly and recovers.

const LEASE_MS = 1500;
let redis: RedisProcess;
let gateways: GatewayProcess[] = [];
const clients: ChorusTestClient[] = [];
const sockets: WebSocket[] = [];

beforeAll(async () => {
  redis = await startRedis();
}, 30_000);

afterAll(async () => {
  await stopChild(redis.child);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const s of sockets.splice(0)) s.terminate();
  await Promise.all(gateways.map((g) => stopChild(g.child)));
  gateways = [];
});

async function gateway(): Promise<GatewayProcess> {
  const started = await startGateway(['--bus', redis.url, '--bus-lease-ms', String(LEASE_MS)]);
  gateways.push(started);
  return started;
}

async function join(g: GatewayProcess, user: string, room: string | null = 'two-agents') {
  const c = new ChorusTestClient(`${g.base}/ws/${user}/s-${user}`);
  clients.push(c);
  await c.opened;
  c.send({ type: 'client_session_create', config: room === null ? {} : { room, user_name: user } });
  return c;
}

const agentEvents = (c: ChorusTestClient) =>
  c.messages
    .filter((m) => m.type === 'agent_response_created' || m.type === 'agent_response_done')
    .map((m) => `${m.type}:${m.agent_name}:${m.response_id}`);

/** An OpenAI Realtime client on /v1/realtime, reading JSON events. */
function openai(g: GatewayProcess, query: string) {
  const ws = new WebSocket(`${g.base}/v1/realtime?${query}`, ['realtime']);
  sockets.push(ws);
  const events: Received[] = [];
  const waiters = new Set<{ test: (m: Received) => boolean; done: (m: Received) => void }>();
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as Received;
    events.push(m);
    for (const w of [...waiters]) {
      if (!w.test(m)) continue;
      waiters.delete(w);
      w.done(m);
    }
  });
  const waitFor = (test: (m: Received) => boolean, timeoutMs = 30_000) =>
    new Promise<Received>((resolve, reject) => {
      const seen = events.find(test);
      if (seen) return resolve(seen);
      const timer = setTimeout(
        () => reject(new Error(`timed out; got ${events.map((e) => e.type).join(', ')}`)),
        timeoutMs,
      );
      waiters.add({
        test,
        done: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, events, waitFor, opened, send: (e: unknown) => ws.send(JSON.stringify(e)) };
}

describe('shared rooms across gateway processes over Redis', () => {
  it('puts users of two gateways in one room: each hears the agents and the other user, in the same order', async () => {
    const [g1, g2] = await Promise.all([gateway(), gateway()]);
    const alice = await join(g1, 'alice');
    await alice.waitForType('server_session_created');
    const bob = await join(g2, 'bob');
    await bob.waitForType('server_session_created');
    // Bob joined a room already running on the other process: he is shown its agents.
    await bob.waitFor((m) => m.type === 'agent_ready' && m.agent_name === 'Ava');
    await bob.waitFor((m) => m.type === 'agent_ready' && m.agent_name === 'Max');
    alice.send({ type: 'client_text_append', text: 'Hello everyone!' });
    const said = await bob.waitFor((m) => m.type === 'room_user_message');
    expect(said).toMatchObject({ user_id: 'alice', text: 'Hello everyone!' });
    await Promise.all(
      [alice, bob].map((c) =>
        c.waitFor((m) => m.type === 'agent_response_done' && m.agent_name === 'Ava', 60_000),
      ),
    );
    await bob.waitFor((m) => m.type === 'agent_response_done' && m.agent_name === 'Max', 60_000);
    await alice.waitFor((m) => m.type === 'agent_response_done' && m.agent_name === 'Max', 60_000);
    // The agents may go on talking to each other; what both have seen so far is in the same order.
    const [seenByAlice, seenByBob] = [agentEvents(alice), agentEvents(bob)];
    const common = Math.min(seenByAlice.length, seenByBob.length);
    expect(common).toBeGreaterThanOrEqual(4);
    expect(seenByBob.slice(0, common)).toEqual(seenByAlice.slice(0, common));
    expect(alice.of('room_user_message')).toHaveLength(0);
    // Bob's words reach Alice on the other process.
    bob.send({ type: 'client_text_append', text: 'Max, tell me a joke.' });
    expect(await alice.waitFor((m) => m.type === 'room_user_message', 30_000)).toMatchObject({
      user_id: 'bob',
    });
  }, 180_000);

  it('lets an OpenAI Realtime client on one gateway share a room with a Chorus client on another', async () => {
    const [g1, g2] = await Promise.all([gateway(), gateway()]);
    const alice = await join(g1, 'alice');
    await alice.waitForType('server_session_created');
    const client = openai(g2, 'room=two-agents');
    await client.opened;
    await client.waitFor((m) => m.type === 'session.created');
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Ava, how is the weather in Paris?' }],
      },
    });
    client.send({ type: 'response.create' });
    const done = await client.waitFor((m) => m.type === 'response.done', 60_000);
    expect((done.response as { status?: string }).status).toBe('completed');
    // The Chorus user on the other process heard the OpenAI user and the reply.
    expect(await alice.waitFor((m) => m.type === 'room_user_message', 30_000)).toMatchObject({
      text: 'Ava, how is the weather in Paris?',
    });
    await alice.waitFor((m) => m.type === 'agent_response_done', 60_000);
  }, 180_000);

  it('moves the room when its owner process is killed, with the history, telling users what was cut', async () => {
    const [g1, g2] = await Promise.all([gateway(), gateway()]);
    const alice = await join(g1, 'alice'); // the first user's process owns the room
    await alice.waitForType('server_session_created');
    const bob = await join(g2, 'bob');
    await bob.waitForType('server_session_created');
    bob.send({ type: 'client_text_append', text: 'Hello everyone!' });
    await bob.waitFor((m) => m.type === 'agent_response_done', 60_000);
    g1.child.kill('SIGKILL');
    const moved = await bob.waitFor((m) => m.type === 'server_room_moved', 20_000);
    expect(moved).toMatchObject({ room_id: 'two-agents', reason: 'owner_lost' });
    expect(moved.restored_items).toBeGreaterThan(0);
    expect(Array.isArray(moved.lost)).toBe(true);
    const after = bob.messages.length;
    bob.send({ type: 'client_text_append', text: 'Ava, what is the weather in Paris?' });
    const reply = await bob.waitFor(
      (m) => m.type === 'agent_response_done' && bob.messages.indexOf(m) >= after,
      60_000,
    );
    expect(reply.status).toBe('completed');
  }, 180_000);

  it('refuses new shared rooms while Redis is down, keeps private sessions, and recovers when it returns', async () => {
    const g1 = await gateway();
    await stopChild(redis.child);
    const carol = await join(g1, 'carol');
    const refused = await carol.waitForType('server_error');
    expect(refused).toMatchObject({ code: 'bus_unavailable', path: 'config.room' });
    const dave = await join(g1, 'dave', null);
    await dave.waitForType('server_session_created');
    dave.send({ type: 'client_text_append', text: 'Hello!' });
    await dave.waitFor((m) => m.type === 'agent_response_done', 60_000);
    redis = await startRedis(redis.port);
    // The gateway reconnects on its own; a shared room opens again. redis-server is a real process
    // coming back, in its own (real) time: this is one of the few waits on an outside process.
    let attempt = 0;
    await vi.waitFor(
      async () => {
        const c = await join(g1, `erin${attempt++}`);
        const first = await c.waitFor(
          (m) => m.type === 'server_session_created' || m.type === 'server_error',
        );
        expect(first.type).toBe('server_session_created');
      },
      { timeout: 10_000, interval: 250 },
    );
  }, 180_000);

  it('serves one port from --workers 2 processes that share rooms through the bus', async () => {
    const g = await startGateway(['--bus', redis.url, '--workers', '2']);
    gateways.push(g);
    // Each connection goes to one worker or the other; a room is shared however they fall.
    const users = await Promise.all(['u1', 'u2', 'u3', 'u4'].map((u) => join(g, u)));
    await Promise.all(users.map((c) => c.waitForType('server_session_created')));
    users[0]?.send({ type: 'client_text_append', text: 'Hello everyone!' });
    for (const c of users.slice(1)) {
      expect(await c.waitFor((m) => m.type === 'room_user_message', 30_000)).toMatchObject({ user_id: 'u1' });
    }
    // Two gateway processes said they are alive on the bus.
    const alive = execFileSync('redis-cli', [
      '-p',
      String(redis.port),
      '--scan',
      '--pattern',
      'chorus:proc:*:alive',
    ])
      .toString()
      .trim()
      .split('\n');
    expect(alive).toHaveLength(2);
    const exited = new Promise<number | null>((resolve) => g.child.once('exit', (code) => resolve(code)));
    g.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});

import { TestClock } from '@chorus/core/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus, MemoryBusNetwork } from '../src/cluster/memory-bus.js';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { TestClient } from './client.fixture.js';
import { EchoAgent } from './echo-agent.fixture.js';

// Several gateways in one process on a simulated bus and clock: the room's protocol between
// processes, leases and failover. The same code runs over Redis in test/cluster (real processes).

const silent = pino({ level: 'silent' });
const LEASE_MS = 3000;
const servers: ChorusServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const s of servers.splice(0)) await s.close();
});

function cluster() {
  const clock = new TestClock();
  const network = new MemoryBusNetwork(clock);
  const agents: EchoAgent[] = [];
  async function gateway(id: string) {
    const bus = new MemoryBus(network, id);
    const server = createChorusServer({
      rooms: {
        solo: () => new EchoAgent('solo'),
        lobby: () => {
          const agent = new EchoAgent('host', { chunkDelayMs: 30 });
          agents.push(agent);
          return agent;
        },
      },
      defaultRoom: 'solo',
      auth: { insecureDev: true },
      logger: silent,
      clock,
      cluster: { bus, leaseMs: LEASE_MS },
    });
    servers.push(server);
    const { port } = await server.listen(0, '127.0.0.1');
    return { server, bus, base: `ws://127.0.0.1:${port}` };
  }
  /** Moves the simulated clock, letting the bus's promises settle between steps. */
  async function advance(ms: number) {
    for (let done = 0; done < ms; done += 250) {
      clock.increment(250);
      for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return { clock, network, agents, gateway, advance };
}

/** Joins the shared room `room`, or opens a private session of the default room when `room` is null. */
async function join(base: string, user: string, room: string | null = 'lobby') {
  const c = new TestClient(`${base}/ws/${user}/s-${user}`);
  clients.push(c);
  await c.opened;
  c.send({ type: 'client_session_create', config: room === null ? {} : { room } });
  await c.waitForType('server_session_created');
  return c;
}

describe('shared rooms across gateways on one bus', () => {
  it('puts users of two gateways in one room run once, with the same events in the same order', async () => {
    const { agents, gateway } = cluster();
    const a = await gateway('A');
    const b = await gateway('B');
    const alice = await join(a.base, 'alice');
    const bob = await join(b.base, 'bob');
    expect(agents).toHaveLength(1);
    bob.send({ type: 'client_text_append', text: 'hi from B' });
    bob.send({ type: 'client_response_create' });
    const [da, db] = await Promise.all([
      alice.waitForType('agent_response_done'),
      bob.waitForType('agent_response_done'),
    ]);
    expect(da.response_id).toBe(db.response_id);
    expect(agents[0]?.inputs.map((i) => [i.event.type, i.user?.id])).toEqual([
      ['client_text_append', 'bob'],
      ['client_response_create', 'bob'],
    ]);
    const order = (c: TestClient) =>
      c.messages.filter((m) => String(m.type).startsWith('agent_response')).map((m) => m.type);
    expect(order(bob)).toEqual(order(alice));
    expect(order(bob)).toContain('agent_response_audio_delta');
  });

  it('sends a user’s audio to the owner only, never to a third gateway', async () => {
    const { agents, gateway } = cluster();
    const a = await gateway('A');
    const b = await gateway('B');
    const c = await gateway('C');
    await join(a.base, 'alice');
    const bob = await join(b.base, 'bob');
    // C serves a shared room of its own, so it is subscribed to the bus as a busy gateway is.
    await join(c.base, 'carol', 'solo');
    const heardByC = c.bus.stats.received;
    const audio = Buffer.alloc(640).toString('base64');
    for (let i = 0; i < 5; i++)
      bob.send({ type: 'client_audio_append', audio, format: { type: 'audio/pcm', rate: 16000 } });
    bob.send({ type: 'client_text_append', text: 'marker' });
    // The owner answers a response request only after the inputs before it: its answer reaching bob
    // means every frame he sent has reached the owner.
    bob.send({ type: 'client_response_create' });
    await bob.waitForType('agent_response_done');
    expect(agents[0]?.inputs.some((i) => i.event.type === 'client_text_append')).toBe(true);
    expect(agents[0]?.inputs.filter((i) => i.event.type === 'client_audio_append')).toHaveLength(5);
    expect(c.bus.stats.received).toBe(heardByC);
  });

  it('moves the room when its owner dies: the lease expires, agents restart with the history, users hear what was cut', async () => {
    const { agents, gateway, advance } = cluster();
    const a = await gateway('A');
    const b = await gateway('B');
    const alice = await join(a.base, 'alice');
    const bob = await join(b.base, 'bob');
    alice.send({ type: 'client_text_append', text: 'remember the blue door' });
    alice.send({ type: 'client_response_create' });
    await bob.waitForType('agent_response_done');
    // A second reply starts; its owner dies before it ends.
    alice.send({ type: 'client_response_create' });
    const created = await bob.waitFor(
      (m) => m.type === 'agent_response_created' && m.response_id === 'resp_2',
    );
    a.bus.sever();
    alice.ws.terminate();
    expect(agents).toHaveLength(1);
    await advance(LEASE_MS + 2 * (LEASE_MS / 3));
    const moved = await bob.waitForType('server_room_moved');
    expect(moved).toMatchObject({
      room_id: 'lobby',
      reason: 'owner_lost',
      lost: [{ agent_id: 'host', response_id: created.response_id, what: 'response_cut' }],
    });
    expect(moved.restored_items).toBeGreaterThan(0);
    expect(agents).toHaveLength(2);
    const seed = agents[1]?.inputs[0]?.event;
    expect(seed).toMatchObject({ type: 'client_text_append', role: 'system', respond: false });
    expect(seed?.type === 'client_text_append' && seed.text).toContain('You said: remember the blue door');
    // The room goes on on B.
    bob.send({ type: 'client_text_append', text: 'still there?' });
    bob.send({ type: 'client_response_create' });
    const done = await bob.waitFor(
      (m) => m.type === 'agent_response_done' && m.agent_id === 'host',
      5000,
      bob.messages.length,
    );
    expect(done.status).toBe('completed');
  });

  it('ends an OpenAI client’s cut reply when the room moves, and says why', async () => {
    const { gateway, advance } = cluster();
    const a = await gateway('A');
    const b = await gateway('B');
    const alice = await join(a.base, 'alice');
    const openai = new TestClient(`${b.base}/v1/realtime?room=lobby`);
    clients.push(openai);
    await openai.opened;
    await openai.waitForType('session.created');
    alice.send({ type: 'client_text_append', text: 'hi' });
    alice.send({ type: 'client_response_create' });
    const created = await openai.waitForType('response.created');
    a.bus.sever();
    alice.ws.terminate();
    await advance(LEASE_MS + 2 * (LEASE_MS / 3));
    const done = await openai.waitFor((m) => m.type === 'response.done');
    expect(done.response).toMatchObject({
      id: (created.response as { id: string }).id,
      status: 'cancelled',
    });
    const error = await openai.waitFor((m) => m.type === 'error');
    expect(error.error).toMatchObject({ type: 'server_error', code: 'room_moved' });
    expect(String((error.error as { message: string }).message)).toContain(
      (created.response as { id: string }).id,
    );
  });

  it('hands the room over at once when its owner shuts down', async () => {
    const { agents, gateway, advance } = cluster();
    const a = await gateway('A');
    const b = await gateway('B');
    await join(a.base, 'alice');
    const bob = await join(b.base, 'bob');
    await a.server.drain({ deadlineMs: 1000 });
    await advance(250);
    expect(await bob.waitForType('server_room_moved')).toMatchObject({ reason: 'owner_shutdown', lost: [] });
    expect(agents).toHaveLength(2);
  });

  it('refuses new shared rooms with a clear error while the bus is down, keeps private sessions, and recovers', async () => {
    const { network, gateway, advance } = cluster();
    const a = await gateway('A');
    const solo = await join(a.base, 'solo-user', 'solo');
    network.down();
    const c = new TestClient(`${a.base}/ws/dave/d1`);
    clients.push(c);
    await c.opened;
    c.send({ type: 'client_session_create', event_id: 'e1', config: { room: 'lobby' } });
    const error = await c.waitForType('server_error');
    expect(error).toMatchObject({ code: 'bus_unavailable', path: 'config.room', event_id: 'e1' });
    expect(String(error.message)).toContain('unreachable');
    const erin = await join(a.base, 'erin', null);
    erin.send({ type: 'client_text_append', text: 'hello' });
    erin.send({ type: 'client_response_create' });
    await erin.waitForType('agent_response_done');
    // A shared room this gateway runs goes on for its own users.
    solo.send({ type: 'client_text_append', text: 'hello' });
    solo.send({ type: 'client_response_create' });
    await solo.waitForType('agent_response_done');
    network.up();
    await advance(250);
    c.send({ type: 'client_session_create', config: { room: 'lobby' } });
    await c.waitForType('server_session_created');
  });
});

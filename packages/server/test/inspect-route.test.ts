import { RealtimeAgent } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import type { FeedItem } from '@chorus/inspector';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, createMachine } from 'xstate';
import type { ChorusServerOptions } from '../src/options.js';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { TestClient } from './client.fixture.js';
import { EchoAgent } from './echo-agent.fixture.js';

let server: ChorusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const lamp = createMachine({
  id: 'lamp',
  initial: 'off',
  states: { off: { on: { flip: 'on' } }, on: { on: { flip: 'off' } } },
});

class LampAgent extends EchoAgent {
  readonly actor = createActor(lamp).start();
}

/** Starts a server with these rooms, joins `room` as alice, then opens an /inspect feed filtered to it. */
async function joinRoomAndInspect(
  rooms: ChorusServerOptions['rooms'],
  room: string,
): Promise<{ user: TestClient; feed: TestClient }> {
  server = createChorusServer({
    rooms,
    auth: { apiKeys: { k: 'alice' } },
    logger: pino({ level: 'silent' }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const user = new TestClient(`ws://127.0.0.1:${port}/ws/alice/s`, {
    headers: { Authorization: 'Bearer k' },
  });
  await user.opened;
  user.send({ type: 'client_session_create', config: { room } });
  await user.waitForType('server_session_created');
  const feed = new TestClient(`ws://127.0.0.1:${port}/inspect?room=${room}`, {
    headers: { Authorization: 'Bearer k' },
  });
  await feed.opened;
  return { user, feed };
}

describe('/inspect', () => {
  it('streams a snapshot then live state changes of a room’s actors, filtered by room', async () => {
    let agent: LampAgent | undefined;
    const { user, feed } = await joinRoomAndInspect(
      {
        lamp: () => {
          agent = new LampAgent();
          return agent;
        },
      },
      'lamp',
    );
    const snapshot = await feed.waitForType('inspector_snapshot');
    expect(snapshot).toMatchObject({
      room: 'lamp',
      definitions: [{ kind: 'definition', machineKey: 'lamp' }],
    });
    expect(snapshot.states).toMatchObject([{ kind: 'state', value: 'off' }]);
    agent?.actor.send({ type: 'flip' });
    const item = await feed.waitFor(
      (m) => m.type === 'inspector_item' && (m.item as { kind: string }).kind === 'state',
    );
    expect(item.item).toMatchObject({ kind: 'state', room: 'lamp', value: 'on', eventType: 'flip' });
    user.ws.terminate();
    feed.ws.terminate();
  });
});

describe('/inspect with a lone RealtimeAgent', () => {
  it('shows the agent, whose actor only exists once started, with a compact definition', async () => {
    const { user, feed } = await joinRoomAndInspect(
      {
        assistant: () =>
          new RealtimeAgent({ name: 'assistant', instructions: 'Hi.', model: new ScriptedModel() }),
      },
      'assistant',
    );
    const snapshot = await feed.waitForType('inspector_snapshot');
    const definitions = snapshot.definitions as { machineKey: string; definition: unknown }[];
    expect(definitions.map((d) => d.machineKey)).toEqual(
      expect.arrayContaining(['realtimeAgent', 'modelConnection']),
    );
    for (const d of definitions) expect(JSON.stringify(d.definition).length).toBeLessThan(64 * 1024);
    expect(snapshot.states).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'state', value: { session: 'listening' } })]),
    );
    user.ws.terminate();
    feed.ws.terminate();
  });
});

describe('/inspect relays @statelyai/inspect messages', () => {
  it('passes an app’s inspection messages to readers, replays them to newcomers, and refuses others', async () => {
    server = createChorusServer({
      rooms: { lamp: () => new LampAgent() },
      auth: { apiKeys: { k: 'alice' } },
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const url = `ws://127.0.0.1:${port}/inspect`;
    const headers = { Authorization: 'Bearer k' };
    const reader = new TestClient(url, { headers });
    const app = new TestClient(url, { headers });
    await Promise.all([reader.opened, app.opened]);
    const actor = {
      type: '@xstate.actor',
      sessionId: 'x:0',
      name: 'lamp',
      definition: JSON.stringify(lamp.config),
      snapshot: { value: 'off', status: 'active' },
    };
    app.send(actor);
    app.send({
      type: '@xstate.snapshot',
      sessionId: 'x:0',
      snapshot: { value: 'on' },
      event: { type: 'flip' },
    });
    expect(await reader.waitForType('@xstate.actor')).toMatchObject({ sessionId: 'x:0', name: 'lamp' });
    expect(await reader.waitForType('@xstate.snapshot')).toMatchObject({ snapshot: { value: 'on' } });
    // The sender does not get its own messages back.
    expect(app.messages.filter((m) => String(m.type).startsWith('@xstate.'))).toEqual([]);
    const late = new TestClient(url, { headers });
    await late.opened;
    expect(await late.waitForType('@xstate.actor')).toMatchObject({ sessionId: 'x:0' });
    app.send({ type: 'client_text_append', text: 'hi' });
    const error = await app.waitForType('error');
    expect(String(error.message)).toContain('@statelyai/inspect');
    for (const c of [reader, app, late]) c.ws.terminate();
  });
});

describe('/inspect costs nothing while nobody watches', () => {
  async function lampServer(inspect: ChorusServerOptions['inspect']) {
    const clock = new TestClock();
    let agent: LampAgent | undefined;
    server = createChorusServer({
      rooms: {
        lamp: () => {
          agent = new LampAgent();
          return agent;
        },
      },
      auth: { apiKeys: { k: 'alice' } },
      logger: pino({ level: 'silent' }),
      clock,
      inspect,
    });
    const items: FeedItem[] = [];
    server.inspector.feed$.subscribe((item) => items.push(item));
    const { port } = await server.listen(0, '127.0.0.1');
    const user = new TestClient(`ws://127.0.0.1:${port}/ws/alice/s`, {
      headers: { Authorization: 'Bearer k' },
    });
    await user.opened;
    user.send({ type: 'client_session_create', config: { room: 'lamp' } });
    await user.waitForType('server_session_created');
    const flip = () => agent?.actor.send({ type: 'flip' });
    const states = () => items.filter((i) => i.kind === 'state').map((i) => (i as { value: unknown }).value);
    return { clock, port, user, flip, states, items };
  }

  it('attaches rooms when a reader connects, with their current state, and detaches them a linger after it leaves', async () => {
    const { clock, port, user, flip, states, items } = await lampServer({ lingerMs: 5_000 });
    flip();
    expect(items).toEqual([]);

    const feed = new TestClient(`ws://127.0.0.1:${port}/inspect?room=lamp`, {
      headers: { Authorization: 'Bearer k' },
    });
    const snapshot = await feed.waitForType('inspector_snapshot');
    expect(snapshot.states).toMatchObject([{ kind: 'state', room: 'lamp', value: 'on' }]);
    flip();
    expect(states()).toEqual(['on', 'off']);

    const connections = server?.connections;
    feed.ws.close();
    await vi.waitFor(() => expect(server?.connections).toBe((connections ?? 0) - 1));
    clock.increment(4_999);
    flip();
    expect(states()).toEqual(['on', 'off', 'on']);
    clock.increment(1);
    flip();
    expect(states()).toEqual(['on', 'off', 'on']);
    // A linger still pending when the server closes is cancelled with it.
    const again = new TestClient(`ws://127.0.0.1:${port}/inspect?room=lamp`, {
      headers: { Authorization: 'Bearer k' },
    });
    await again.waitForType('inspector_snapshot');
    again.ws.close();
    await vi.waitFor(() => expect(server?.connections).toBe((connections ?? 0) - 1));
    user.ws.terminate();
    await server?.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it('starts no linger for a reader still connected when the server closes', async () => {
    const { clock, port, user } = await lampServer({ lingerMs: 5_000 });
    const feed = new TestClient(`ws://127.0.0.1:${port}/inspect?room=lamp`, {
      headers: { Authorization: 'Bearer k' },
    });
    await feed.waitForType('inspector_snapshot');
    await server?.close();
    await feed.closed;
    user.ws.terminate();
    expect(clock.pendingTimers).toBe(0);
  });

  it("feeds every room from its start with when: 'always'", async () => {
    const { user, flip, states } = await lampServer({ when: 'always' });
    flip();
    expect(states()).toEqual(['off', 'on']);
    user.ws.terminate();
  });
});

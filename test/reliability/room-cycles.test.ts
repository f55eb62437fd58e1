import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import type { ServerEvent } from '@chorus/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { health, KEY, startGateway } from './support/gateway.js';
import { activeResources, resourcesGrownSince, settledHeapUsed } from './support/heap.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { bearer, WsClient } from './support/ws-client.js';

failOnProcessErrors();

const CYCLES = Number(process.env.ROOM_CYCLES ?? 200);
const WARMUP = 20;
// A leaked room (root actor, two agents, two models, their subscriptions) costs about 175 KB: 200
// of them grow the heap by some 35 MB. Without a leak the heap still grows by 1-2 MB while V8 warms
// up (it levels off near 2 MB after thousands of cycles), so the bound leaves room for that.
const HEAP_TOLERANCE_BYTES = 6 * 1024 * 1024;

let stopGateway: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopGateway?.();
  stopGateway = undefined;
});

function talkingRoom(clock: TestClock): ChatRoom {
  const agent = (name: string, reply: string) =>
    new RealtimeAgent({
      name,
      instructions: `You are ${name}.`,
      clock,
      model: new ScriptedModel({ clock, chunkMs: 20, recordAudio: false, fallback: { text: reply } }),
    });
  return new ChatRoom({
    agents: [agent('Ada', 'Hello from Ada, nice to meet you.'), agent('Bob', 'Bob here, likewise.')],
    floor: 'free',
    maxAgentTurns: 2,
    clock,
  });
}

/** Starts a room, has both agents talk (user turn, agent-to-agent replies), then stops it. */
async function cycle(clock: TestClock): Promise<number> {
  const room = talkingRoom(clock);
  let audio = 0;
  const done: string[] = [];
  await room.start({
    next: (event: ServerEvent) => {
      if (event.type === 'agent_response_audio_delta') audio++;
      if (event.type === 'agent_response_done') done.push(event.agent_name);
    },
  });
  room.handleInput({ type: 'client_text_append', text: 'Hi both, introduce yourselves.' });
  for (let i = 0; i < 400 && done.length < 2; i++) {
    clock.increment(20);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await room.stop();
  const left = room.resources();
  expect(left).toMatchObject({ children: 0, busSubscribers: 0, memberSubscriptions: 0, pendingEvents: 0 });
  expect(done.length).toBeGreaterThanOrEqual(2);
  return audio;
}

describe(`${CYCLES} start/stop cycles with talking agents`, () => {
  it('ChatRoom of two scripted agents: handles and heap after GC back to baseline', async () => {
    const clock = new TestClock();
    for (let i = 0; i < WARMUP; i++) await cycle(clock);
    const handlesBefore = activeResources();
    const heapBefore = await settledHeapUsed();
    let audio = 0;
    for (let i = 0; i < CYCLES; i++) audio += await cycle(clock);
    const heapAfter = await settledHeapUsed();
    expect(resourcesGrownSince(handlesBefore)).toEqual({});
    expect(clock.pendingTimers).toBe(0);
    expect(audio).toBeGreaterThan(CYCLES * 2);
    const grown = heapAfter - heapBefore;
    console.info(
      `${CYCLES} room cycles: ${audio} audio deltas, heap ${(heapBefore / 1e6).toFixed(1)} -> ${(heapAfter / 1e6).toFixed(1)} MB (${(grown / CYCLES).toFixed(0)} B/cycle)`,
    );
    expect(grown).toBeLessThan(HEAP_TOLERANCE_BYTES);
  }, 120_000);

  it('gateway sessions (connect, talk, disconnect): handles, rooms and heap back to baseline', async () => {
    const gateway = await startGateway();
    stopGateway = () => gateway.server.close();
    const session = async (i: number) => {
      const client = new WsClient(`${gateway.base}/ws/cycler/s${i}`, bearer(KEY));
      await client.opened;
      client.send({ type: 'client_session_create', config: {} });
      await client.waitForType('server_session_created');
      client.send({ type: 'client_text_append', text: 'hello' });
      client.send({ type: 'client_response_create' });
      await client.waitForType('agent_response_done');
      client.ws.close();
      await client.closed;
    };
    const settle = () =>
      eventually(
        () => health(gateway.port),
        (h) => h.connections === 0 && h.rooms === 0,
        'sessions closed',
      );
    for (let i = 0; i < WARMUP; i++) await session(i);
    await settle();
    const handlesBefore = activeResources();
    const heapBefore = await settledHeapUsed();
    for (let i = 0; i < CYCLES; i++) await session(WARMUP + i);
    await settle();
    // Client sockets close asynchronously on both ends; wait until the handle list is back.
    await eventually(
      () => resourcesGrownSince(handlesBefore),
      (grown) => Object.keys(grown).length === 0,
      'handles',
    );
    const heapAfter = await settledHeapUsed();
    const grown = heapAfter - heapBefore;
    console.info(
      `${CYCLES} gateway sessions: heap ${(heapBefore / 1e6).toFixed(1)} -> ${(heapAfter / 1e6).toFixed(1)} MB (${(grown / CYCLES).toFixed(0)} B/session)`,
    );
    expect(grown).toBeLessThan(HEAP_TOLERANCE_BYTES);
  }, 120_000);
});

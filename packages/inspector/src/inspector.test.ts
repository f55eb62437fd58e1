import { describe, expect, it } from 'vitest';
import { assign, createActor, createMachine, fromPromise, setup, spawnChild } from 'xstate';
import type { ActorItem, FeedItem } from './feed-item.js';
import { Inspector } from './inspector.js';
import { DEFAULT_JSON_SAFE_LIMITS, toJsonSafe } from './json-safe.js';
import { RingBuffer } from './ring-buffer.js';

const toggle = setup({
  types: { events: {} as { type: 'toggle'; delta?: string; audio?: string; note?: string } },
}).createMachine({
  id: 'toggle',
  context: { count: 0 },
  initial: 'off',
  states: {
    off: { on: { toggle: { target: 'on', actions: assign({ count: ({ context }) => context.count + 1 }) } } },
    on: { on: { toggle: 'off' } },
  },
});

function collect(inspector: Inspector): FeedItem[] {
  const items: FeedItem[] = [];
  inspector.feed$.subscribe((item) => items.push(item));
  return items;
}

describe('Inspector', () => {
  it('sends the definition once, the actor once, then state changes and events without media', () => {
    const inspector = new Inspector({ now: () => 1000 });
    const items = collect(inspector);
    const actor = createActor(toggle, { inspect: inspector.observer('room-1') }).start();
    actor.send({ type: 'toggle', delta: 'AAAA', audio: 'BBBB', note: 'hi' });
    actor.send({ type: 'toggle' });
    actor.stop();

    const kinds = items.map((i) => i.kind);
    expect(kinds.filter((k) => k === 'definition')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'actor')).toHaveLength(1);
    const states = items.filter((i) => i.kind === 'state').map((i) => (i.kind === 'state' ? i.value : null));
    expect(states).toEqual(['off', 'on', 'off', 'off']);
    // Each state change carries the context of that moment.
    const contexts = items
      .filter((i) => i.kind === 'state')
      .map((i) => (i.kind === 'state' ? i.context : null));
    expect(contexts.slice(0, 3)).toEqual([{ count: 0 }, { count: 1 }, { count: 1 }]);
    const toggles = items.filter((i) => i.kind === 'event' && i.event.type === 'toggle');
    expect(toggles[0]).toMatchObject({
      kind: 'event',
      room: 'room-1',
      event: { type: 'toggle', note: 'hi' },
    });
    expect(JSON.stringify(items)).not.toContain('AAAA');
    expect(JSON.stringify(items)).not.toContain('BBBB');
    expect(items.every((i) => i.kind === 'dropped' || i.room === 'room-1')).toBe(true);
    const definition = items.find((i) => i.kind === 'definition');
    expect(definition?.kind === 'definition' && JSON.stringify(definition.definition)).toContain('"off"');
    // the stopped actor is no longer live
    expect(inspector.snapshot('room-1').actors).toHaveLength(0);
  });

  it('attaches to a running actor system and reports existing children', async () => {
    const parent = createMachine({
      id: 'parent',
      initial: 'waiting',
      invoke: { id: 'job', src: fromPromise(() => new Promise<number>(() => {})) },
      states: { waiting: { on: { go: 'going' } }, going: {} },
    });
    const actor = createActor(parent).start();
    const inspector = new Inspector();
    const detach = inspector.attach(actor, 'r');
    const snap = inspector.snapshot('r');
    expect(snap.actors.map((a) => a.id).sort()).toEqual(['job', actor.id].sort());
    expect(snap.states.find((s) => s.value === 'waiting')).toBeDefined();
    actor.send({ type: 'go' });
    expect(inspector.snapshot('r').states.map((s) => s.value)).toContain('going');
    detach();
    actor.send({ type: 'go' });
    actor.stop();
  });

  it('files each child under the actor that spawned or invoked it, live and when attached', () => {
    const leaf = createMachine({ id: 'leaf', initial: 'on', states: { on: {} } });
    const middle = setup({ actors: { leaf } }).createMachine({
      id: 'middle',
      initial: 'idle',
      states: { idle: { on: { grow: { actions: spawnChild('leaf', { id: 'leaf' }) } } } },
    });
    const top = setup({ actors: { middle } }).createMachine({
      id: 'top',
      initial: 'running',
      states: { running: { invoke: { id: 'middle', src: 'middle' } } },
    });
    const inspector = new Inspector();
    const items = collect(inspector);
    // The inspector reads XState's public surface only: an underscored (internal) field throws here.
    const publicOnly = <T extends object>(ref: T): T =>
      new Proxy(ref, {
        get(target, key, receiver) {
          if (typeof key === 'string' && key.startsWith('_')) throw new Error(`internal field ${key} read`);
          return Reflect.get(target, key, receiver);
        },
      });
    const feed = inspector.observer('live');
    const actor = createActor(top, {
      inspect: (event) => {
        const action = event.type === '@xstate.action' ? event.action : undefined;
        const params = action?.params as { actorRef?: object } | undefined;
        feed({
          ...event,
          actorRef: publicOnly(event.actorRef),
          ...(action && params?.actorRef
            ? { action: { ...action, params: { ...params, actorRef: publicOnly(params.actorRef) } } }
            : {}),
        } as typeof event);
      },
    }).start();
    (actor.getSnapshot().children.middle as { send(e: { type: string }): void }).send({ type: 'grow' });
    const filed = items.filter((i): i is ActorItem => i.kind === 'actor' && i.room === 'live');
    const byId = new Map(filed.map((i) => [i.id, i]));
    const topItem = filed.find((i) => i.parentId === undefined);
    expect(topItem?.machineKey).toBe('top');
    expect(byId.get('middle')?.parentId).toBe(topItem?.actorId);
    expect(byId.get('leaf')?.parentId).toBe(byId.get('middle')?.actorId);
    // Each actor is filed before anything is said about its state.
    const leafId = byId.get('leaf')?.actorId;
    const firstState = items.findIndex((i) => i.kind === 'state' && i.actorId === leafId);
    expect(items.indexOf(byId.get('leaf')!)).toBeLessThan(firstState);

    const attached = new Inspector();
    attached.attach(actor, 'late');
    const late = new Map(attached.snapshot('late').actors.map((a) => [a.id, a]));
    expect(late.get('middle')?.parentId).toBe(actor.sessionId);
    expect(late.get('leaf')?.parentId).toBe(late.get('middle')?.actorId);
    actor.stop();
  });

  it('keeps a bounded ring of recent items with a dropped marker, filtered by room', () => {
    const inspector = new Inspector({ capacity: 4 });
    const a = createActor(toggle, { inspect: inspector.observer('a') }).start();
    const b = createActor(toggle, { inspect: inspector.observer('b') }).start();
    for (let i = 0; i < 5; i++) a.send({ type: 'toggle' });
    b.send({ type: 'toggle' });
    const all = inspector.snapshot();
    expect(all.recent[0]).toEqual({ kind: 'dropped', count: all.recent.length > 0 ? expect.any(Number) : 0 });
    expect(all.recent.length).toBe(5);
    const onlyB = inspector.snapshot('b').recent.filter((i) => i.kind !== 'dropped');
    expect(onlyB.every((i) => i.room === 'b')).toBe(true);
    expect(onlyB.length).toBeGreaterThan(0);
    a.stop();
    b.stop();
  });

  it('never throws on hostile input', () => {
    const inspector = new Inspector();
    const hostile = {
      type: '@xstate.event',
      actorRef: { sessionId: 's', id: 'x', getSnapshot: () => ({}) },
      sourceRef: undefined,
      event: {
        type: 'x',
        get boom() {
          throw new Error('getter');
        },
      },
      rootId: 's',
    };
    expect(() => inspector.inspect(hostile as never, 'r')).not.toThrow();
  });
});

describe('toJsonSafe', () => {
  it('drops functions, replaces bytes and actor refs, cuts long strings and cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(
      toJsonSafe({
        f: () => 1,
        bytes: new Uint8Array(10),
        ref: { sessionId: 'x:3', send() {} },
        long: 'y'.repeat(600),
        cyclic,
        delta: 'secret-audio',
      }),
    ).toEqual({
      bytes: { bytes: 10 },
      ref: { actor: 'x:3' },
      long: `${'y'.repeat(512)}…(+88 chars)`,
      cyclic: { a: 1, self: '[cycle]' },
    });
  });
});

describe('RingBuffer', () => {
  it('overwrites the oldest and counts drops', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.dropped).toBe(2);
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
  });
});

describe('machine definitions in the feed', () => {
  it('stay compact: transition targets are ids, not embedded state-node graphs', async () => {
    const { realtimeAgentMachine, modelConnectionMachine } = await import('@chorus/core/machines');
    for (const machine of [realtimeAgentMachine, modelConnectionMachine]) {
      const size = JSON.stringify(
        toJsonSafe(machine.definition, { ...DEFAULT_JSON_SAFE_LIMITS, maxDepth: 64, maxEntries: 1024 }),
      ).length;
      expect(size).toBeLessThan(64 * 1024);
    }
    const agent = toJsonSafe(realtimeAgentMachine.definition, {
      ...DEFAULT_JSON_SAFE_LIMITS,
      maxDepth: 64,
      maxEntries: 1024,
    }) as { states: { session: { states: { listening: { on: Record<string, { target: string[] }[]> } } } } };
    expect(agent.states.session.states.listening.on['model.response_created']?.[0]?.target).toEqual([
      '#realtimeAgent.session.responding',
    ]);
  });
});

describe('Inspector machine definitions', () => {
  it('gives every provide() copy of a machine one key and one shared definition, room after room', () => {
    const inspector = new Inspector();
    const items = collect(inspector);
    const other = createMachine({ id: 'toggle', initial: 'a', states: { a: {} } });
    for (const [room, logic] of [
      ['room-1', toggle.provide({})],
      ['room-2', toggle.provide({})],
      ['room-2', other],
    ] as const) {
      createActor(logic, { inspect: inspector.observer(room) }).start();
    }
    const definitions = items.flatMap((i) => (i.kind === 'definition' ? [i] : []));
    expect(definitions.map((d) => [d.room, d.machineKey])).toEqual([
      ['room-1', 'toggle'],
      ['room-2', 'toggle'],
      ['room-2', 'toggle#2'],
    ]);
    expect(definitions[1]?.definition).toBe(definitions[0]?.definition);
    expect(definitions[2]?.definition).not.toEqual(definitions[0]?.definition);
  });
});

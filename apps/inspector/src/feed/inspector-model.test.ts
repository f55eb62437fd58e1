import { describe, expect, it } from 'vitest';
import { filterTimeline, InspectorModel, snapshotAt } from './inspector-model.js';
import { TimelineBuffer } from './timeline-buffer.js';

describe('TimelineBuffer', () => {
  it('keeps the newest entries and counts the dropped ones', () => {
    const buffer = new TimelineBuffer<number>(3);
    for (let i = 1; i <= 5; i++) buffer.push(i);
    expect(buffer.toArray()).toEqual([3, 4, 5]);
    expect(buffer.dropped).toBe(2);
    buffer.clear();
    expect([buffer.size, buffer.dropped, buffer.toArray()]).toEqual([0, 0, []]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new TimelineBuffer(0)).toThrow('TimelineBuffer capacity must be a positive integer, got 0');
  });
});

describe('InspectorModel', () => {
  const state = (actorId: string, value: unknown, eventType: string, time: number, context?: unknown) => ({
    kind: 'state' as const,
    room: 'r',
    actorId,
    value,
    status: 'active',
    eventType,
    time,
    ...(context !== undefined ? { context } : {}),
  });

  it('tracks actors, their latest and previous values, and a bounded timeline per room', () => {
    const model = new InspectorModel({ timelineCapacity: 4 });
    model.apply({
      kind: 'actor',
      room: 'r',
      actorId: 'a',
      name: 'agent',
      parentId: undefined,
      machineKey: 'm',
      time: 1,
    });
    model.apply({ kind: 'definition', room: 'r', machineKey: 'm', definition: { id: 'm' } });
    model.apply(state('a', 'listening', 'start', 2));
    model.apply({ kind: 'event', room: 'r', actorId: 'a', sourceId: 'b', event: { type: 'go' }, time: 3 });
    model.apply(state('a', 'responding', 'go', 4, { turn: 1 }));
    const actor = model.rooms.get('r')?.actors.get('a');
    expect(
      actor && [
        actor.value,
        actor.previousValue,
        actor.lastEventType,
        actor.context,
        actor.hasContext,
        actor.changes,
      ],
    ).toEqual(['responding', 'listening', 'go', { turn: 1 }, true, 2]);
    model.apply(state('a', 'listening', 'done', 5));
    model.apply(state('a', 'responding', 'go', 6));
    const timeline = model.rooms.get('r')?.timeline;
    expect(timeline?.dropped).toBe(1);
    expect(
      timeline?.toArray().map((e) => (e.kind === 'dropped' ? 'dropped' : `${e.kind}:${e.type}`)),
    ).toEqual(['event:go', 'state:go', 'state:done', 'state:go']);
    expect(model.version).toBe(7);
  });

  it('finds the snapshot of an actor at a selected moment, and filters the timeline', () => {
    const model = new InspectorModel();
    model.apply(state('a', 'one', 'x', 1, { n: 1 }));
    model.apply({
      kind: 'event',
      room: 'r',
      actorId: 'a',
      sourceId: undefined,
      event: { type: 'ping' },
      time: 2,
    });
    model.apply(state('b', 'other', 'y', 3));
    model.apply(state('a', 'two', 'ping', 4, { n: 2 }));
    const entries = model.rooms.get('r')?.timeline.toArray() ?? [];
    const ping = entries.find((e) => e.kind === 'event');
    expect(ping && snapshotAt(entries, 'a', ping.n)?.context).toEqual({ n: 1 });
    expect(snapshotAt(entries, 'b', 1)).toBeUndefined();
    const only = (actorIds: string[], types: string[], text = '') =>
      filterTimeline(entries, { actorIds: new Set(actorIds), types: new Set(types), text }).map((e) => e.n);
    expect(only([], [])).toEqual([1, 2, 3, 4]);
    expect(only(['a'], ['state'])).toEqual([1, 4]);
    expect(only([], [], 'PIN')).toEqual([2, 4]);
  });

  it('keeps dropped markers from the feed, resets rooms on a new snapshot, and evicts finished actors first', () => {
    const model = new InspectorModel({ maxActorsPerRoom: 2 });
    model.apply({ kind: 'dropped', room: 'r', count: 7 });
    expect(model.rooms.get('r')?.timeline.toArray()[0]).toMatchObject({ kind: 'dropped', count: 7 });
    model.apply({ ...state('a', 'x', 'e', 1), status: 'stopped' });
    model.apply(state('b', 'x', 'e', 1));
    model.apply(state('c', 'x', 'e', 1));
    expect([...(model.rooms.get('r')?.actors.keys() ?? [])]).toEqual(['b', 'c']);
    model.apply({ kind: 'reset', room: 'r' });
    expect(model.rooms.has('r')).toBe(false);
  });
});

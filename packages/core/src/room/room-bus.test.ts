import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RoomBus } from './room-bus.js';

// Two subscribers; the first reacts to 'A' by publishing 'B'. Each logs what it receives.
function reentrantScenario(publish: (e: string) => void, subscribe: (cb: (e: string) => void) => void) {
  const first: string[] = [];
  const second: string[] = [];
  subscribe((e) => {
    first.push(e);
    if (e === 'A') publish('B');
  });
  subscribe((e) => second.push(e));
  return { first, second };
}

describe('RoomBus', () => {
  it('a plain synchronous Subject reorders under re-entrancy (the bug the bus exists for)', () => {
    const subject = new Subject<string>();
    const { first, second } = reentrantScenario(
      (e) => subject.next(e),
      (cb) => subject.subscribe(cb),
    );
    subject.next('A');
    expect(first).toEqual(['A', 'B']);
    expect(second).toEqual(['B', 'A']);
  });

  it('delivers in publish order to every subscriber, even when a subscriber publishes', async () => {
    const bus = new RoomBus<string>();
    const { first, second } = reentrantScenario(
      (e) => bus.publish(e),
      (cb) => bus.events$.subscribe(cb),
    );
    bus.publish('A');
    bus.publish('C');
    await bus.drained();
    expect(first).toEqual(['A', 'C', 'B']);
    expect(second).toEqual(['A', 'C', 'B']);
  });

  it('delivers asynchronously: nothing arrives inside publish', async () => {
    const bus = new RoomBus<number>();
    const seen: number[] = [];
    bus.events$.subscribe((n) => seen.push(n));
    bus.publish(1);
    expect(seen).toEqual([]);
    expect(bus.pending).toBe(1);
    await bus.drained();
    expect(seen).toEqual([1]);
    expect(bus.pending).toBe(0);
  });

  it('keeps order for a chain of nested publishes several levels deep', async () => {
    const bus = new RoomBus<number>();
    const a: number[] = [];
    const b: number[] = [];
    bus.events$.subscribe((n) => {
      a.push(n);
      if (n < 4) bus.publish(n * 10);
    });
    bus.events$.subscribe((n) => {
      b.push(n);
      if (n === 1) bus.publish(2);
    });
    bus.publish(1);
    await bus.drained();
    expect(a).toEqual([1, 10, 2, 20]);
    expect(b).toEqual(a);
  });

  it('counts subscribers and releases them all on close, delivering what was queued first', async () => {
    const bus = new RoomBus<string>();
    const seen: string[] = [];
    let completed = 0;
    bus.events$.subscribe({ next: (e) => seen.push(e), complete: () => completed++ });
    const sub = bus.events$.subscribe(() => undefined);
    expect(bus.subscriberCount).toBe(2);
    sub.unsubscribe();
    expect(bus.subscriberCount).toBe(1);
    bus.publish('last');
    const closing = bus.close();
    expect(bus.publish('too late')).toBe(false);
    await closing;
    expect(seen).toEqual(['last']);
    expect(completed).toBe(1);
    expect(bus.subscriberCount).toBe(0);
    expect(bus.closed).toBe(true);
  });

  it('completes a subscriber that arrives after close at once', async () => {
    const bus = new RoomBus<string>();
    await bus.close();
    let completed = false;
    bus.events$.subscribe({ complete: () => (completed = true) });
    expect(completed).toBe(true);
    expect(bus.subscriberCount).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../src/clock.js';

describe('ManualClock (kept for existing callers)', () => {
  it('advance runs due timers in time order and pending counts the rest', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    const late = clock.setTimeout(() => fired.push('late'), 100);
    expect(clock.pending).toBe(3);
    clock.advance(20);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(20);
    expect(clock.pending).toBe(1);
    clock.clearTimeout(late);
    expect(clock.pending).toBe(0);
  });
});

describe('systemClock', () => {
  it('unrefs its timers so they never hold the process open', () => {
    const handle = systemClock.setTimeout(() => {}, 60_000) as ReturnType<typeof setTimeout>;
    try {
      expect(handle.hasRef()).toBe(false);
    } finally {
      systemClock.clearTimeout(handle);
    }
  });
});

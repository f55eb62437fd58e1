import { describe, expect, it } from 'vitest';
import { TestClock } from '../testing/test-clock.js';
import { ConnectionClock } from './connection-clock.js';

describe('ConnectionClock', () => {
  it("runs timers on the connection's clock, else the model's own, and clears each on the clock that set it", () => {
    const own = new TestClock();
    const owner = new TestClock();
    const clock = new ConnectionClock(own);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('own'), 10);
    clock.use({ clock: owner });
    const onOwner = clock.setTimeout(() => fired.push('owner'), 10);
    expect(clock.now()).toBe(0);
    owner.increment(5);
    expect(clock.now()).toBe(5);
    clock.use({});
    // Cleared on the owner's clock although the model's own is current now.
    clock.clearTimeout(onOwner);
    expect(owner.pendingTimers).toBe(0);
    own.increment(10);
    expect(fired).toEqual(['own']);
  });
});

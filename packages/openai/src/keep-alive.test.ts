import { TestClock } from '@chorus/core/testing';
import { describe, expect, it } from 'vitest';
import { KeepAlive } from './keep-alive.js';

function socket() {
  return {
    pings: 0,
    readyState: 1,
    ping() {
      this.pings += 1;
    },
  };
}

describe('KeepAlive', () => {
  it('pings every interval and stays quiet while pongs come back', () => {
    const clock = new TestClock();
    const keepAlive = new KeepAlive(clock, 1000, 300);
    const s = socket();
    const dead: string[] = [];
    keepAlive.start(s, (reason) => dead.push(reason));
    for (let i = 0; i < 5; i++) {
      clock.increment(1000);
      keepAlive.pong();
    }
    expect(s.pings).toBe(5);
    expect(dead).toEqual([]);
    keepAlive.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('declares the socket dead once when a pong is late', () => {
    const clock = new TestClock();
    const keepAlive = new KeepAlive(clock, 1000, 300);
    const s = socket();
    const dead: string[] = [];
    keepAlive.start(s, (reason) => dead.push(reason));
    clock.increment(1000);
    clock.increment(299);
    expect(dead).toEqual([]);
    clock.increment(1);
    expect(dead).toEqual(['no pong within 300 ms']);
    clock.increment(10_000);
    expect(dead).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not ping a socket that is not open', () => {
    const clock = new TestClock();
    const keepAlive = new KeepAlive(clock, 1000, 300);
    const s = { ...socket(), readyState: 3 };
    keepAlive.start(s, () => {});
    clock.increment(5000);
    expect(s.pings).toBe(0);
  });
});

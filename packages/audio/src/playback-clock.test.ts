import { describe, expect, it } from 'vitest';
import { PlaybackClock } from './playback-clock.js';

function simulatedClock() {
  let now = 1_000;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('PlaybackClock', () => {
  it('heard = elapsed playback time while audio arrives faster than real time', () => {
    const time = simulatedClock();
    const clock = new PlaybackClock({ now: time.now });
    clock.appended('item_1', 1000);
    clock.appended('item_1', 1000);
    expect(clock.heardMs('item_1')).toBe(0);
    time.advance(350);
    expect(clock.heardMs('item_1')).toBe(350);
    expect(clock.sentMs('item_1')).toBe(2000);
    expect(clock.bufferedMs()).toBe(1650);
  });

  it('heard = audio sent when the listener has run out of audio', () => {
    const time = simulatedClock();
    const clock = new PlaybackClock({ now: time.now });
    clock.appended('item_1', 200);
    time.advance(500);
    expect(clock.heardMs('item_1')).toBe(200);
    expect(clock.bufferedMs()).toBe(0);
  });

  it('queues an item behind audio still playing from the previous one', () => {
    const time = simulatedClock();
    const clock = new PlaybackClock({ now: time.now });
    clock.appended('a', 1000);
    time.advance(100);
    clock.appended('b', 500);
    time.advance(800);
    expect(clock.heardMs('a')).toBe(900);
    expect(clock.heardMs('b')).toBe(0);
    time.advance(300);
    expect(clock.heardMs('a')).toBe(1000);
    expect(clock.heardMs('b')).toBe(200);
  });

  it('a client report takes precedence over the estimate, capped at what was sent', () => {
    const time = simulatedClock();
    const clock = new PlaybackClock({ now: time.now });
    clock.appended('item_1', 1000);
    time.advance(600);
    clock.reported('item_1', 420);
    expect(clock.heardMs('item_1')).toBe(420);
    time.advance(300);
    expect(clock.heardMs('item_1')).toBe(420);
    clock.reported('item_1', 5000);
    expect(clock.heardMs('item_1')).toBe(1000);
  });

  it('cleared() freezes every item where the listener was, and new audio plays from now', () => {
    const time = simulatedClock();
    const clock = new PlaybackClock({ now: time.now });
    clock.appended('a', 3000);
    time.advance(1250);
    clock.cleared();
    time.advance(1000);
    expect(clock.heardMs('a')).toBe(1250);
    expect(clock.bufferedMs()).toBe(0);
    clock.appended('b', 400);
    time.advance(100);
    expect(clock.heardMs('b')).toBe(100);
    expect(clock.heardMs('a')).toBe(1250);
  });

  it('returns 0 for unknown items and forgets on request', () => {
    const time = simulatedClock();
    const clock = new PlaybackClock({ now: time.now });
    expect(clock.heardMs('nope')).toBe(0);
    clock.appended('a', 100);
    time.advance(50);
    clock.forget('a');
    expect(clock.heardMs('a')).toBe(0);
    expect(clock.sentMs('a')).toBe(0);
  });

  it('remembers at most maxItems items, dropping the oldest', () => {
    const time = simulatedClock();
    const clock = new PlaybackClock({ now: time.now, maxItems: 2 });
    clock.appended('a', 10);
    clock.appended('b', 10);
    clock.appended('c', 10);
    expect([clock.sentMs('a'), clock.sentMs('b'), clock.sentMs('c')]).toEqual([0, 10, 10]);
  });

  it('rejects bad input, naming the item and value', () => {
    const clock = new PlaybackClock({ now: () => 0 });
    expect(() => clock.appended('a', -1)).toThrow(
      'durationMs for item "a" must be a non-negative finite number, got -1',
    );
    expect(() => clock.reported('ghost', 10)).toThrow(
      'playback reported for unknown item "ghost": no audio was sent for it',
    );
    clock.appended('a', 10);
    expect(() => clock.reported('a', Number.NaN)).toThrow(
      'audioEndMs for item "a" must be a non-negative finite number, got NaN',
    );
    expect(() => new PlaybackClock({ maxItems: 0 })).toThrow('maxItems must be a positive integer, got 0');
  });

  it('defaults to the real monotonic clock', () => {
    const clock = new PlaybackClock();
    clock.appended('a', 10_000);
    expect(clock.heardMs('a')).toBeGreaterThanOrEqual(0);
    expect(clock.heardMs('a')).toBeLessThan(1000);
  });
});

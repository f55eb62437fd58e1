import type { ChorusClock } from '@chorus/core';
import { TestClock } from '@chorus/core/testing';

/**
 * Time source for every timer in the gateway: core's `ChorusClock`, which here must tell time
 * (idle timeouts, rate buckets and the slow-consumer deadline read `now()`).
 */
export type Clock = Required<ChorusClock>;

/** @deprecated Timer handles are opaque: a `ChorusClock` returns `unknown`. */
export type TimerHandle = unknown;

/**
 * The gateway's real clock: `performance.now()` and Node timers, unref'd so that a gateway's timers
 * never hold the process open (unlike core's `systemClock`).
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/**
 * @deprecated Use `TestClock` from `@chorus/core/testing`: `increment(ms)` for `advance(ms)`,
 * `pendingTimers` for `pending`.
 */
export class ManualClock extends TestClock {
  advance(ms: number): void {
    this.increment(ms);
  }

  get pending(): number {
    return this.pendingTimers;
  }
}

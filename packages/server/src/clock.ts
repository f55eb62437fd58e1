import type { ChorusClock } from '@chorus/core';

/**
 * Time source for every timer in the gateway: core's `ChorusClock`, which here must tell time
 * (idle timeouts, rate buckets and the slow-consumer deadline read `now()`).
 */
export type Clock = Required<ChorusClock>;

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

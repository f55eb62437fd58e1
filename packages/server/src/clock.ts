import { type ChorusClock, systemClock } from '@chorus/core';

/**
 * Time source for every timer in the gateway: core's `ChorusClock`, which here must tell time
 * (idle timeouts, rate buckets and the slow-consumer deadline read `now()`).
 */
export type Clock = Required<ChorusClock>;

/**
 * The gateway's real clock: core's `systemClock` with its timers unref'd, so that a gateway's
 * timers never hold the process open.
 */
export const gatewayClock: Clock = {
  now: () => systemClock.now(),
  setTimeout(callback, ms) {
    const handle = systemClock.setTimeout(callback, ms) as ReturnType<typeof setTimeout>;
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => systemClock.clearTimeout(handle),
};

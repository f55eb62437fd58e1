/** An opaque timer handle from a {@link Clock}. */
export type ClockTimer = unknown;

/**
 * Time as the adapter sees it: every timer (keepalive, setup timeout, session renewal, handle age)
 * goes through one of these, so tests drive them with a simulated clock instead of sleeping. The
 * shape matches `ChorusClock` in `@chorus/core` (and XState's clock), so the same clock drives both.
 */
export interface Clock {
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
  /** Milliseconds since some fixed origin; wall time when absent. */
  now?(): number;
}

/** The real clock: `Date.now` and the host's timers. */
export const systemClock: Required<Clock> = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** Reads `clock`'s time, falling back to wall time. */
export function clockNow(clock: Clock): number {
  return clock.now ? clock.now() : Date.now();
}

/**
 * The timer source every Chorus actor uses. It has the shape of XState's `Clock` plus an optional
 * `now()`, so XState's `SimulatedClock` (and the `TestClock` in `@chorus/core/testing`) can drive
 * backoff, pacing, timeouts and timestamps in tests without real time passing.
 */
export interface ChorusClock {
  setTimeout(fn: () => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
  /** Milliseconds on this clock; absent on a plain XState clock, then wall time is used. */
  now?(): number;
}

/** Real time: the global timers and `performance.now()`. */
export const systemClock: Required<ChorusClock> = {
  setTimeout: (fn, timeout) => setTimeout(fn, timeout),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

/** A `now()` for the clock: its own when it has one, otherwise wall time. */
export function clockNow(clock: ChorusClock): () => number {
  return clock.now ? () => (clock.now as () => number).call(clock) : () => performance.now();
}

/**
 * The timers an adapter uses (ping, pong timeout, session renewal, cancel timeout). Structurally the
 * same as `ChorusClock` in `@chorus/core`, so a core `TestClock` or XState `SimulatedClock` fits.
 */
export interface AdapterClock {
  setTimeout(fn: () => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
  now?(): number;
}

/** Real time. */
export const realClock: AdapterClock = {
  setTimeout: (fn, timeout) => setTimeout(fn, timeout),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

/** A one-shot timer on a clock, safe to cancel twice. */
export class ClockTimer {
  private id: unknown;
  private armed = false;

  constructor(private readonly clock: AdapterClock) {}

  start(ms: number, fn: () => void): void {
    this.cancel();
    this.armed = true;
    this.id = this.clock.setTimeout(() => {
      this.armed = false;
      fn();
    }, ms);
  }

  cancel(): void {
    if (!this.armed) return;
    this.armed = false;
    this.clock.clearTimeout(this.id);
  }

  get running(): boolean {
    return this.armed;
  }
}

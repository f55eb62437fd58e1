import type { ChorusClock } from '@chorus/core';

/** A one-shot timer on a clock, safe to cancel twice. */
export class ClockTimer {
  private id: unknown;
  private armed = false;

  constructor(private readonly clock: ChorusClock) {}

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

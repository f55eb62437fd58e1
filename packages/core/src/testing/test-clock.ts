import type { ChorusClock } from '../clock.js';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A simulated clock with the interface of XState's `SimulatedClock` (`now`, `setTimeout`,
 * `clearTimeout`, `increment`, `set`) plus `pendingTimers`, so a test can assert that stopping
 * something left no timer behind. Timers due at the same time run in the order they were set;
 * timers set while advancing run in the same advance when they fall due within it.
 */
export class TestClock implements ChorusClock {
  private current = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, timeout: number): number {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, timeout), fn });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  /** Timers scheduled and not yet run or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in time order. */
  increment(ms: number): void {
    this.set(this.current + ms);
  }

  /** Moves time to `target` (never backwards), running every timer that falls due. */
  set(target: number): void {
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.timers.delete(timer.id);
      this.current = Math.max(this.current, timer.at);
      timer.fn();
    }
    this.current = Math.max(this.current, target);
  }

  private nextDue(limit: number): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.timers.values()) {
      if (
        timer.at <= limit &&
        (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id))
      ) {
        best = timer;
      }
    }
    return best;
  }
}

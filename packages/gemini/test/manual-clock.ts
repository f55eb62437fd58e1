import type { Clock, ClockTimer } from '../src/clock.js';

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

/** A simulated clock: time moves only when a test calls `advance`. */
export class ManualClock implements Clock {
  private time = 0;
  private seq = 0;
  private readonly timers = new Map<ClockTimer, Scheduled>();

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): ClockTimer {
    const timer = {};
    this.seq += 1;
    this.timers.set(timer, { at: this.time + Math.max(0, ms), seq: this.seq, run });
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers.delete(timer);
  }

  /** Moves time forward, running every timer that falls due, in order (including ones they schedule). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let next: [ClockTimer, Scheduled] | undefined;
      for (const entry of this.timers) {
        if (
          entry[1].at <= until &&
          (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq))
        ) {
          next = entry;
        }
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].run();
    }
    this.time = until;
  }

  get pending(): number {
    return this.timers.size;
  }
}

import { type ChorusClock, systemClock } from '../clock.js';
import type { ConnectOptions } from './realtime-model.js';

interface TimerHandle {
  readonly clock: ChorusClock;
  readonly id: unknown;
}

/**
 * The clock an adapter runs its timers on and reads time from: the one `connect` was given (the
 * owner's, see {@link ConnectOptions.clock}), else the one the model was built with, else real
 * time. A model builds it once and calls {@link ConnectionClock.use} at the top of `connect`;
 * helpers holding it (keep-alives, timers) then follow the owner's clock without being rebuilt.
 * Each timer is cleared on the clock that set it, so a reconnect on another clock leaks none.
 */
export class ConnectionClock implements Required<ChorusClock> {
  private current: ChorusClock;

  constructor(private readonly fallback: ChorusClock = systemClock) {
    this.current = fallback;
  }

  /** Switches to the clock of this connection attempt (or back to the model's own). */
  use(options: ConnectOptions | undefined): void {
    this.current = options?.clock ?? this.fallback;
  }

  setTimeout(fn: () => void, timeout: number): unknown {
    const clock = this.current;
    const handle: TimerHandle = { clock, id: clock.setTimeout(fn, timeout) };
    return handle;
  }

  clearTimeout(handle: unknown): void {
    if (isTimerHandle(handle)) handle.clock.clearTimeout(handle.id);
  }

  /** Milliseconds on the current clock (wall time when it tells none). */
  now(): number {
    const clock = this.current;
    return clock.now ? clock.now() : performance.now();
  }
}

function isTimerHandle(value: unknown): value is TimerHandle {
  return typeof value === 'object' && value !== null && 'clock' in value && 'id' in value;
}

import type { Clock } from './clock.js';

/**
 * A token bucket: `capacity` messages at once, refilled at `refillPerSecond`. One per connection; a
 * connection that empties it is flooding.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.#tokens = capacity;
    this.#last = clock.now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed / 1000) * this.refillPerSecond);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

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

  /** Takes `count` tokens (default one); false, taking none, when fewer are left. */
  take(count = 1): boolean {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed / 1000) * this.refillPerSecond);
    if (this.#tokens < count) return false;
    this.#tokens -= count;
    return true;
  }
}

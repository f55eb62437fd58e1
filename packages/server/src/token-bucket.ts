import type { Clock } from './clock.js';

/**
 * A token bucket: `capacity` tokens at once, refilled at `refillPerSecond`. A connection has one for
 * messages and one for bytes; a connection that empties either is flooding.
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

  /** Takes `cost` tokens (default one); false when the bucket holds fewer. */
  take(cost = 1): boolean {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed / 1000) * this.refillPerSecond);
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }
}

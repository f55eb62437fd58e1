/**
 * How the model connection retries: exponential backoff with full jitter
 * (`delay = random() * min(capMs, baseMs * 2^(attempt - 1))`), at most `maxAttempts` attempts in a
 * row. Full jitter spreads many sessions that dropped together (a provider outage) over the whole
 * window instead of letting them reconnect in lock-step.
 */
export interface RetryPolicy {
  /** Upper bound of the first delay, in ms. */
  readonly baseMs: number;
  /** No delay exceeds this, in ms. */
  readonly capMs: number;
  /** Failed attempts in a row after which the connection gives up (fails). */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 250, capMs: 10_000, maxAttempts: 6 };

/** Merges a partial policy over the defaults and checks it. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  for (const key of ['baseMs', 'capMs', 'maxAttempts'] as const) {
    const value = policy[key];
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`retry policy ${key} must be a finite number >= 0, got ${value}`);
    }
  }
  return policy;
}

/**
 * The delay before attempt number `attempt` (1 for the first retry). `random` returns a number in
 * [0, 1); inject a fixed one in tests.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^exponent overflows to Infinity long after the cap applies, and min() handles Infinity.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.floor(jitter * ceiling);
}

/** An error the connection must not retry (bad key, quota, billing). */
export function isFatalError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { fatal?: unknown }).fatal === true;
}

/** Whether attempt number `attempt` (1-based, counting failures in a row) may still be made. */
export function mayRetry(policy: RetryPolicy, attempt: number, error: unknown): boolean {
  return !isFatalError(error) && attempt <= policy.maxAttempts;
}

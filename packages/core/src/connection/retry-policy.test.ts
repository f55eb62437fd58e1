import { describe, expect, it } from 'vitest';
import { ModelConnectError } from '../model/realtime-model.js';
import { mayRetry, retryDelay, retryPolicy } from './retry-policy.js';

describe('retry policy', () => {
  const policy = retryPolicy({ baseMs: 100, capMs: 1000, maxAttempts: 4 });

  it('backs off exponentially under a cap, with full jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(policy, attempt, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(retryDelay(policy, 3, () => 0.5)).toBe(200);
    expect(retryDelay(policy, 3, () => 0)).toBe(0);
    expect(retryDelay(policy, 5000, () => 0.5)).toBe(500);
  });

  it('never retries fatal errors and stops after maxAttempts', () => {
    const fatal = new ModelConnectError('invalid_api_key', 'bad key', { fatal: true });
    const transient = new ModelConnectError('network_error', 'reset', { fatal: false });
    expect(mayRetry(policy, 1, fatal)).toBe(false);
    expect(mayRetry(policy, 1, transient)).toBe(true);
    expect(mayRetry(policy, 4, transient)).toBe(true);
    expect(mayRetry(policy, 5, transient)).toBe(false);
    expect(mayRetry(policy, 1, new Error('socket hang up'))).toBe(true);
  });

  it('rejects nonsense settings', () => {
    expect(() => retryPolicy({ baseMs: -1 })).toThrow(
      'retry policy baseMs must be a finite number >= 0, got -1',
    );
  });
});

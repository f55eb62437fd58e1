import { describe, expect, it } from 'vitest';
import { gatewayClock } from '../src/clock.js';

describe('gatewayClock', () => {
  it('unrefs its timers so they never hold the process open', () => {
    const handle = gatewayClock.setTimeout(() => {}, 60_000) as ReturnType<typeof setTimeout>;
    try {
      expect(handle.hasRef()).toBe(false);
    } finally {
      gatewayClock.clearTimeout(handle);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { parseScale } from '../src/serve-workers.js';
import { UsageError } from '../src/usage-error.js';

describe('chorus serve --bus / --bus-lease-ms / --workers', () => {
  it('takes a Redis URL, a lease and a worker count', () => {
    expect(parseScale('redis://127.0.0.1:6379', '1500', '2')).toEqual({
      bus: 'redis://127.0.0.1:6379',
      leaseMs: 1500,
      workers: 2,
    });
    expect(parseScale(undefined, undefined, undefined)).toEqual({ workers: 1 });
  });

  it('refuses workers without a bus, since their users could not share rooms', () => {
    expect(() => parseScale(undefined, undefined, '2')).toThrow(/--workers needs --bus/);
  });

  it('names the option of each bad value', () => {
    const cases: [string | undefined, string | undefined, string | undefined, RegExp][] = [
      ['http://x', undefined, undefined, /--bus takes a Redis URL/],
      ['redis://h:1', '10', undefined, /--bus-lease-ms must be/],
      [undefined, '1000', undefined, /--bus-lease-ms needs --bus/],
      ['redis://h:1', undefined, '0', /--workers must be/],
      ['redis://h:1', undefined, '1.5', /--workers must be/],
      ['redis://h:1', undefined, '65', /--workers must be/],
    ];
    for (const [bus, lease, workers, message] of cases) {
      expect(() => parseScale(bus, lease, workers)).toThrow(UsageError);
      expect(() => parseScale(bus, lease, workers)).toThrow(message);
    }
  });
});

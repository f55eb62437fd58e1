import { TestClock } from '@chorus/core/testing';
import type { ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from '../src/replay-buffer.js';
import type { RoomLease } from '../src/room-host.js';
import { SessionRelay } from '../src/session-relay.js';
import { DEFAULT_RESUMPTION, type ResumableSession, SessionVault } from '../src/session-vault.js';

function session(address = '10.0.0.1', userId = 'ada'): ResumableSession {
  const lease = { release: async () => {} } as unknown as RoomLease;
  return {
    userId,
    address,
    lease,
    relay: new SessionRelay({ event: () => {}, ended: () => {} }, () => {}),
    config: {},
    user: { id: userId },
    binaryAudio: false,
    dialect: 'both',
  };
}

const owner = { relinquish: () => {} };

function vault(options: Partial<typeof DEFAULT_RESUMPTION> = {}) {
  const clock = new TestClock();
  const released: ResumableSession[] = [];
  const v = new SessionVault({ ...DEFAULT_RESUMPTION, ...options }, clock, async (s) => {
    released.push(s);
  });
  return { v, clock, released };
}

describe('SessionVault', () => {
  it('tokens are long, random and single use', () => {
    const { v } = vault();
    const a = v.register(session(), owner) as string;
    const b = v.register(session(), owner) as string;
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(v.claim(a, 'ada', '10.0.0.1').ok).toBe(true);
    expect(v.claim(a, 'ada', '10.0.0.1')).toMatchObject({ ok: false, reason: 'unknown_token' });
  });

  it('a held session is released after the grace, and its token then says expired', () => {
    const { v, clock, released } = vault({ graceMs: 1_000 });
    const s = session();
    const token = v.register(s, owner) as string;
    expect(v.hold(token)).toBe(true);
    clock.increment(999);
    expect(released).toEqual([]);
    clock.increment(1);
    expect(released).toEqual([s]);
    expect(v.claim(token, 'ada', '10.0.0.1')).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('another user cannot take a session with its token', () => {
    const { v } = vault();
    const token = v.register(session(), owner) as string;
    expect(v.claim(token, 'mallory', '10.0.0.9')).toMatchObject({ ok: false, reason: 'other_user' });
  });

  it('bounds held sessions per address and refused attempts per address', () => {
    const { v } = vault({ maxHeldPerAddress: 2, maxFailedAttemptsPerAddress: 3 });
    const tokens = [0, 1, 2].map(() => v.register(session(), owner) as string);
    expect(tokens.map((t) => v.hold(t))).toEqual([true, true, false]);
    for (let i = 0; i < 3; i++) expect(v.claim(`guess-${i}`, 'ada', '10.0.0.1').ok).toBe(false);
    // Even the right token is refused once the address spent its attempts.
    expect(v.claim(tokens[0] as string, 'ada', '10.0.0.1')).toMatchObject({ reason: 'too_many_attempts' });
    expect(v.claim(tokens[0] as string, 'ada', '10.0.0.2').ok).toBe(true);
  });

  it('gives no token past the process bound', () => {
    const { v } = vault({ maxSessions: 1 });
    expect(v.register(session(), owner)).toBeDefined();
    expect(v.register(session(), owner)).toBeUndefined();
  });
});

describe('ReplayBuffer', () => {
  it('drops the oldest events past its byte bound and counts them', () => {
    const buffer = new ReplayBuffer(100);
    const event = (n: number): ServerEvent => ({ type: 'server_session_ended', session_id: `s${n}` });
    for (let n = 0; n < 10; n++) buffer.push(event(n), () => JSON.stringify(event(n)));
    const kept = buffer.drain();
    expect(kept.at(-1)).toEqual(event(9));
    expect(kept.length + buffer.dropped.events).toBe(10);
    expect(buffer.dropped.events).toBeGreaterThan(0);
    expect(buffer.dropped.bytes).toBe(buffer.dropped.events * JSON.stringify(event(0)).length);
  });
});

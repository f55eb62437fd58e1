import { describe, expect, it } from 'vitest';
import { ProviderSession } from './provider-session.js';

describe('ProviderSession', () => {
  it('walks idle -> opening -> open -> closing -> closed, and outputs the fatal error it went through', () => {
    const session = new ProviderSession();
    expect(session.send({ type: 'opened' })).toBe(false);
    expect(session.send({ type: 'open' })).toBe(true);
    expect(session.send({ type: 'opened' })).toBe(true);
    expect(session.matches({ open: 'steady' })).toBe(true);
    expect(session.send({ type: 'fail', code: 'invalid_api_key', message: 'key revoked' })).toBe(true);
    // One fatal error per life; after it only close() is taken, not another connect.
    expect(session.send({ type: 'fail', code: 'credit_exhausted', message: 'later' })).toBe(false);
    expect(session.send({ type: 'open' })).toBe(false);
    expect(session.closed).toBe(false);
    expect(session.send({ type: 'close' })).toBe(true);
    expect(session.closed).toBe(true);
    expect(session.send({ type: 'close' })).toBe(false);
    expect(session.send({ type: 'closed' })).toBe(true);
    expect(session.actor.getSnapshot().status).toBe('done');
    expect(session.actor.getSnapshot().output).toEqual({
      problem: { code: 'invalid_api_key', message: 'key revoked' },
    });
  });

  it('renews only when due, once at a time, and a drop or a reconnect ends the renewal', () => {
    const session = new ProviderSession();
    session.send({ type: 'open' });
    session.send({ type: 'opened' });
    expect(session.send({ type: 'renew' })).toBe(false);
    expect(session.send({ type: 'renewal.due' })).toBe(true);
    expect(session.send({ type: 'renewal.due' })).toBe(true);
    expect(session.send({ type: 'renew' })).toBe(true);
    expect(session.send({ type: 'renewal.due' })).toBe(false);
    expect(session.send({ type: 'renew' })).toBe(false);
    expect(session.matches('open')).toBe(true);
    expect(session.send({ type: 'renewed' })).toBe(true);
    expect(session.matches({ open: 'steady' })).toBe(true);
    session.send({ type: 'renewal.due' });
    session.send({ type: 'renew' });
    expect(session.send({ type: 'open' })).toBe(true);
    expect(session.matches('opening')).toBe(true);
    expect(session.send({ type: 'renewed' })).toBe(false);
    expect(session.send({ type: 'open.failed' })).toBe(true);
    expect(session.matches('idle')).toBe(true);
    expect(session.send({ type: 'dropped' })).toBe(false);
  });
});

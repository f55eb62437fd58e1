import { describe, expect, it } from 'vitest';
import { TestClock } from '../testing/test-clock.js';
import { DigitCollector, dtmfText, parseDtmfText } from './collect-digits.js';

const running = () => new AbortController();

describe('collecting keypad digits for a tool', () => {
  it('reads the DTMF text a phone line sends, and nothing else', () => {
    expect(parseDtmfText(dtmfText('1234#'))).toBe('1234#');
    expect(parseDtmfText('DTMF: 12x')).toBeUndefined();
    expect(parseDtmfText('what is the weather')).toBeUndefined();
  });

  it('ends at the terminator, which is left out, and reports keys typed after it', async () => {
    const digits = new DigitCollector(new TestClock());
    const entry = digits.collect('call_1', { terminator: '#' }, running().signal);
    expect(digits.offer('DTMF: 12')).toBe(true);
    expect(digits.offer('DTMF: 34#9')).toBe(true);
    await expect(entry).resolves.toEqual({ digits: '1234', reason: 'terminator', ignored: '9' });
    // Nobody waits any more: digits go back to the conversation.
    expect(digits.offer('DTMF: 5')).toBe(false);
  });

  it('ends after max digits', async () => {
    const digits = new DigitCollector(new TestClock());
    const entry = digits.collect('call_1', { max: 3, terminator: null }, running().signal);
    digits.offer('DTMF: 12#45');
    await expect(entry).resolves.toEqual({ digits: '12#', reason: 'max', ignored: '45' });
  });

  it('takes the terminator typed right after the last digit as part of the entry', async () => {
    const digits = new DigitCollector(new TestClock());
    const entry = digits.collect('call_1', { max: 4 }, running().signal);
    digits.offer('DTMF: 2468#7');
    await expect(entry).resolves.toEqual({ digits: '2468', reason: 'max', ignored: '7' });
  });

  it('times out on the agent clock with what was typed so far', async () => {
    const clock = new TestClock();
    const digits = new DigitCollector(clock);
    let settled: unknown;
    const entry = digits.collect('call_1', { timeoutMs: 5000 }, running().signal).then((r) => {
      settled = r;
      return r;
    });
    digits.offer('DTMF: 42');
    clock.increment(4999);
    await Promise.resolve();
    expect(settled).toBeUndefined();
    clock.increment(1);
    await expect(entry).resolves.toEqual({ digits: '42', reason: 'timeout', ignored: '' });
  });

  it('leaves other text to the conversation while it waits', () => {
    const digits = new DigitCollector(new TestClock());
    void digits.collect('call_1', {}, running().signal);
    expect(digits.offer('I forgot my PIN')).toBe(false);
    expect(digits.waiting).toBe(true);
  });

  it('rejects when the tool call is aborted, and stops waiting', async () => {
    const clock = new TestClock();
    const digits = new DigitCollector(clock);
    const call = running();
    const entry = digits.collect('call_1', {}, call.signal);
    call.abort(new Error('interrupted'));
    await expect(entry).rejects.toThrow('interrupted');
    expect(digits.waiting).toBe(false);
    expect(digits.offer('DTMF: 1')).toBe(false);
  });

  it('refuses a second request while one waits, and bad bounds naming the field', async () => {
    const digits = new DigitCollector(new TestClock());
    void digits.collect('call_1', {}, running().signal);
    await expect(digits.collect('call_2', {}, running().signal)).rejects.toThrow(
      'tool call call_1 is already waiting',
    );
    const fresh = new DigitCollector(new TestClock());
    await expect(fresh.collect('c', { max: 0 }, running().signal)).rejects.toThrow('max must be');
    await expect(fresh.collect('c', { max: 65 }, running().signal)).rejects.toThrow('max must be');
    await expect(fresh.collect('c', { timeoutMs: 10_000_000 }, running().signal)).rejects.toThrow(
      'timeoutMs must be',
    );
    await expect(fresh.collect('c', { terminator: '##' }, running().signal)).rejects.toThrow(
      'terminator must be',
    );
    expect(fresh.waiting).toBe(false);
  });
});

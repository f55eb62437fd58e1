import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStyle, Screen } from '../src/index.js';
import { FakeStream } from './fake-stream.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('terminal output', () => {
  it('colours only a terminal, and never with NO_COLOR', () => {
    const coloured = createStyle({ isTTY: true }, {}).speaker('Ava', 'Ava');
    expect([coloured.startsWith('\u001b[1;'), coloured.endsWith('mAva\u001b[0m')]).toEqual([true, true]);
    expect(createStyle({ isTTY: true }, {}).speaker('Ava', 'x')).toBe(
      createStyle({ isTTY: true }, {}).speaker('Ava', 'x'),
    );
    expect(createStyle({ isTTY: true }, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(createStyle({ isTTY: false }, {}).red('x')).toBe('x');
    expect(createStyle({}, {}).enabled).toBe(false);
  });

  it('animates a spinner below the output, hidden while a streamed line is open', () => {
    vi.useFakeTimers();
    const out = new FakeStream(true);
    const screen = new Screen(out, true);
    screen.setStatus('running get_weather…');
    expect(out.text).toBe('⠋ running get_weather…');
    vi.advanceTimersByTime(80);
    expect(out.text).toBe('⠋ running get_weather…\r\u001b[2K⠙ running get_weather…');
    out.text = '';
    screen.write('Ava › Looking');
    expect(out.text).toBe('\r\u001b[2KAva › Looking');
    out.text = '';
    vi.advanceTimersByTime(160);
    expect(out.text).toBe('');
    screen.write(' up.\n');
    // The spinner kept turning while hidden (two frames in 160 ms).
    expect(out.text).toBe(' up.\n⠸ running get_weather…');
    out.text = '';
    screen.setStatus(undefined);
    vi.advanceTimersByTime(1000);
    expect(out.text).toBe('\r\u001b[2K');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('draws no spinner when the output is not a terminal', () => {
    vi.useFakeTimers();
    const out = new FakeStream(false);
    const screen = new Screen(out, false);
    screen.setStatus('running');
    vi.advanceTimersByTime(1000);
    expect(out.text).toBe('');
    expect(vi.getTimerCount()).toBe(0);
  });
});

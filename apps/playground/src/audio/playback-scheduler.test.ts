import { describe, expect, it } from 'vitest';
import { PlaybackScheduler } from './playback-scheduler.js';

describe('PlaybackScheduler (the jitter buffer)', () => {
  it('holds back the first chunk by the prebuffer, then plays chunks back to back', () => {
    const s = new PlaybackScheduler({ prebufferSeconds: 0.1 });
    expect(s.schedule(10, 0.04, 'a').startAt).toBeCloseTo(10.1);
    expect(s.schedule(10.01, 0.04, 'a').startAt).toBeCloseTo(10.14);
    expect(s.schedule(10.02, 0.04, 'a')).toMatchObject({ itemOffsetMs: 80 });
    expect(s.pending(10.02)).toBeCloseTo(0.2);
  });

  it('restarts with a fresh prebuffer after running dry instead of playing late chunks at once', () => {
    const s = new PlaybackScheduler({ prebufferSeconds: 0.1 });
    s.schedule(0, 0.04, 'a');
    expect(s.isPlaying(0.2)).toBe(false);
    expect(s.schedule(0.5, 0.04, 'a').startAt).toBeCloseTo(0.6);
  });

  it('knows how much of each item was really played', () => {
    const s = new PlaybackScheduler({ prebufferSeconds: 0 });
    s.schedule(0, 0.5, 'a');
    s.schedule(0, 0.5, 'a');
    s.schedule(0, 0.25, 'b');
    expect(s.playedMs('a', 0.2)).toBe(200);
    expect(s.playedMs('a', 0.7)).toBe(700);
    expect(s.currentItem(0.7)).toBe('a');
    expect(s.playedMs('a', 5)).toBe(1000);
    expect(s.playedMs('b', 1.1)).toBe(100);
    expect(s.playedMs('unknown', 1)).toBe(0);
  });

  it('remembers positions of chunks already played and forgotten', () => {
    const s = new PlaybackScheduler({ prebufferSeconds: 0 });
    s.schedule(0, 0.5, 'a');
    s.schedule(2, 0.5, 'b'); // forgets a's finished chunk
    expect(s.playedMs('a', 2)).toBe(500);
  });

  it('clears at once on barge-in, reporting what was heard of each cut item', () => {
    const s = new PlaybackScheduler({ prebufferSeconds: 0 });
    s.schedule(0, 0.4, 'a');
    s.schedule(0, 0.4, 'a');
    s.schedule(0, 0.4, 'a');
    const { stopped, heard } = s.clear(0.5);
    // The first chunk had finished; the second was playing, the third queued.
    expect(stopped.map((c) => c.itemOffsetMs)).toEqual([400, 800]);
    expect([...heard]).toEqual([['a', 500]]);
    expect(s.pending(0.5)).toBe(0);
    expect(s.isPlaying(0.5)).toBe(false);
    expect(s.playedMs('a', 3)).toBe(500);
  });
});

import { describe, expect, it } from 'vitest';
import { RecentAudio } from './recent-audio.js';

const FRAME = 4;
const frame = (n: number) => ({
  startMs: n * 20,
  samples: Int16Array.from({ length: FRAME }, (_, i) => n * 10 + i),
});
const samplesOf = (...ns: number[]) =>
  Int16Array.from(ns.flatMap((n) => Array.from({ length: FRAME }, (_, i) => n * 10 + i)));

describe('RecentAudio', () => {
  it("keeps the frames within keepMs of the newest, across the ring's wrap, oldest first", () => {
    const recent = new RecentAudio(FRAME, 2);
    // keepMs 60 at 20 ms frames: the newest and the three before it.
    for (let n = 0; n < 11; n++) recent.push(frame(n), 60, 20);
    expect(recent.since(0, 60)).toEqual({ startMs: 140, samples: samplesOf(7, 8, 9, 10) });
    expect(recent.since(180, 60)).toEqual({ startMs: 180, samples: samplesOf(9, 10) });
    expect(recent.since(1000, 60)).toBeUndefined();
  });

  it('holds copies: the pushed frames may be reused afterwards', () => {
    const recent = new RecentAudio(FRAME, 4);
    const f = frame(1);
    recent.push(f, 60, 20);
    f.samples.fill(0);
    expect(recent.since(0, 60)?.samples).toEqual(samplesOf(1));
  });

  it('grows when asked to keep more, and a smaller keepMs later trims what it returns', () => {
    const recent = new RecentAudio(FRAME, 2);
    recent.push(frame(0), 20, 20);
    recent.push(frame(1), 20, 20);
    recent.push(frame(2), 80, 20);
    recent.push(frame(3), 80, 20);
    expect(recent.since(0, 80)?.samples).toEqual(samplesOf(0, 1, 2, 3));
    expect(recent.since(0, 20)?.samples).toEqual(samplesOf(2, 3));
  });

  it('is empty after clear, and refuses frames of another size', () => {
    const recent = new RecentAudio(FRAME, 4);
    recent.push(frame(0), 60, 20);
    recent.clear();
    expect(recent.since(0, 60)).toBeUndefined();
    expect(() => recent.push({ startMs: 0, samples: new Int16Array(3) }, 60, 20)).toThrow(
      /frames of 4 samples, got 3/,
    );
  });
});

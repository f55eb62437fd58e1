import { describe, expect, it } from 'vitest';
import { FrameChunker } from './frame-chunker.js';

/** 0, 1, 2, ... so any lost, duplicated or reordered sample shows up. */
function ramp(from: number, length: number): Int16Array {
  return Int16Array.from({ length }, (_, i) => from + i);
}

describe('FrameChunker', () => {
  it('cuts odd-sized chunks into exact 10 ms frames, keeping every sample in order', () => {
    const chunker = new FrameChunker({ rate: 16000, frameMs: 10 });
    expect(chunker.frameSamples).toBe(160);
    const frames: Int16Array[] = [];
    let next = 0;
    for (const size of [1, 159, 7, 333, 0, 1000, 13, 47]) {
      frames.push(...chunker.push(ramp(next, size)));
      next += size;
    }
    expect(next).toBe(1560);
    expect(frames.length).toBe(9);
    expect(chunker.pendingSamples).toBe(120);
    for (const [i, frame] of frames.entries()) expect(frame).toEqual(ramp(i * 160, 160));
  });

  it('returns frames the caller may keep: later pushes do not overwrite them', () => {
    const chunker = new FrameChunker({ rate: 8000, frameMs: 10 });
    chunker.push(ramp(0, 50));
    const [first] = chunker.push(ramp(50, 30));
    chunker.push(ramp(999, 150));
    expect(first).toEqual(ramp(0, 80));
  });

  it('does not alias the input chunk', () => {
    const chunker = new FrameChunker({ rate: 8000, frameMs: 10 });
    const input = ramp(0, 80);
    const [frame] = chunker.push(input);
    input.fill(0);
    expect(frame).toEqual(ramp(0, 80));
  });

  it('flush pads the remainder with silence to a full frame, then is empty', () => {
    const chunker = new FrameChunker({ rate: 8000, frameMs: 10 });
    chunker.push(ramp(1, 85));
    const last = chunker.flush();
    expect(last?.length).toBe(80);
    expect(Array.from(last ?? []).slice(0, 6)).toEqual([81, 82, 83, 84, 85, 0]);
    expect(chunker.flush()).toBeUndefined();
    expect(chunker.pendingSamples).toBe(0);
  });

  it('reset discards the remainder', () => {
    const chunker = new FrameChunker({ rate: 8000, frameMs: 10 });
    chunker.push(ramp(1, 20));
    chunker.reset();
    expect(chunker.push(ramp(500, 80))[0]).toEqual(ramp(500, 80));
  });

  it('supports 20 and 30 ms frames at common VAD rates', () => {
    expect(new FrameChunker({ rate: 16000, frameMs: 20 }).frameSamples).toBe(320);
    expect(new FrameChunker({ rate: 48000, frameMs: 30 }).frameSamples).toBe(1440);
  });

  it('rejects a frame that is not a whole number of samples, naming the numbers', () => {
    expect(() => new FrameChunker({ rate: 22050, frameMs: 10 })).toThrow(
      '10 ms at 22050 Hz is 220.5 samples; a frame must be a whole number of samples',
    );
    expect(() => new FrameChunker({ rate: 16000, frameMs: 0 })).toThrow('rate and frameMs must be positive');
  });
});

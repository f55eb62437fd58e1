import { describe, expect, it } from 'vitest';
import { bytesFromPcm16, concatPcm16, float32FromPcm16, pcm16FromBytes, pcm16FromFloat32 } from './pcm16.js';

describe('pcm16FromBytes / bytesFromPcm16', () => {
  it('reads little-endian samples', () => {
    expect(
      Array.from(pcm16FromBytes(new Uint8Array([0x01, 0x00, 0xff, 0x7f, 0x00, 0x80, 0xff, 0xff]))),
    ).toEqual([1, 32767, -32768, -1]);
  });

  it('round-trips every 16-bit value exactly', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < all.length; i++) all[i] = i - 32768;
    const bytes = bytesFromPcm16(all);
    expect(bytes.byteLength).toBe(131072);
    expect(bytes[0]).toBe(0x00);
    expect(bytes[1]).toBe(0x80);
    expect(pcm16FromBytes(bytes.slice())).toEqual(all);
  });

  it('shares memory when aligned and copies when the offset is odd', () => {
    const backing = new Uint8Array([9, 0x34, 0x12, 0x78, 0x56]);
    const unaligned = backing.subarray(1);
    const samples = pcm16FromBytes(unaligned);
    expect(Array.from(samples)).toEqual([0x1234, 0x5678]);
    backing[1] = 0;
    expect(samples[0]).toBe(0x1234);

    const aligned = new Uint8Array([0x34, 0x12]);
    const view = pcm16FromBytes(aligned);
    expect(view.buffer).toBe(aligned.buffer);
  });

  it('handles a pooled Node Buffer slice at an odd offset', () => {
    const pool = Buffer.from([1, 2, 3, 4, 5, 6, 7]);
    const slice = pool.subarray(1, 7);
    expect(Array.from(pcm16FromBytes(slice))).toEqual([0x0302, 0x0504, 0x0706]);
  });

  it('rejects an odd byte length, naming it', () => {
    expect(() => pcm16FromBytes(new Uint8Array(3))).toThrow(
      'PCM16 byte length must be even (2 bytes per sample), got 3 bytes',
    );
  });

  it('bytesFromPcm16 is a view over a subarray, not the whole buffer', () => {
    const samples = new Int16Array([1, 2, 3, 4]).subarray(1, 3);
    expect(Array.from(bytesFromPcm16(samples))).toEqual([2, 0, 3, 0]);
  });
});

describe('float conversion', () => {
  it('maps the extremes and round-trips exactly', () => {
    const samples = new Int16Array([-32768, -16384, -1, 0, 1, 16384, 32767]);
    const floats = float32FromPcm16(samples);
    expect(Array.from(floats)).toEqual([-1, -0.5, -1 / 32768, 0, 1 / 32768, 0.5, 32767 / 32768]);
    expect(pcm16FromFloat32(floats)).toEqual(samples);
  });

  it('clamps overshoot instead of wrapping, and turns NaN into 0', () => {
    expect(Array.from(pcm16FromFloat32(new Float32Array([1, 1.5, -1, -7, Number.NaN, 0.25])))).toEqual([
      32767, 32767, -32768, -32768, 0, 8192,
    ]);
  });
});

describe('concatPcm16', () => {
  it('joins chunks in order into a new array', () => {
    const first = Int16Array.of(1, -2);
    const joined = concatPcm16([first, new Int16Array(0), Int16Array.of(32767, -32768, 5)]);
    expect([...joined]).toEqual([1, -2, 32767, -32768, 5]);
    first[0] = 9;
    expect(joined[0]).toBe(1);
    expect(concatPcm16([]).length).toBe(0);
  });
});

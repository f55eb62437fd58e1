import { describe, expect, it } from 'vitest';
import { aLawDecode, aLawEncode, muLawDecode, muLawEncode } from './g711.js';

function everySample(): Int16Array {
  const all = new Int16Array(65536);
  for (let i = 0; i < all.length; i++) all[i] = i - 32768;
  return all;
}

/** G.711 keeps 4 mantissa bits, so the error is at most half a quantisation step: ~1/32 of |x|. */
function maxRelativeError(original: Int16Array, decoded: Int16Array, floor: number): number {
  let worst = 0;
  for (let i = 0; i < original.length; i++) {
    const x = original[i] ?? 0;
    const error = Math.abs((decoded[i] ?? 0) - x);
    worst = Math.max(worst, error / Math.max(Math.abs(x), floor));
  }
  return worst;
}

describe('G.711', () => {
  it('mu-law: one byte per sample, error within half a segment step', () => {
    const all = everySample();
    const encoded = muLawEncode(all);
    expect(encoded).toBeInstanceOf(Uint8Array);
    expect(encoded.length).toBe(all.length);
    const decoded = muLawDecode(encoded);
    expect(decoded.length).toBe(all.length);
    expect(maxRelativeError(all, decoded, 1024)).toBeLessThanOrEqual(1 / 16);
  });

  it('A-law: one byte per sample, error within half a segment step', () => {
    const all = everySample();
    const decoded = aLawDecode(aLawEncode(all));
    expect(maxRelativeError(all, decoded, 1024)).toBeLessThanOrEqual(1 / 16);
  });

  it('uses the standard code points for silence', () => {
    expect(Array.from(muLawEncode(new Int16Array([0])))).toEqual([0xff]);
    expect(Array.from(aLawEncode(new Int16Array([0])))).toEqual([0xd5]);
    expect(Array.from(muLawDecode(new Uint8Array([0xff, 0x7f])))).toEqual([0, 0]);
  });

  it('decoding every code and re-encoding gives the same code (idempotent)', () => {
    const codes = new Uint8Array(256);
    for (let i = 0; i < 256; i++) codes[i] = i;
    const muRecoded = muLawEncode(muLawDecode(codes));
    const aRecoded = aLawEncode(aLawDecode(codes));
    // mu-law has two codes for zero (0x7f and 0xff); all others are unique.
    for (let i = 0; i < 256; i++) {
      if (i !== 0x7f) expect(muRecoded[i]).toBe(i);
      expect(aRecoded[i]).toBe(i);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { FrameChunker } from './frame-chunker.js';
import { base64FromBytes, bytesFromBase64, floatToPcm16, pcm16BytesToFloat, pcm16ToBytes } from './pcm.js';
import { StreamResampler } from './resampler.js';

describe('PCM16 conversion', () => {
  it('maps floats to 16-bit samples, clipping out-of-range values', () => {
    expect([...floatToPcm16(Float32Array.from([0, 1, -1, 0.5, -0.5, 2, -3]))]).toEqual([
      0, 32767, -32768, 16384, -16384, 32767, -32768,
    ]);
  });

  it('writes and reads little-endian bytes', () => {
    const bytes = pcm16ToBytes(Int16Array.from([1, -2, 0x1234]));
    expect([...bytes]).toEqual([1, 0, 0xfe, 0xff, 0x34, 0x12]);
    expect([...pcm16BytesToFloat(bytes)]).toEqual([1 / 32768, -2 / 32768, 0x1234 / 32768]);
    expect(pcm16BytesToFloat(Uint8Array.from([1, 0, 9])).length).toBe(1);
  });

  it('round-trips base64, also for buffers larger than one conversion chunk', () => {
    const big = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    expect(bytesFromBase64(base64FromBytes(big))).toEqual(big);
    expect(base64FromBytes(Uint8Array.from([104, 105]))).toBe('aGk=');
    expect(() => bytesFromBase64('not base64!')).toThrow('audio is not valid base64');
  });
});

describe('StreamResampler', () => {
  it('downsamples 48 kHz to 16 kHz by averaging each span of three samples', () => {
    const r = new StreamResampler(48_000, 16_000);
    expect([...r.process(Float32Array.from([3, 3, 3, 6, 6, 6, 9]))]).toEqual([3, 6]);
    // The leftover sample carries over into the next chunk.
    expect([...r.process(Float32Array.from([9, 9]))]).toEqual([9]);
  });

  it('keeps the output length right over many odd-sized chunks (44.1 kHz to 16 kHz)', () => {
    const r = new StreamResampler(44_100, 16_000);
    let out = 0;
    for (let i = 0; i < 100; i++) out += r.process(new Float32Array(441)).length;
    expect(Math.abs(out - 16_000)).toBeLessThanOrEqual(1);
  });

  it('upsamples by linear interpolation', () => {
    const r = new StreamResampler(8_000, 16_000);
    expect([...r.process(Float32Array.from([0, 1, 0]))]).toEqual([0, 0.5, 1, 0.5]);
  });

  it('passes audio through at equal rates and rejects bad rates', () => {
    const chunk = Float32Array.from([1, 2]);
    expect(new StreamResampler(16_000, 16_000).process(chunk)).toBe(chunk);
    expect(() => new StreamResampler(0, 16_000)).toThrow('sample rates must be positive, got 0 -> 16000');
  });
});

describe('FrameChunker', () => {
  it('cuts a stream into equal frames whatever the block sizes', () => {
    const chunker = new FrameChunker(4);
    expect(chunker.push(Float32Array.from([1, 2, 3]))).toEqual([]);
    expect(chunker.push(Float32Array.from([4, 5, 6, 7, 8, 9]))).toEqual([
      Float32Array.from([1, 2, 3, 4]),
      Float32Array.from([5, 6, 7, 8]),
    ]);
    chunker.reset();
    expect(chunker.push(Float32Array.from([10, 11, 12, 13]))).toEqual([Float32Array.from([10, 11, 12, 13])]);
    expect(() => new FrameChunker(0)).toThrow('frameSamples must be a positive integer, got 0');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { AudioConverter } from './audio-converter.js';
import type { AudioFormat } from './audio-format.js';
import { muLawDecode, muLawEncode } from './g711.js';
import { bytesFromPcm16, pcm16FromBytes } from './pcm16.js';
import { Resampler } from './resampler.js';
import { generateTone } from './test-signals.js';

function zeroCrossingsUp(samples: Int16Array, from: number): number {
  let count = 0;
  for (let i = from + 1; i < samples.length; i++)
    if ((samples[i - 1] ?? 0) < 0 && (samples[i] ?? 0) >= 0) count++;
  return count;
}

describe('AudioConverter', () => {
  it('converts pcmu 8 kHz to pcm 24 kHz, 20 ms in giving 20 ms out', async () => {
    const converter = await AudioConverter.create(
      { type: 'audio/pcmu', rate: 8000 },
      { type: 'audio/pcm', rate: 24000 },
    );
    const tone = generateTone(500, 1000, 8000, 0.5);
    const mulaw = muLawEncode(tone);
    const out: Int16Array[] = [];
    for (let at = 0; at < mulaw.length; at += 160) {
      const bytes = converter.convert(mulaw.subarray(at, at + 160));
      expect(bytes.byteLength).toBe(960); // 480 samples at 24 kHz
      out.push(pcm16FromBytes(bytes));
    }
    const samples = new Int16Array(24000);
    for (const [i, chunk] of out.entries()) samples.set(chunk, i * 480);
    // 500 Hz for 1 s, minus the few cycles inside the start-up region skipped.
    expect(zeroCrossingsUp(samples, 240)).toBe(495);
    const tail = converter.flush();
    expect(tail.byteLength).toBe(2 * 120); // the filter's delay at 8 -> 24 kHz, quality 5
    converter.dispose();
  });

  it('converts pcm 24 kHz to pcmu 8 kHz and back to the same tone', async () => {
    const down = await AudioConverter.create(
      { type: 'audio/pcm', rate: 24000 },
      { type: 'audio/pcmu', rate: 8000 },
    );
    const tone = generateTone(400, 200, 24000, 0.5);
    const encoded = down.convert(bytesFromPcm16(tone));
    expect(encoded.byteLength).toBe(1600);
    const decoded = muLawDecode(encoded);
    // 400 Hz at 8 kHz is 20 samples per cycle: (1600 - 40 skipped) / 20 = 78, one lost to the filter delay.
    expect(zeroCrossingsUp(decoded, 40)).toBe(77);
    down.dispose();
  });

  it('converts between pcmu and pcma at 8 kHz without resampling', async () => {
    const converter = await AudioConverter.create(
      { type: 'audio/pcmu', rate: 8000 },
      { type: 'audio/pcma', rate: 8000 },
    );
    expect(converter.convert(new Uint8Array([0xff, 0x7f])).length).toBe(2);
    expect(Array.from(converter.convert(new Uint8Array([0xff])))).toEqual([0xd5]);
    expect(converter.flush().length).toBe(0);
    converter.dispose();
  });

  it('passes bytes through unchanged when the formats are equal', async () => {
    const converter = await AudioConverter.create(
      { type: 'audio/pcm', rate: 16000 },
      { type: 'audio/pcm', rate: 16000 },
    );
    const bytes = new Uint8Array([1, 2, 3]);
    expect(converter.convert(bytes)).toBe(bytes);
    converter.dispose();
  });

  it('carries a PCM16 sample split across chunks instead of failing or dropping it', async () => {
    const converter = await AudioConverter.create(
      { type: 'audio/pcm', rate: 8000 },
      { type: 'audio/pcmu', rate: 8000 },
    );
    const pcm = bytesFromPcm16(new Int16Array([1000, -1000, 2000]));
    const a = converter.convert(pcm.subarray(0, 3));
    const b = converter.convert(pcm.subarray(3, 5));
    const c = converter.convert(pcm.subarray(5, 6));
    expect([a.length, b.length, c.length]).toEqual([1, 1, 1]);
    expect(Array.from([...a, ...b, ...c])).toEqual(
      Array.from(muLawEncode(new Int16Array([1000, -1000, 2000]))),
    );
    converter.convert(new Uint8Array([7]));
    converter.flush();
    expect(converter.droppedBytes).toBe(1);
    converter.dispose();
  });

  it('rejects formats that cannot exist, naming the field', async () => {
    await expect(
      AudioConverter.create({ type: 'audio/pcmu', rate: 16000 }, { type: 'audio/pcm', rate: 24000 }),
    ).rejects.toThrow('from.rate must be 8000 for audio/pcmu, got 16000');
    await expect(
      AudioConverter.create({ type: 'audio/pcm', rate: 16000 }, { type: 'audio/pcm', rate: -1 }),
    ).rejects.toThrow('to.rate must be a positive integer, got -1');
    await expect(
      AudioConverter.create(
        { type: 'audio/opus' as 'audio/pcm', rate: 48000 },
        { type: 'audio/pcm', rate: 24000 },
      ),
    ).rejects.toThrow('unknown audio format type "audio/opus"');
  });

  it('refuses use after dispose', async () => {
    const converter = await AudioConverter.create(
      { type: 'audio/pcmu', rate: 8000 },
      { type: 'audio/pcm', rate: 16000 },
    );
    converter.dispose();
    expect(() => converter.convert(new Uint8Array(1))).toThrow(
      'AudioConverter.convert() called after dispose()',
    );
  });

  describe('at matching rates', () => {
    afterEach(() => vi.restoreAllMocks());

    it('makes and runs no resampler, whatever the encodings; a different rate does', async () => {
      const create = vi.spyOn(Resampler, 'create');
      const process = vi.spyOn(Resampler.prototype, 'process');
      const tone = bytesFromPcm16(generateTone(440, 100, 8000, 0.5));
      const pairs: [AudioFormat, AudioFormat][] = [
        [pcm(16000), pcm(16000)],
        [pcm(8000), { type: 'audio/pcmu', rate: 8000 }],
        [
          { type: 'audio/pcmu', rate: 8000 },
          { type: 'audio/pcma', rate: 8000 },
        ],
        [{ type: 'audio/pcma', rate: 8000 }, pcm(8000)],
      ];
      for (const [from, to] of pairs) {
        const converter = await AudioConverter.create(from, to);
        converter.convert(from.type === 'audio/pcm' ? tone : muLawEncode(generateTone(440, 100, 8000, 0.5)));
        converter.flush();
        converter.dispose();
      }
      expect(create).not.toHaveBeenCalled();
      expect(process).not.toHaveBeenCalled();
      // The spies do see a resampler where one is needed.
      const resampling = await AudioConverter.create(pcm(8000), pcm(16000));
      resampling.convert(tone);
      resampling.dispose();
      expect(create).toHaveBeenCalledTimes(1);
      expect(process).toHaveBeenCalledTimes(1);
    });

    it('transcodes sample for sample and refuses use after dispose', async () => {
      const converter = await AudioConverter.create({ type: 'audio/pcmu', rate: 8000 }, pcm(8000));
      const encoded = muLawEncode(generateTone(440, 100, 8000, 0.5));
      expect(pcm16FromBytes(converter.convert(encoded))).toEqual(muLawDecode(encoded));
      converter.dispose();
      expect(() => converter.convert(encoded)).toThrow(/after dispose/);
      expect(() => converter.flush()).toThrow(/after dispose/);
    });
  });
});

function pcm(rate: number): AudioFormat {
  return { type: 'audio/pcm', rate };
}

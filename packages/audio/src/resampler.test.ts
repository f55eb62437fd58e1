import { describe, expect, it } from 'vitest';
import { rms } from './energy.js';
import { concatPcm16 } from './pcm16.js';
import { Resampler, resamplePcm16 } from './resampler.js';
import { loadSpeexModule } from './speex-module.js';
import { generateTone } from './test-signals.js';

/** Frequency from upward zero crossings, skipping the filter's start-up region. */
function estimateFrequency(samples: Int16Array, rate: number, skip: number): number {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = skip + 1; i < samples.length - skip; i++) {
    if ((samples[i - 1] ?? 0) < 0 && (samples[i] ?? 0) >= 0) {
      if (first < 0) first = i;
      else crossings++;
      last = i;
    }
  }
  return (crossings * rate) / (last - first);
}

describe('Resampler (streaming)', () => {
  it('turns each 20 ms frame into exactly 20 ms at the new rate', async () => {
    for (const [inputRate, outputRate] of [
      [16000, 24000],
      [24000, 16000],
      [8000, 24000],
      [24000, 8000],
      [44100, 16000],
      [48000, 24000],
    ] as const) {
      const resampler = await Resampler.create({ inputRate, outputRate });
      const frame = generateTone(440, 20, inputRate);
      for (let i = 0; i < 5; i++) expect(resampler.process(frame).length).toBe((outputRate * 20) / 1000);
      resampler.dispose();
    }
  });

  it('keeps each odd-sized chunk within one sample of the exact ratio, with no drift', async () => {
    const resampler = await Resampler.create({ inputRate: 16000, outputRate: 24000 });
    let totalIn = 0;
    let totalOut = 0;
    for (const size of [1, 7, 101, 333, 2, 999, 3, 160, 5]) {
      const out = resampler.process(new Int16Array(size));
      expect(Math.abs(out.length - (size * 3) / 2)).toBeLessThanOrEqual(1);
      totalIn += size;
      totalOut += out.length;
      expect(Math.abs(totalOut - (totalIn * 3) / 2)).toBeLessThanOrEqual(1);
    }
    resampler.dispose();
  });

  it('keeps a 1 kHz tone at 1 kHz from 16 kHz to 24 kHz', async () => {
    const resampler = await Resampler.create({ inputRate: 16000, outputRate: 24000 });
    const tone = generateTone(1000, 1000, 16000);
    const chunks: Int16Array[] = [];
    for (let at = 0; at < tone.length; at += 320) chunks.push(resampler.process(tone.subarray(at, at + 320)));
    const out = concatPcm16(chunks);
    expect(out.length).toBe(24000);
    expect(estimateFrequency(out, 24000, 200)).toBeCloseTo(1000, 0);
    // Amplitude preserved (0.5 full scale sine has rms 0.3535).
    expect(rms(out.subarray(200))).toBeCloseTo(0.3535, 2);
    resampler.dispose();
  });

  it('streams in 20 ms chunks to the same signal as the one-shot, shifted by its delay', async () => {
    const input = generateTone(700, 500, 16000, 0.6);
    const oneShot = await resamplePcm16(input, 16000, 24000);
    expect(oneShot.length).toBe(12000);

    const resampler = await Resampler.create({ inputRate: 16000, outputRate: 24000 });
    expect(resampler.delaySamples).toBe(60);
    const chunks: Int16Array[] = [];
    for (let at = 0; at < input.length; at += 320)
      chunks.push(resampler.process(input.subarray(at, at + 320)));
    chunks.push(resampler.flush());
    const streamed = concatPcm16(chunks);
    expect(streamed.length).toBe(12000 + 60);
    let worst = 0;
    for (let i = 0; i < oneShot.length; i++)
      worst = Math.max(worst, Math.abs((streamed[i + 60] ?? 0) - (oneShot[i] ?? 0)));
    expect(worst).toBeLessThanOrEqual(2);
    resampler.dispose();
  });

  it('with compensateDelay, streamed chunks concatenate to the one-shot result', async () => {
    const input = generateTone(300, 300, 24000, 0.4);
    const oneShot = await resamplePcm16(input, 24000, 16000);
    const resampler = await Resampler.create({ inputRate: 24000, outputRate: 16000, compensateDelay: true });
    expect(resampler.delaySamples).toBe(0);
    const chunks: Int16Array[] = [];
    for (let at = 0; at < input.length; at += 333)
      chunks.push(resampler.process(input.subarray(at, at + 333)));
    chunks.push(resampler.flush());
    const streamed = concatPcm16(chunks);
    expect(streamed.length).toBe(4800);
    let worst = 0;
    for (let i = 0; i < oneShot.length; i++)
      worst = Math.max(worst, Math.abs((streamed[i] ?? 0) - (oneShot[i] ?? 0)));
    expect(worst).toBeLessThanOrEqual(2);
    resampler.dispose();
  });

  it('joins 20 ms frames without clicks (no jump larger than the tone itself allows)', async () => {
    const resampler = await Resampler.create({ inputRate: 16000, outputRate: 24000 });
    const tone = generateTone(440, 400, 16000, 0.8);
    const chunks: Int16Array[] = [];
    for (let at = 0; at < tone.length; at += 320) chunks.push(resampler.process(tone.subarray(at, at + 320)));
    const out = concatPcm16(chunks);
    // Largest step of a 440 Hz sine at 0.8 full scale sampled at 24 kHz: 2*pi*440/24000 * 0.8 * 32767 ~= 3020.
    let largestStep = 0;
    for (let i = 100; i < out.length; i++)
      largestStep = Math.max(largestStep, Math.abs((out[i] ?? 0) - (out[i - 1] ?? 0)));
    expect(largestStep).toBeLessThan(3100);
  });

  it('flush resets, so a second stream starts clean', async () => {
    const resampler = await Resampler.create({ inputRate: 16000, outputRate: 24000 });
    const first = resampler.process(generateTone(1000, 20, 16000));
    resampler.flush();
    const again = resampler.process(generateTone(1000, 20, 16000));
    expect(again).toEqual(first);
    resampler.dispose();
  });

  it('is an identity without wasm when the rates match', async () => {
    const resampler = await Resampler.create({ inputRate: 24000, outputRate: 24000 });
    const frame = generateTone(440, 20, 24000);
    expect(resampler.process(frame)).toBe(frame);
    expect(resampler.flush().length).toBe(0);
    expect(resampler.delaySamples).toBe(0);
    resampler.dispose();
  });

  it('handles stereo interleaved frames and rejects partial frames', async () => {
    const resampler = await Resampler.create({ inputRate: 16000, outputRate: 8000, channels: 2 });
    expect(resampler.process(new Int16Array(640)).length).toBe(320);
    expect(() => resampler.process(new Int16Array(3))).toThrow(
      'chunk of 3 samples is not a whole number of 2-channel frames',
    );
    resampler.dispose();
  });

  it('refuses use after dispose and tolerates a double dispose', async () => {
    const resampler = await Resampler.create({ inputRate: 16000, outputRate: 24000 });
    resampler.dispose();
    resampler.dispose();
    expect(resampler.disposed).toBe(true);
    expect(() => resampler.process(new Int16Array(2))).toThrow('Resampler.process() called after dispose()');
    expect(() => resampler.flush()).toThrow('Resampler.flush() called after dispose()');
  });

  it('rejects bad options, naming them', async () => {
    await expect(Resampler.create({ inputRate: 0, outputRate: 16000 })).rejects.toThrow(
      'inputRate must be a positive integer, got 0',
    );
    await expect(Resampler.create({ inputRate: 16000, outputRate: 22050.5 })).rejects.toThrow(
      'outputRate must be a positive integer, got 22050.5',
    );
    await expect(Resampler.create({ inputRate: 16000, outputRate: 8000, quality: 11 })).rejects.toThrow(
      'quality must be an integer from 0 to 10, got 11',
    );
  });

  it('survives many create/dispose cycles and large chunks (buffers regrow, memory is freed)', async () => {
    const cycle = async () => {
      const resampler = await Resampler.create({ inputRate: 48000, outputRate: 16000 });
      resampler.process(new Int16Array(48000));
      resampler.dispose();
    };
    await cycle();
    const module = await loadSpeexModule();
    const heapBefore = module.HEAP16.length;
    for (let i = 0; i < 200; i++) {
      const resampler = await Resampler.create({ inputRate: 48000, outputRate: 16000 });
      resampler.process(new Int16Array(48000));
      resampler.dispose();
    }
    // Without dispose freeing state and buffers, 200 cycles would grow the heap by ~26 MB.
    expect(module.HEAP16.length).toBe(heapBefore);
    const big = await resamplePcm16(generateTone(200, 10_000, 16000), 16000, 24000);
    expect(big.length).toBe(240000);
  });
});

describe('resamplePcm16 (one-shot)', () => {
  it('gives exactly round(n * to / from) samples with no delay', async () => {
    const impulse = new Int16Array(1600);
    impulse[800] = 20000;
    const out = await resamplePcm16(impulse, 16000, 24000);
    expect(out.length).toBe(2400);
    let peakAt = 0;
    for (let i = 0; i < out.length; i++) if (Math.abs(out[i] ?? 0) > Math.abs(out[peakAt] ?? 0)) peakAt = i;
    expect(peakAt).toBe(1200);
    expect((await resamplePcm16(new Int16Array(441), 44100, 16000)).length).toBe(160);
    expect((await resamplePcm16(new Int16Array(0), 44100, 16000)).length).toBe(0);
  });

  it('returns a copy when the rates match', async () => {
    const input = new Int16Array([1, 2, 3]);
    const out = await resamplePcm16(input, 8000, 8000);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });
});

import { describe, expect, it } from 'vitest';
import { assertAudioFormat, bytesPerSample } from './audio-format.js';
import { durationMs, samplesForMs } from './duration.js';
import { dbfs, rms } from './energy.js';
import { addNoise, generateSilence, generateTone } from './test-signals.js';

describe('durationMs / samplesForMs', () => {
  it('measures bytes per wire format and decoded samples', () => {
    expect(durationMs(960, { type: 'audio/pcm', rate: 24000 })).toBe(20);
    expect(durationMs(160, { type: 'audio/pcmu', rate: 8000 })).toBe(20);
    expect(durationMs(new Uint8Array(160), { type: 'audio/pcma', rate: 8000 })).toBe(20);
    expect(durationMs(new Int16Array(320), { type: 'audio/pcm', rate: 16000 })).toBe(20);
    expect(durationMs(1, { type: 'audio/pcm', rate: 16000 })).toBeCloseTo(0.03125, 10);
  });

  it('rejects nonsense', () => {
    expect(() => durationMs(-2, { type: 'audio/pcm', rate: 16000 })).toThrow(
      'byte length must be a non-negative integer, got -2',
    );
    expect(() => durationMs(2, { type: 'audio/pcm', rate: 0 })).toThrow(
      'format.rate must be positive, got 0',
    );
  });

  it('converts ms to whole samples', () => {
    expect(samplesForMs(20, 16000)).toBe(320);
    expect(samplesForMs(10, 44100)).toBe(441);
    expect(samplesForMs(0.5, 22050)).toBe(11);
    expect(() => samplesForMs(-1, 16000)).toThrow('ms must be a non-negative finite number, got -1');
  });
});

describe('audio format', () => {
  it('knows bytes per sample and validates rates', () => {
    expect(bytesPerSample({ type: 'audio/pcm', rate: 24000 })).toBe(2);
    expect(bytesPerSample({ type: 'audio/pcmu', rate: 8000 })).toBe(1);
    expect(() => assertAudioFormat({ type: 'audio/pcma', rate: 16000 }, 'input')).toThrow(
      'input.rate must be 8000 for audio/pcma, got 16000',
    );
    expect(() => assertAudioFormat({ type: 'audio/pcm', rate: 1.5 })).toThrow(
      'format.rate must be a positive integer, got 1.5',
    );
  });
});

describe('energy and test signals', () => {
  it('rms and dbfs of known signals', () => {
    expect(rms(new Int16Array(0))).toBe(0);
    expect(rms(new Int16Array([16384, -16384]))).toBe(0.5);
    expect(dbfs(new Int16Array([16384, -16384]))).toBeCloseTo(-6.0206, 4);
    expect(dbfs(generateSilence(20, 16000))).toBe(Number.NEGATIVE_INFINITY);
    // A full-scale sine is -3.01 dBFS on this scale.
    expect(dbfs(generateTone(1000, 100, 16000, 1))).toBeCloseTo(-3.01, 2);
  });

  it('generateTone: length, phase and amplitude', () => {
    const tone = generateTone(1000, 20, 16000, 0.5);
    expect(tone.length).toBe(320);
    // 16 samples per cycle: a quarter cycle is sin(0, 22.5, 45, 67.5, 90 degrees) * 0.5 * 32767.
    expect(Array.from(tone.subarray(0, 5))).toEqual([0, 6270, 11585, 15136, 16384]);
    expect(Math.max(...tone)).toBe(16384);
    expect(() => generateTone(1000, 20, 16000, 2)).toThrow('amplitude must be within 0..1, got 2');
  });

  it('generateSilence is all zeros of the right length', () => {
    const silence = generateSilence(30, 8000);
    expect(silence.length).toBe(240);
    expect(silence.every((s) => s === 0)).toBe(true);
  });

  it('addNoise is deterministic per seed, bounded by level, and does not touch its input', () => {
    const silence = generateSilence(100, 16000);
    const a = addNoise(silence, 0.1, 42);
    expect(addNoise(silence, 0.1, 42)).toEqual(a);
    expect(addNoise(silence, 0.1, 43)).not.toEqual(a);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(3277);
    // Uniform noise with peak p has rms p / sqrt(3).
    expect(rms(a)).toBeCloseTo(0.1 / Math.sqrt(3), 2);
    expect(silence.every((s) => s === 0)).toBe(true);
    expect(Math.max(...addNoise(new Int16Array([32767, -32768]), 1, 7))).toBeLessThanOrEqual(32767);
  });
});

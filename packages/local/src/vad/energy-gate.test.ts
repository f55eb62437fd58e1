import { addNoise, generateSilence, generateTone } from '@chorus/audio';
import { describe, expect, it } from 'vitest';
import { energyGated } from './energy-gate.js';
import { createFvad } from './fvad-vad.js';
import type { Vad } from './vad.js';

const FRAME = 320; // 20 ms at 16 kHz

/** A VAD that counts its calls and calls every frame with energy speech. */
function countingVad(): Vad & { calls: number } {
  return {
    sampleRate: 16000,
    frameSamples: FRAME,
    calls: 0,
    isSpeech(frame) {
      this.calls++;
      return frame.some((s) => s !== frame[0]);
    },
    reset() {},
    dispose() {},
  };
}

function frames(samples: Int16Array): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i + FRAME <= samples.length; i += FRAME) out.push(samples.subarray(i, i + FRAME));
  return out;
}

describe('energyGated', () => {
  it('stops asking the VAD after the hold of quiet frames, and asks again at the first loud one', () => {
    const inner = countingVad();
    const vad = energyGated(inner, { holdFrames: 5 });
    const quiet = new Int16Array(FRAME);
    for (let i = 0; i < 20; i++) expect(vad.isSpeech(quiet)).toBe(false);
    expect(inner.calls).toBe(5);
    expect(vad.skipped).toBe(15);
    const loud = generateTone(200, 20, 16000, 0.3);
    expect(vad.isSpeech(loud)).toBe(true);
    expect(inner.calls).toBe(6);
    // Quiet again: the hold starts over.
    for (let i = 0; i < 5; i++) vad.isSpeech(quiet);
    expect(inner.calls).toBe(11);
  });

  it('counts a constant offset as quiet, and quiet noise above the floor as sound', () => {
    const inner = countingVad();
    const vad = energyGated(inner, { holdFrames: 0 });
    vad.isSpeech(new Int16Array(FRAME).fill(1285));
    expect(inner.calls).toBe(0);
    // -50 dBFS room noise is above the default -60 dBFS floor.
    vad.isSpeech(addNoise(generateSilence(20, 16000), 0.0055, 3));
    expect(inner.calls).toBe(1);
  });

  it('gives the WebRTC VAD answers unchanged on speech-like sound, silence and noise', async () => {
    const plain = await createFvad({ mode: 2 });
    const gated = energyGated(await createFvad({ mode: 2 }));
    const parts = [
      generateSilence(1000, 16000),
      addNoise(generateTone(180, 600, 16000, 0.3), 0.05, 1),
      generateSilence(1500, 16000),
      addNoise(generateSilence(500, 16000), 0.003, 2),
      addNoise(generateTone(240, 400, 16000, 0.2), 0.02, 4),
      generateSilence(2000, 16000),
      generateTone(150, 300, 16000, 0.4),
    ];
    const stream = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      stream.set(part, at);
      at += part.length;
    }
    const expected = frames(stream).map((f) => plain.isSpeech(f));
    const actual = frames(stream).map((f) => gated.isSpeech(f));
    expect(actual).toEqual(expected);
    expect(expected).toContain(true);
    expect(gated.skipped).toBeGreaterThan(100);
    plain.dispose();
    gated.dispose();
  });
});

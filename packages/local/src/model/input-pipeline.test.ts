import { addNoise, bytesFromPcm16, generateTone, Resampler } from '@chorus/audio';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFvad } from '../vad/fvad-vad.js';
import { INPUT_RATE, InputPipeline, type InputTurn } from './input-pipeline.js';

afterEach(() => vi.restoreAllMocks());

function manualPipeline(): InputPipeline {
  return new InputPipeline(
    undefined,
    {},
    { onSpeechStarted: () => {}, onSpeechStopped: () => {}, onError: () => {} },
    false,
  );
}

describe('InputPipeline at the rate it runs at', () => {
  it('takes 16 kHz PCM16 sample for sample, with no resampler made or run', async () => {
    const create = vi.spyOn(Resampler, 'create');
    const process = vi.spyOn(Resampler.prototype, 'process');
    const pipeline = manualPipeline();
    const format = { type: 'audio/pcm', rate: INPUT_RATE } as const;
    await pipeline.prepare(format);
    const tone = generateTone(300, 200, INPUT_RATE, 0.4);
    const expected = tone.slice();
    const bytes = bytesFromPcm16(tone);
    // Chunks of odd sizes in samples, at even and odd offsets of one buffer, as sockets cut them.
    const pool = new Uint8Array(bytes.byteLength + 1);
    pool.set(bytes, 1);
    for (let at = 0; at < bytes.byteLength; ) {
      const end = Math.min(bytes.byteLength, at + 2 * 97);
      const chunk = at % 4 === 0 ? bytes.subarray(at, end) : pool.subarray(at + 1, end + 1);
      pipeline.push(chunk, format);
      at = end;
    }
    await pipeline.drained();
    // Views of the caller's bytes are not kept: overwriting them afterwards changes nothing received.
    bytes.fill(0);
    pool.fill(0);
    const turn = pipeline.commit();
    expect(turn?.audio.subarray(0, expected.length)).toEqual(expected);
    expect(create).not.toHaveBeenCalled();
    expect(process).not.toHaveBeenCalled();
    pipeline.dispose();
  });

  it('does resample other rates (the spies see it)', async () => {
    const create = vi.spyOn(Resampler, 'create');
    const pipeline = manualPipeline();
    const format = { type: 'audio/pcm', rate: 24000 } as const;
    await pipeline.prepare(format);
    pipeline.push(bytesFromPcm16(generateTone(300, 40, 24000, 0.4)), format);
    expect(create).toHaveBeenCalledTimes(1);
    pipeline.dispose();
  });
});

describe('InputPipeline turns', () => {
  it("a turn holds the stream's own samples from its start, the prefix padding included, chunk sizes aside", async () => {
    const vad = await createFvad({ sampleRate: INPUT_RATE, frameMs: 20, mode: 2 });
    const turns: InputTurn[] = [];
    const pipeline = new InputPipeline(
      vad,
      { prefixPaddingMs: 300, silenceDurationMs: 500, minSpeechMs: 200 },
      {
        onSpeechStarted: () => {},
        onSpeechStopped: (t) => turns.push(t),
        onError: (e) => {
          throw e;
        },
      },
      true,
    );
    // 1.5 s of light noise, 700 ms of a tone, 1.5 s of noise: noise, not digital silence, so a
    // misplaced prefix sample shows.
    const signal = new Int16Array((3700 * INPUT_RATE) / 1000);
    signal.set(generateTone(300, 700, INPUT_RATE, 0.5), (1500 * INPUT_RATE) / 1000);
    const stream = addNoise(signal, 0.01, 3);
    const format = { type: 'audio/pcm', rate: INPUT_RATE } as const;
    const bytes = bytesFromPcm16(stream.slice());
    for (let at = 0; at < bytes.byteLength; at += 2 * 333)
      pipeline.push(bytes.slice(at, at + 2 * 333), format);
    await pipeline.drained();
    pipeline.dispose();
    expect(turns).toHaveLength(1);
    const [turn] = turns as [InputTurn];
    // The turn starts 300 ms of prefix before the speech the VAD heard at 1.5 s.
    expect(turn.audioStartMs).toBeGreaterThanOrEqual(1100);
    expect(turn.audioStartMs).toBeLessThanOrEqual(1200);
    const from = (turn.audioStartMs / 1000) * INPUT_RATE;
    expect(turn.audio).toEqual(stream.subarray(from, from + turn.audio.length));
  });
});

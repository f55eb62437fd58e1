import { base64FromBytes, bytesFromPcm16, decodeWav, muLawEncode } from '@chorus/audio';
import type { AudioFormat } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { ReplyAudio } from '../src/index.js';

const chunk = (
  agent: string,
  item: string,
  samples: Int16Array,
  format: AudioFormat,
  encode = bytesFromPcm16,
) => ({
  type: 'agent_response_audio_delta' as const,
  agent_id: agent,
  agent_name: agent,
  response_id: 'r',
  item_id: item,
  delta: base64FromBytes(encode(samples)),
  format,
});

describe('ReplyAudio', () => {
  it('joins items one after the other in the order they started, not interleaved', async () => {
    const audio = new ReplyAudio();
    const pcm = { type: 'audio/pcm', rate: 24000 } as const;
    audio.add(chunk('a', '1', Int16Array.of(1, 2), pcm));
    audio.add(chunk('b', '2', Int16Array.of(10, 20), pcm));
    audio.add(chunk('a', '1', Int16Array.of(3), pcm));
    const { wav, rate, seconds } = await audio.toWav();
    expect(rate).toBe(24000);
    expect(seconds).toBe(5 / 24000);
    expect(Array.from(decodeWav(wav).samples)).toEqual([1, 2, 3, 10, 20]);
  });

  it('decodes G.711 and resamples items at another rate to the first rate', async () => {
    const audio = new ReplyAudio();
    audio.add(chunk('a', '1', new Int16Array(2400).fill(1000), { type: 'audio/pcm', rate: 24000 }));
    audio.add(
      chunk('b', '2', new Int16Array(800).fill(1000), { type: 'audio/pcmu', rate: 8000 }, muLawEncode),
    );
    const { wav } = await audio.toWav();
    const decoded = decodeWav(wav);
    expect(decoded.rate).toBe(24000);
    expect(decoded.samples.length).toBe(2400 + 2400);
    // G.711 u-law holds 1000 as 988 or so; the middle of the resampled part keeps that level.
    expect(Math.abs((decoded.samples[3600] ?? 0) - 1000)).toBeLessThan(40);
    expect(new ReplyAudio().empty).toBe(true);
  });
});

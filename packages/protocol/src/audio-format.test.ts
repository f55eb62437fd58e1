import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { audioFormatSchema } from './audio-format.js';

const inEvent = z.object({ format: audioFormatSchema });

function normalize(format: unknown) {
  return audioFormatSchema.parse(format);
}

function issueOf(format: unknown) {
  const result = inEvent.safeParse({ format });
  if (result.success) throw new Error(`expected ${JSON.stringify(format)} to be rejected`);
  const [issue] = result.error.issues;
  return { path: issue?.path.join('.'), message: issue?.message };
}

describe('audio format aliases normalize to { type, rate }', () => {
  it.each([
    [
      { encoding: 'pcm16', sample_rate: 16000 },
      { type: 'audio/pcm', rate: 16000 },
    ],
    [
      { type: 'audio/pcm', rate: 24000 },
      { type: 'audio/pcm', rate: 24000 },
    ],
    [
      { type: 'pcm16', rate: 48000 },
      { type: 'audio/pcm', rate: 48000 },
    ],
    [
      { type: 'pcm', sample_rate: 8000 },
      { type: 'audio/pcm', rate: 8000 },
    ],
    [
      { type: 'PCM16', rate: 22050 },
      { type: 'audio/pcm', rate: 22050 },
    ],
    [{ type: 'pcm24' }, { type: 'audio/pcm', rate: 24000 }],
    [{ type: 'audio/pcm;rate=24000' }, { type: 'audio/pcm', rate: 24000 }],
    [{ type: 'g711_ulaw' }, { type: 'audio/pcmu', rate: 8000 }],
    [{ type: 'pcmu' }, { type: 'audio/pcmu', rate: 8000 }],
    [
      { encoding: 'mulaw', sample_rate: 8000 },
      { type: 'audio/pcmu', rate: 8000 },
    ],
    [{ type: 'audio/pcmu' }, { type: 'audio/pcmu', rate: 8000 }],
    [{ type: 'g711_alaw' }, { type: 'audio/pcma', rate: 8000 }],
    [
      { type: 'pcma', rate: 8000 },
      { type: 'audio/pcma', rate: 8000 },
    ],
    [{ encoding: 'alaw' }, { type: 'audio/pcma', rate: 8000 }],
    [{ type: 'audio/pcma' }, { type: 'audio/pcma', rate: 8000 }],
  ])('%j -> %j', (input, canonical) => {
    expect(normalize(input)).toEqual(canonical);
  });

  it('defaults a PCM stream without a rate to 16 kHz', () => {
    expect(normalize({ type: 'audio/pcm' })).toEqual({ type: 'audio/pcm', rate: 16000 });
    expect(normalize({ encoding: 'pcm16' })).toEqual({ type: 'audio/pcm', rate: 16000 });
  });

  it('drops alias keys from the output', () => {
    expect(Object.keys(normalize({ encoding: 'pcm16', sample_rate: 24000 })).sort()).toEqual([
      'rate',
      'type',
    ]);
  });

  it('accepts both spellings when they agree', () => {
    expect(normalize({ type: 'pcm16', encoding: 'audio/pcm', rate: 16000, sample_rate: 16000 })).toEqual({
      type: 'audio/pcm',
      rate: 16000,
    });
  });
});

describe('audio format rejections name the field', () => {
  it('rejects an unsupported PCM rate, listing the allowed ones', () => {
    expect(issueOf({ type: 'audio/pcm', rate: 11025 })).toEqual({
      path: 'format.rate',
      message: 'unsupported PCM sample rate 11025; allowed: 8000, 16000, 22050, 24000, 44100, 48000',
    });
  });

  it('names sample_rate when that is the spelling used', () => {
    expect(issueOf({ encoding: 'pcm16', sample_rate: 12345 }).path).toBe('format.sample_rate');
  });

  it('rejects a fractional rate', () => {
    expect(issueOf({ type: 'audio/pcm', rate: 16000.5 }).path).toBe('format.rate');
  });

  it('rejects G.711 at any rate but 8000', () => {
    expect(issueOf({ type: 'g711_ulaw', rate: 16000 })).toEqual({
      path: 'format.rate',
      message: 'G.711 (audio/pcmu) is 8000 Hz only, got 16000',
    });
  });

  it('rejects an unknown type, listing the known names', () => {
    const issue = issueOf({ type: 'opus', rate: 48000 });
    expect(issue.path).toBe('format.type');
    expect(issue.message).toContain('unknown audio type "opus"');
    expect(issue.message).toContain('g711_ulaw');
  });

  it('rejects a format without a type', () => {
    expect(issueOf({ rate: 16000 })).toEqual({
      path: 'format.type',
      message: 'missing; expected one of audio/pcm, audio/pcmu, audio/pcma',
    });
  });

  it('rejects conflicting spellings', () => {
    expect(issueOf({ type: 'pcmu', encoding: 'pcm16' }).path).toBe('format.encoding');
    expect(issueOf({ type: 'pcm16', rate: 16000, sample_rate: 24000 }).path).toBe('format.sample_rate');
    expect(issueOf({ type: 'pcm24', rate: 16000 }).path).toBe('format.rate');
  });

  it('rejects a rate given as a string', () => {
    expect(issueOf({ type: 'audio/pcm', rate: '16000' })).toEqual({
      path: 'format.rate',
      message: 'Invalid input: expected number, received string',
    });
  });

  it('rejects a non-object format', () => {
    expect(issueOf('pcm16').path).toBe('format');
  });
});

import { describe, expect, it } from 'vitest';
import { decodeWav } from './wav-decode.js';
import { encodeWav } from './wav-encode.js';

/** Builds a RIFF/WAVE file from raw chunks, so tests can shape odd files byte by byte. */
function riff(chunks: Array<[string, Uint8Array]>, declaredSizes: Record<string, number> = {}): Uint8Array {
  const body: number[] = [...ascii('WAVE')];
  for (const [id, data] of chunks) {
    body.push(...ascii(id), ...u32(declaredSizes[id] ?? data.length), ...data);
    if (data.length % 2 === 1) body.push(0);
  }
  return new Uint8Array([...ascii('RIFF'), ...u32(body.length), ...body]);
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}

function fmt(
  tag: number,
  channels: number,
  rate: number,
  bits: number,
  extensibleSubformat?: number,
): Uint8Array {
  const blockAlign = (channels * bits) / 8;
  const base = [
    ...u16(tag),
    ...u16(channels),
    ...u32(rate),
    ...u32(rate * blockAlign),
    ...u16(blockAlign),
    ...u16(bits),
  ];
  if (extensibleSubformat === undefined) return new Uint8Array(base);
  const guidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
  return new Uint8Array([
    ...base,
    ...u16(22),
    ...u16(bits),
    ...u32(0x4),
    ...u16(extensibleSubformat),
    ...guidTail,
  ]);
}

function le16(samples: number[]): Uint8Array {
  return new Uint8Array(samples.flatMap((s) => u16(s & 0xffff)));
}

describe('encodeWav / decodeWav', () => {
  it('round-trips mono PCM16 exactly with a canonical 44-byte header', () => {
    const samples = new Int16Array([0, 1, -1, 32767, -32768, 1234]);
    const file = encodeWav(samples, 16000);
    expect(file.byteLength).toBe(44 + 12);
    expect(
      String.fromCharCode(...file.subarray(0, 4), ...file.subarray(8, 16), ...file.subarray(36, 40)),
    ).toBe('RIFFWAVEfmt data');
    const view = new DataView(file.buffer);
    expect([
      view.getUint32(4, true),
      view.getUint32(24, true),
      view.getUint32(28, true),
      view.getUint32(40, true),
    ]).toEqual([48, 16000, 32000, 12]);
    expect(decodeWav(file)).toEqual({ rate: 16000, channels: 1, bitsPerSample: 16, samples });
  });

  it('skips a LIST chunk (odd-sized, padded) before the data', () => {
    const info = new Uint8Array([...ascii('INFOISFT'), ...u32(5), ...ascii('chor'), 0x73]);
    const file = riff([
      ['fmt ', fmt(1, 1, 8000, 16)],
      ['LIST', info],
      ['data', le16([5, -5, 300])],
    ]);
    expect(info.length % 2).toBe(1);
    const wav = decodeWav(file);
    expect(wav.rate).toBe(8000);
    expect(Array.from(wav.samples)).toEqual([5, -5, 300]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE stereo and mixes it to mono', () => {
    const file = riff([
      ['fmt ', fmt(0xfffe, 2, 48000, 16, 1)],
      ['data', le16([100, 300, -32768, -32768, 32767, -32768])],
    ]);
    const wav = decodeWav(file);
    expect(wav).toMatchObject({ rate: 48000, channels: 2, bitsPerSample: 16 });
    expect(Array.from(wav.samples)).toEqual([200, -32768, 0]);
  });

  it('reads unsigned 8-bit PCM', () => {
    const file = riff([
      ['fmt ', fmt(1, 1, 8000, 8)],
      ['data', new Uint8Array([128, 255, 0, 192])],
    ]);
    expect(Array.from(decodeWav(file).samples)).toEqual([0, 32512, -32768, 16384]);
  });

  it('reads 24-bit PCM and 32-bit float', () => {
    const pcm24 = riff([
      ['fmt ', fmt(1, 1, 8000, 24)],
      ['data', new Uint8Array([0x00, 0x00, 0x40, 0xff, 0xff, 0xff])],
    ]);
    expect(Array.from(decodeWav(pcm24).samples)).toEqual([16384, 0]);
    const floats = new Uint8Array(new Float32Array([0.5, -1, 2]).buffer);
    const float32 = riff([
      ['fmt ', fmt(3, 1, 8000, 32)],
      ['data', floats],
    ]);
    expect(Array.from(decodeWav(float32).samples)).toEqual([16384, -32768, 32767]);
  });

  it('reads a streamed file whose data size is 0xFFFFFFFF, ignoring a trailing half frame', () => {
    const file = riff(
      [
        ['fmt ', fmt(1, 1, 8000, 16)],
        ['data', new Uint8Array([1, 0, 2, 0, 3])],
      ],
      { data: 0xffffffff },
    );
    expect(Array.from(decodeWav(file.subarray(0, file.length - 1)).samples)).toEqual([1, 2]);
  });

  it.each<[string, Uint8Array, string]>([
    ['too short', new Uint8Array(4), 'not a WAV file: 4 bytes is shorter than a RIFF header'],
    [
      'not RIFF',
      new Uint8Array([...ascii('RIFX'), 0, 0, 0, 0, ...ascii('WAVE')]),
      'starts with "RIFX", expected "RIFF"',
    ],
    [
      'not WAVE',
      new Uint8Array([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('AVI ')]),
      'RIFF form type is "AVI ", expected "WAVE"',
    ],
    ['no fmt', riff([['data', le16([1])]]), 'invalid WAV: data chunk comes before the fmt chunk'],
    ['no data', riff([['fmt ', fmt(1, 1, 8000, 16)]]), 'invalid WAV: no data chunk'],
    ['empty', riff([]), 'invalid WAV: no fmt chunk'],
    [
      'mp3 in wav',
      riff([
        ['fmt ', fmt(0x55, 1, 8000, 16)],
        ['data', le16([1])],
      ]),
      'unsupported WAV encoding: format tag 0x55',
    ],
    [
      '12-bit',
      riff([
        ['fmt ', fmt(1, 1, 8000, 12)],
        ['data', le16([1])],
      ]),
      'unsupported WAV encoding: 12-bit PCM',
    ],
    [
      'truncated data',
      riff(
        [
          ['fmt ', fmt(1, 1, 8000, 16)],
          ['data', le16([1, 2])],
        ],
        { data: 100 },
      ),
      'invalid WAV: data chunk declares 100 bytes but only 4 remain (truncated file?)',
    ],
    [
      'chunk past the end',
      riff(
        [
          ['fmt ', fmt(1, 1, 8000, 16)],
          ['junk', new Uint8Array(2)],
        ],
        { junk: 50 },
      ),
      'invalid WAV: "junk" chunk at byte 36 declares 50 bytes but only 2 remain',
    ],
    [
      'zero channels',
      riff([
        ['fmt ', new Uint8Array([...u16(1), ...u16(0), ...u32(8000), ...u32(0), ...u16(0), ...u16(16)])],
        ['data', le16([1])],
      ]),
      'invalid WAV: fmt chunk says 0 channels',
    ],
  ])('rejects a file that is %s with a clear error', (_name, file, message) => {
    expect(() => decodeWav(file)).toThrow(message);
  });

  it('rejects a rate that is not a positive integer when encoding', () => {
    expect(() => encodeWav(new Int16Array(1), 0)).toThrow('WAV rate must be a positive integer, got 0');
  });
});

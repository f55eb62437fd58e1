import { saturatePcm16 } from './saturate.js';

/** What {@link decodeWav} returns. */
export interface DecodedWav {
  /** Sample rate in Hz, from the fmt chunk. */
  rate: number;
  /** Channels in the file; `samples` is always their mono mix. */
  channels: number;
  /** Bits per sample in the file (8, 16, 24 or 32). */
  bitsPerSample: number;
  /** The audio as mono PCM16: channels averaged, other sample formats scaled to 16 bits. */
  samples: Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Data sizes that streaming writers put in a header before they know the length. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

/**
 * Reads a RIFF/WAVE file into mono PCM16.
 *
 * Accepts integer PCM of 8 (unsigned), 16, 24 and 32 bits and 32-bit float, in plain or
 * WAVE_FORMAT_EXTENSIBLE form, with any number of channels (mixed to mono by averaging), and skips
 * chunks it does not need (LIST, fact, cue, ...). A data chunk whose size says 0 or 0xFFFFFFFF (written
 * by a streaming encoder) runs to the end of the file.
 *
 * @throws Error naming what is wrong: not RIFF/WAVE, missing or malformed fmt chunk, unsupported
 *   encoding, missing data chunk, or a chunk that runs past the end of the file.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  if (bytes.byteLength < 12)
    throw new Error(`not a WAV file: ${bytes.byteLength} bytes is shorter than a RIFF header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (readTag(bytes, 0) !== 'RIFF')
    throw new Error(`not a WAV file: starts with ${JSON.stringify(readTag(bytes, 0))}, expected "RIFF"`);
  if (readTag(bytes, 8) !== 'WAVE')
    throw new Error(
      `not a WAV file: RIFF form type is ${JSON.stringify(readTag(bytes, 8))}, expected "WAVE"`,
    );

  let format: WavFormat | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = readTag(bytes, offset);
    const declared = view.getUint32(offset + 4, true);
    const bodyStart = offset + 8;
    const remaining = bytes.byteLength - bodyStart;
    if (id === 'data') {
      if (!format) throw new Error('invalid WAV: data chunk comes before the fmt chunk');
      let size = declared;
      if (declared > remaining) {
        if (!UNKNOWN_SIZES.has(declared)) {
          throw new Error(
            `invalid WAV: data chunk declares ${declared} bytes but only ${remaining} remain (truncated file?)`,
          );
        }
        size = remaining;
      } else if (declared === 0) {
        size = remaining;
      }
      return { ...publicFormat(format), samples: mixToMonoPcm16(view, bodyStart, size, format) };
    }
    if (declared > remaining) {
      throw new Error(
        `invalid WAV: ${JSON.stringify(id)} chunk at byte ${offset} declares ${declared} bytes but only ${remaining} remain`,
      );
    }
    if (id === 'fmt ') format = parseFormat(view, bodyStart, declared);
    offset = bodyStart + declared + (declared % 2); // chunks are padded to even sizes
  }
  throw new Error(format ? 'invalid WAV: no data chunk' : 'invalid WAV: no fmt chunk');
}

interface WavFormat {
  encoding: 'int' | 'float';
  channels: number;
  rate: number;
  bitsPerSample: number;
  blockAlign: number;
}

function publicFormat(format: WavFormat): Omit<DecodedWav, 'samples'> {
  return { rate: format.rate, channels: format.channels, bitsPerSample: format.bitsPerSample };
}

function parseFormat(view: DataView, start: number, size: number): WavFormat {
  if (size < 16) throw new Error(`invalid WAV: fmt chunk is ${size} bytes, needs at least 16`);
  let tag = view.getUint16(start, true);
  const channels = view.getUint16(start + 2, true);
  const rate = view.getUint32(start + 4, true);
  const blockAlign = view.getUint16(start + 12, true);
  const bitsPerSample = view.getUint16(start + 14, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40)
      throw new Error(`invalid WAV: WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, needs 40`);
    // The sub-format GUID starts with the plain format tag.
    tag = view.getUint16(start + 24, true);
  }
  if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_IEEE_FLOAT) {
    throw new Error(
      `unsupported WAV encoding: format tag 0x${tag.toString(16)} (only PCM 0x1 and IEEE float 0x3)`,
    );
  }
  const encoding = tag === WAVE_FORMAT_PCM ? 'int' : 'float';
  if (channels === 0) throw new Error('invalid WAV: fmt chunk says 0 channels');
  if (rate === 0) throw new Error('invalid WAV: fmt chunk says a sample rate of 0');
  const supported = encoding === 'int' ? [8, 16, 24, 32] : [32];
  if (!supported.includes(bitsPerSample)) {
    throw new Error(`unsupported WAV encoding: ${bitsPerSample}-bit ${encoding === 'int' ? 'PCM' : 'float'}`);
  }
  if (blockAlign !== channels * (bitsPerSample / 8)) {
    throw new Error(
      `invalid WAV: block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits`,
    );
  }
  return { encoding, channels, rate, bitsPerSample, blockAlign };
}

function mixToMonoPcm16(view: DataView, start: number, size: number, format: WavFormat): Int16Array {
  const { channels, blockAlign, bitsPerSample, encoding } = format;
  const frames = Math.floor(size / blockAlign);
  const out = new Int16Array(frames);
  const bytesPerSample = bitsPerSample / 8;
  const read = sampleReader(encoding, bitsPerSample);
  for (let frame = 0; frame < frames; frame++) {
    const frameStart = start + frame * blockAlign;
    let sum = 0;
    for (let channel = 0; channel < channels; channel++)
      sum += read(view, frameStart + channel * bytesPerSample);
    const mixed = Math.round(sum / channels);
    out[frame] = saturatePcm16(mixed);
  }
  return out;
}

/** Returns a reader giving one sample on the 16-bit scale (possibly fractional). */
function sampleReader(encoding: 'int' | 'float', bits: number): (view: DataView, at: number) => number {
  if (encoding === 'float') return (view, at) => view.getFloat32(at, true) * 32768;
  switch (bits) {
    case 8:
      return (view, at) => (view.getUint8(at) - 128) * 256;
    case 16:
      return (view, at) => view.getInt16(at, true);
    case 24:
      return (view, at) =>
        ((view.getInt8(at + 2) << 16) | (view.getUint8(at + 1) << 8) | view.getUint8(at)) / 256;
    default:
      return (view, at) => view.getInt32(at, true) / 65536;
  }
}

function readTag(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(
    bytes[offset] ?? 0,
    bytes[offset + 1] ?? 0,
    bytes[offset + 2] ?? 0,
    bytes[offset + 3] ?? 0,
  );
}

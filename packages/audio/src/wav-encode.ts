import { bytesFromPcm16 } from './pcm16.js';

const HEADER_BYTES = 44;

/**
 * Wraps mono PCM16 samples in a canonical 44-byte-header RIFF/WAVE file (format tag 1, 16 bits).
 *
 * @throws Error when `rate` is not a positive integer or the data would exceed the 4 GiB RIFF limit.
 */
export function encodeWav(samples: Int16Array, rate: number): Uint8Array {
  if (!Number.isInteger(rate) || rate <= 0)
    throw new Error(`WAV rate must be a positive integer, got ${rate}`);
  const dataBytes = samples.length * 2;
  if (HEADER_BYTES - 8 + dataBytes > 0xffffffff) {
    throw new Error(`WAV data of ${dataBytes} bytes exceeds the 4 GiB RIFF size limit`);
  }
  const file = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(file.buffer);
  writeTag(file, 0, 'RIFF');
  view.setUint32(4, HEADER_BYTES - 8 + dataBytes, true);
  writeTag(file, 8, 'WAVE');
  writeTag(file, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // WAVE_FORMAT_PCM
  view.setUint16(22, 1, true); // channels
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  writeTag(file, 36, 'data');
  view.setUint32(40, dataBytes, true);
  file.set(bytesFromPcm16(samples), HEADER_BYTES);
  return file;
}

function writeTag(file: Uint8Array, offset: number, tag: string): void {
  for (let i = 0; i < 4; i++) file[offset + i] = tag.charCodeAt(i);
}

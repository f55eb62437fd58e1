import { saturatePcm16 } from './saturate.js';

/**
 * Whether this host stores multi-byte numbers little-endian, as PCM16 on the wire is. When it does,
 * a byte buffer and an Int16Array can share memory; otherwise every conversion must swap bytes.
 */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reads 16-bit signed little-endian PCM from bytes.
 *
 * Zero-copy when possible: if `bytes` starts at an even offset in its buffer (and the host is
 * little-endian), the result is a view over the same memory, so later writes to `bytes` show through.
 * Unaligned input (for example a slice of a pooled Node Buffer at an odd offset) is copied.
 *
 * @throws Error when the byte length is odd (a sample would be cut in half).
 */
export function pcm16FromBytes(bytes: Uint8Array): Int16Array {
  const length = bytes.byteLength;
  if (length % 2 !== 0) {
    throw new Error(`PCM16 byte length must be even (2 bytes per sample), got ${length} bytes`);
  }
  if (HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
    return new Int16Array(bytes.buffer, bytes.byteOffset, length / 2);
  }
  const samples = new Int16Array(length / 2);
  if (HOST_IS_LITTLE_ENDIAN) {
    new Uint8Array(samples.buffer).set(bytes);
    return samples;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
  return samples;
}

/**
 * Writes samples as 16-bit signed little-endian PCM bytes.
 *
 * Zero-copy on little-endian hosts: the result is a view over the samples' memory.
 */
export function bytesFromPcm16(samples: Int16Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) {
    return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  }
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i] ?? 0, true);
  return bytes;
}

/** Converts PCM16 to floats in [-1, 1) by dividing by 32768 (the Web Audio convention). */
export function float32FromPcm16(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i] ?? 0) / 32768;
  return out;
}

/**
 * Converts floats to PCM16: scales by 32768 (the inverse of {@link float32FromPcm16}, so a round trip
 * returns the same samples exactly) and saturates to [-32768, 32767] instead of wrapping around, so
 * overshoot past [-1, 1] clips like an analogue signal. NaN becomes 0.
 */
export function pcm16FromFloat32(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const scaled = Math.round((samples[i] ?? 0) * 32768);
    out[i] = saturatePcm16(scaled) || 0;
  }
  return out;
}

/** Joins PCM16 chunks into one array, in order. */
export function concatPcm16(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

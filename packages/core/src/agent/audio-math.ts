import type { AudioFormat } from '@chorus/protocol';

/** Decoded size of a base64 string, from its length alone (no decoding: this runs per audio frame). */
export function base64ByteLength(base64: string): number {
  const length = base64.length;
  if (length === 0) return 0;
  let padding = 0;
  if (base64.charCodeAt(length - 1) === 61 /* = */) padding++;
  if (length > 1 && base64.charCodeAt(length - 2) === 61) padding++;
  return ((length * 3) >> 2) - padding;
}

/** Bytes per sample: 2 for 16-bit PCM, 1 for G.711. */
export function bytesPerSample(format: AudioFormat): number {
  return format.type === 'audio/pcm' ? 2 : 1;
}

/** Duration in ms of `bytes` of audio in `format`. */
export function audioDurationMs(bytes: number, format: AudioFormat): number {
  if (format.rate <= 0) return 0;
  return (bytes / bytesPerSample(format) / format.rate) * 1000;
}

import type { AudioFormat } from '@chorus/protocol';

/** Bytes per sample: 2 for 16-bit PCM, 1 for G.711. */
export function bytesPerSample(format: AudioFormat): number {
  return format.type === 'audio/pcm' ? 2 : 1;
}

/** Duration in ms of `bytes` of audio in `format`. */
export function audioDurationMs(bytes: number, format: AudioFormat): number {
  if (format.rate <= 0) return 0;
  return (bytes / bytesPerSample(format) / format.rate) * 1000;
}

/**
 * An audio wire format as Chorus and the OpenAI Realtime GA API name them.
 *
 * `audio/pcm` is 16-bit signed little-endian mono PCM at `rate` Hz; `audio/pcmu` and `audio/pcma` are
 * G.711 mu-law and A-law, one byte per sample, always 8000 Hz. Structurally identical to the type of the
 * same name in `@chorus/protocol`, so either can be passed where the other is expected.
 */
export type AudioFormat = { type: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma'; rate: number };

/** The sample rate G.711 (`audio/pcmu`, `audio/pcma`) always uses. */
export const G711_RATE = 8000;

/**
 * Bytes one mono sample takes on the wire in `format`: 2 for `audio/pcm`, 1 for G.711.
 *
 * @throws Error when `format.type` is not one of the three wire types.
 */
export function bytesPerSample(format: AudioFormat): 1 | 2 {
  switch (format.type) {
    case 'audio/pcm':
      return 2;
    case 'audio/pcmu':
    case 'audio/pcma':
      return 1;
    default:
      throw new Error(`unknown audio format type ${JSON.stringify((format as { type: unknown }).type)}`);
  }
}

/**
 * Checks that `format` is usable: a known type, a positive integer rate, and 8000 Hz for G.711.
 *
 * @param what - names the format in the error message (for example `'from'`).
 * @throws Error naming the bad field.
 */
export function assertAudioFormat(format: AudioFormat, what = 'format'): void {
  bytesPerSample(format);
  if (!Number.isInteger(format.rate) || format.rate <= 0) {
    throw new Error(`${what}.rate must be a positive integer, got ${String(format.rate)}`);
  }
  if (format.type !== 'audio/pcm' && format.rate !== G711_RATE) {
    throw new Error(`${what}.rate must be ${G711_RATE} for ${format.type}, got ${format.rate}`);
  }
}

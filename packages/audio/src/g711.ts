import alawmulaw from 'alawmulaw';

/**
 * Encodes PCM16 samples as G.711 mu-law (`audio/pcmu`), one byte per sample. The rate is not
 * changed: G.711 on the wire is 8 kHz, so resample first (see {@link AudioConverter}).
 */
export function muLawEncode(samples: Int16Array): Uint8Array {
  return alawmulaw.mulaw.encode(samples);
}

/** Decodes G.711 mu-law bytes (`audio/pcmu`) to PCM16 samples, one sample per byte. */
export function muLawDecode(bytes: Uint8Array): Int16Array {
  return alawmulaw.mulaw.decode(bytes);
}

/**
 * Encodes PCM16 samples as G.711 A-law (`audio/pcma`), one byte per sample. The rate is not
 * changed: G.711 on the wire is 8 kHz, so resample first (see {@link AudioConverter}).
 */
export function aLawEncode(samples: Int16Array): Uint8Array {
  return alawmulaw.alaw.encode(samples);
}

/** Decodes G.711 A-law bytes (`audio/pcma`) to PCM16 samples, one sample per byte. */
export function aLawDecode(bytes: Uint8Array): Int16Array {
  return alawmulaw.alaw.decode(bytes);
}

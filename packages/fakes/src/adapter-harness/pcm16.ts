/**
 * PCM16 (little-endian) bytes of `ms` at `rate`: a loud 300 Hz tone, which the fakes' energy VAD
 * hears as speech, or silence.
 */
export function pcm16(ms: number, rate: number, loud: boolean): Uint8Array {
  const count = Math.round((rate * ms) / 1000);
  const bytes = new Uint8Array(count * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++)
    view.setInt16(i * 2, loud ? Math.round(Math.sin((2 * Math.PI * 300 * i) / rate) * 12000) : 0, true);
  return bytes;
}

/** Splits PCM16 audio at `rate` into frames of `frameMs` (the last one may be shorter). */
export function pcm16Frames(bytes: Uint8Array, rate: number, frameMs = 20): Uint8Array[] {
  const size = ((rate * frameMs) / 1000) * 2;
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

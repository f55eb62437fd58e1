import type { ClientEventOf } from './client-events.js';
import type { ParseResult } from './errors.js';
import { canonicalFormat } from './hot-client-events.js';
import { MAX_AUDIO_BASE64_CHARS, MAX_ID_CHARS } from './limits.js';
import { parseClientEvent } from './parse.js';
import { validatedClientEvents } from './validated-events.js';

type AudioAppend = ClientEventOf<'client_audio_append'>;

/** The bytes of audio appends that arrived as bytes, so that nobody decodes their base64 again. */
const audioBytes = new WeakMap<object, Uint8Array>();

/**
 * Parses a `client_audio_append` whose audio arrived as raw bytes (a binary WebSocket frame) rather
 * than base64. The event is the one {@link parseClientEvent} would return for the JSON form, but its
 * `audio` text is only encoded (with `toBase64`) if something reads it, and {@link clientAudioBytes}
 * hands the bytes back, so audio that goes straight to a model is never encoded and decoded again.
 * A format with aliases, or anything invalid, goes through {@link parseClientEvent} for the same
 * canonical result or the same error.
 */
export function parseClientAudioBytes(
  bytes: Uint8Array,
  format: unknown,
  eventId: string | undefined,
  toBase64: (bytes: Uint8Array) => string,
): ParseResult<AudioAppend> {
  const canonical = canonicalFormat(format);
  const idOk = eventId === undefined || eventId.length <= MAX_ID_CHARS;
  if (!canonical || !idOk || Math.ceil(bytes.byteLength / 3) * 4 > MAX_AUDIO_BASE64_CHARS) {
    const parsed = parseClientEvent({
      type: 'client_audio_append',
      ...(eventId === undefined ? {} : { event_id: eventId }),
      audio: toBase64(bytes),
      format,
    });
    if (!parsed.ok) return parsed;
    audioBytes.set(parsed.event, bytes);
    return parsed as ParseResult<AudioAppend>;
  }
  const event: AudioAppend = {
    type: 'client_audio_append',
    ...(eventId === undefined ? {} : { event_id: eventId }),
    get audio(): string {
      const text = toBase64(bytes);
      // Encoded once, then an ordinary property (in the same place, so JSON keeps its key order).
      Object.defineProperty(this, 'audio', { value: text, enumerable: true });
      return text;
    },
    format: canonical,
  };
  audioBytes.set(event, bytes);
  validatedClientEvents.add(event);
  return { ok: true, event };
}

/** The raw bytes of an audio append built by {@link parseClientAudioBytes}; undefined for any other. */
export function clientAudioBytes(event: AudioAppend): Uint8Array | undefined {
  return audioBytes.get(event);
}

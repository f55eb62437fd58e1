import type { ClientEventOf } from './client-events.js';
import type { ParseResult } from './errors.js';
import { heldAudio, holdAudio } from './held-audio.js';
import { canonicalFormat } from './hot-client-events.js';
import { MAX_AUDIO_BASE64_CHARS, MAX_ID_CHARS } from './limits.js';
import { parseClientEvent } from './parse.js';
import { validatedClientEvents } from './validated-events.js';

type AudioAppend = ClientEventOf<'client_audio_append'>;

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
    // Its audio is already text; the bytes are kept beside it for the model.
    const append = parsed.event as AudioAppend;
    holdAudio(append, 'audio', { bytes, toBase64, text: append.audio });
    return parsed as ParseResult<AudioAppend>;
  }
  // The keys in the order the JSON form parses to; `audio` is encoded once, when first read.
  const event = { type: 'client_audio_append' } as AudioAppend;
  if (eventId !== undefined) event.event_id = eventId;
  holdAudio(event, 'audio', { bytes, toBase64, text: undefined });
  event.format = canonical;
  validatedClientEvents.add(event);
  return { ok: true, event };
}

/** The raw bytes of an audio append built by {@link parseClientAudioBytes}; undefined for any other. */
export function clientAudioBytes(event: AudioAppend): Uint8Array | undefined {
  return heldAudio(event)?.bytes;
}

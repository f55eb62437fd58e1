import type { ClientEventOf } from './client-events.js';
import type { ParseResult } from './errors.js';
import { canonicalFormat } from './hot-client-events.js';
import { MAX_AUDIO_BASE64_CHARS, MAX_ID_CHARS } from './limits.js';
import { parseClientEvent } from './parse.js';
import { validatedClientEvents } from './validated-events.js';

type AudioAppend = ClientEventOf<'client_audio_append'>;

/** The bytes of an audio append that arrived as bytes, and its base64 once something has read it. */
interface Held {
  readonly bytes: Uint8Array;
  readonly toBase64: (bytes: Uint8Array) => string;
  text: string | undefined;
}

/** Where an append keeps its {@link Held}: not enumerable, so JSON, keys and spreads never see it. */
const HELD = Symbol('chorus.clientAudioBytes');
type Carrier = { [HELD]?: Held | undefined };

// One accessor shared by every such event: a getter written in the event's object literal made a
// closure per event, and a WeakMap entry per event cost as much again (about 1.1 us of the 1.8 us a
// binary frame's append took; PROFILES.md).
const audioAccessor: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Carrier): string {
    const held = this[HELD] as Held;
    if (held.text === undefined) held.text = held.toBase64(held.bytes);
    return held.text;
  },
  set(this: Carrier, text: string): void {
    // Other audio than the bytes: from now on an ordinary property, and the bytes are let go.
    Object.defineProperty(this, 'audio', {
      value: text,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    this[HELD] = undefined;
  },
};
const heldSlot: PropertyDescriptor = {
  writable: true,
  enumerable: false,
  configurable: true,
  value: undefined,
};

function hold(event: object, held: Held): void {
  Object.defineProperty(event, HELD, heldSlot);
  (event as Carrier)[HELD] = held;
}

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
    hold(append, { bytes, toBase64, text: append.audio });
    Object.defineProperty(append, 'audio', audioAccessor);
    return parsed as ParseResult<AudioAppend>;
  }
  // The keys in the order the JSON form parses to; `audio` is encoded once, when first read.
  const event = { type: 'client_audio_append' } as AudioAppend;
  if (eventId !== undefined) event.event_id = eventId;
  Object.defineProperty(event, 'audio', audioAccessor);
  event.format = canonical;
  hold(event, { bytes, toBase64, text: undefined });
  validatedClientEvents.add(event);
  return { ok: true, event };
}

/** The raw bytes of an audio append built by {@link parseClientAudioBytes}; undefined for any other. */
export function clientAudioBytes(event: AudioAppend): Uint8Array | undefined {
  return (event as Carrier)[HELD]?.bytes;
}

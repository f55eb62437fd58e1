import { G711_SAMPLE_RATE, PCM_SAMPLE_RATES } from './audio-format.js';
import { isBase64 } from './base64.js';
import type { ClientEventOf } from './client-events.js';
import { MAX_AUDIO_BASE64_CHARS, MAX_ID_CHARS } from './limits.js';

// `client_audio_append` is nearly every frame a talking client sends (50 a second), so its canonical
// form is checked by hand here rather than by its zod schema. The check is the schema's exactly (a
// property test holds it to that); aliases and anything it refuses fall through to zod, which then
// names the offending field.

type Raw = Readonly<Record<string, unknown>>;

function isOptionalId(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.length <= MAX_ID_CHARS);
}

const PCM_RATES: ReadonlySet<unknown> = new Set(PCM_SAMPLE_RATES);

/** A format already in canonical form (no aliases), checked as the schema would, or undefined. */
export function canonicalFormat(
  value: unknown,
): { type: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma'; rate: number } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { type, rate, encoding, sample_rate } = value as Raw;
  if (encoding !== undefined || sample_rate !== undefined) return undefined;
  if (type === 'audio/pcm') return PCM_RATES.has(rate) ? { type, rate: rate as number } : undefined;
  if (type === 'audio/pcmu' || type === 'audio/pcma') {
    return rate === undefined || rate === G711_SAMPLE_RATE ? { type, rate: G711_SAMPLE_RATE } : undefined;
  }
  return undefined;
}

/**
 * A `client_audio_append` in canonical form, validated and stripped to its schema's fields, or
 * undefined when it is another type or does not pass (the caller then parses it with the schema).
 */
export function parseHotClientEvent(
  type: string,
  raw: Raw,
): ClientEventOf<'client_audio_append'> | undefined {
  if (type !== 'client_audio_append') return undefined;
  const { session_id, event_id, audio } = raw;
  if (!isOptionalId(session_id) || !isOptionalId(event_id)) return undefined;
  if (typeof audio !== 'string' || audio.length > MAX_AUDIO_BASE64_CHARS || !isBase64(audio))
    return undefined;
  const format = canonicalFormat(raw.format);
  if (!format) return undefined;
  // In the schema's key order, so that both parsers serialize an event the same way.
  return {
    type,
    ...('session_id' in raw ? { session_id: session_id as string | undefined } : {}),
    ...('event_id' in raw ? { event_id: event_id as string | undefined } : {}),
    audio,
    format,
  };
}

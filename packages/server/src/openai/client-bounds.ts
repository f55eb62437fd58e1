import { type ErrorCode, G711_SAMPLE_RATE } from '@chorus/protocol';
import { OPENAI_PCM_RATE, type OpenAISession } from '@chorus/protocol/openai';

/**
 * What the OpenAI route refuses of a client before any of it is stored, merged or acted on, beyond
 * what the protocol's schemas check: sample rates the GA service does not offer (a rate of 2e9 once
 * made the audio converter allocate for minutes), items that claim to be images and are not, and the
 * bound on per-connection audio converters.
 */

/** A refusal, worded for an OpenAI `error{type:'invalid_request_error'}` naming `param`. */
export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
  readonly param: string;
}

/** Audio converters one connection may hold at once (agents x output formats); the oldest is freed. */
export const MAX_CONVERTERS_PER_CONNECTION = 4;

function formatRefusal(format: unknown, param: string): Refusal | undefined {
  if (typeof format !== 'object' || format === null) return undefined;
  const { type, rate } = format as { type?: unknown; rate?: unknown };
  if (rate === undefined) return undefined;
  // GA: PCM is 24 kHz only; G.711 (u-law, A-law) is 8 kHz only.
  const allowed = type === 'audio/pcm' ? OPENAI_PCM_RATE : G711_SAMPLE_RATE;
  if (rate === allowed) return undefined;
  return {
    code: 'invalid_value',
    message: `${String(type)} is ${allowed} Hz only on this endpoint, got ${String(rate).slice(0, 32)}`,
    param: `${param}.rate`,
  };
}

/** Keys that reach an object's prototype when merged by assignment. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The session objects `mergeOpenAISession` merges key by key, by their `param` path. */
function mergedObjects(update: OpenAISession): [string, unknown][] {
  const audio = update.audio;
  return [
    ['session', update],
    ['session.audio', audio],
    ['session.audio.input', audio?.input],
    ['session.audio.output', audio?.output],
    ['session.audio.input.turn_detection', audio?.input?.turn_detection],
  ];
}

/**
 * Refuses a `session.update` with a prototype key in an object that is merged into the session, or
 * asking for an audio rate the protocol does not allow.
 */
export function refuseSessionUpdate(update: OpenAISession): Refusal | undefined {
  for (const [param, value] of mergedObjects(update)) {
    if (typeof value !== 'object' || value === null) continue;
    for (const key of PROTOTYPE_KEYS) {
      if (Object.hasOwn(value, key)) {
        return {
          code: 'invalid_value',
          message: `the key "${key}" is not allowed`,
          param: `${param}.${key}`,
        };
      }
    }
  }
  return (
    formatRefusal(update.audio?.input?.format, 'session.audio.input.format') ??
    formatRefusal(update.audio?.output?.format, 'session.audio.output.format')
  );
}

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,/i;

/** Whether the first bytes are a PNG, JPEG or WebP signature. */
function isImageSignature(head: Buffer): boolean {
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a)
    return true;
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return true;
  return (
    head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP'
  );
}

/**
 * Refuses an item whose `input_image` parts are not PNG, JPEG or WebP bytes: the model would refuse
 * them after the gateway had stored and echoed them, so they are refused (and not stored) first.
 */
export function refuseItem(item: { readonly type: string; readonly content?: unknown }): Refusal | undefined {
  if (item.type !== 'message' || !Array.isArray(item.content)) return undefined;
  for (const [index, part] of item.content.entries()) {
    const { type, image_url: url } = (part ?? {}) as { type?: unknown; image_url?: unknown };
    if (type !== 'input_image' || typeof url !== 'string') continue;
    const match = DATA_URL.exec(url);
    if (!match) continue; // openai-input names a URL that is not a data URL
    const head = Buffer.from(url.slice(match[0].length, match[0].length + 24), 'base64');
    if (!isImageSignature(head)) {
      return {
        code: 'invalid_image',
        message: 'image_url does not hold PNG, JPEG or WebP bytes',
        param: `item.content[${index}].image_url`,
      };
    }
  }
  return undefined;
}

/**
 * Keeps at most `max` entries in `cache`, disposing the oldest: a client switching output formats
 * must not collect a resampler per format until it disconnects.
 */
export function boundConverters<T extends { dispose(): void }>(
  cache: Map<string, T>,
  max = MAX_CONVERTERS_PER_CONNECTION,
): void {
  for (const [key, converter] of cache) {
    if (cache.size <= max) return;
    converter.dispose();
    cache.delete(key);
  }
}

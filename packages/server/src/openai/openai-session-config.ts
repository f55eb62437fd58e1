import type { AudioFormat } from '@chorus/protocol';
import type { OpenAISession } from '@chorus/protocol/openai';
import { PROTOTYPE_KEYS } from './client-bounds.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The full GA session object the endpoint starts from: what `session.created` carries and what every
 * `session.update` is merged into. Official clients read `audio.output.format` from it to time audio.
 * It has exactly the fields of the SDK's `RealtimeSessionCreateRequest` (no `id`, `object` or
 * `expires_at`, which that type does not allow), so a typed client accepts every echo.
 */
export function defaultOpenAISession(model: string): OpenAISession {
  return {
    type: 'realtime',
    model,
    output_modalities: ['audio'],
    instructions: '',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        turn_detection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 500,
          create_response: true,
          interrupt_response: true,
          idle_timeout_ms: null,
        },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
  } as OpenAISession;
}

/** Session fields a client may send that the typed session object has no place for. */
const NOT_ECHOED = new Set(['id', 'object', 'expires_at', 'client_secret']);

const ABSENT_WHEN_NULL = new Set(['transcription', 'noise_reduction', 'include']);

/**
 * Merges a `session.update` into the current session: objects merge key by key (so updating
 * `audio.output.voice` keeps `audio.output.format`), arrays and scalars replace, `type` never changes,
 * and `id`, `object` and `expires_at` are not taken over.
 */
export function mergeOpenAISession(current: OpenAISession, update: OpenAISession): OpenAISession {
  const merge = (base: Json, patch: Json, depth: number): Json => {
    const out: Json = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined || PROTOTYPE_KEYS.has(key) || (depth === 0 && NOT_ECHOED.has(key))) continue;
      // `null` turns these off; the session then shows them absent, as the GA types have no null here.
      if (value === null && ABSENT_WHEN_NULL.has(key)) {
        delete out[key];
        continue;
      }
      const prior = out[key];
      out[key] =
        depth < 4 && isRecord(prior) && isRecord(value) && !('type' in value && key === 'turn_detection')
          ? merge(prior, value, depth + 1)
          : value;
    }
    return out;
  };
  const merged = merge(current as Json, update as Json, 0);
  merged.type = 'realtime';
  return merged as OpenAISession;
}

/** The Chorus audio format of an OpenAI GA format object (PCM defaults to 24 kHz, G.711 is 8 kHz). */
export function chorusFormatOf(format: unknown): AudioFormat {
  if (isRecord(format)) {
    if (format.type === 'audio/pcmu') return { type: 'audio/pcmu', rate: 8000 };
    if (format.type === 'audio/pcma') return { type: 'audio/pcma', rate: 8000 };
    if (format.type === 'audio/pcm')
      return { type: 'audio/pcm', rate: typeof format.rate === 'number' ? format.rate : 24000 };
  }
  return { type: 'audio/pcm', rate: 24000 };
}

/** The session's input audio format in Chorus terms. */
export function inputFormatOf(session: OpenAISession): AudioFormat {
  return chorusFormatOf(session.audio?.input?.format);
}

/** The session's output audio format in Chorus terms. */
export function outputFormatOf(session: OpenAISession): AudioFormat {
  return chorusFormatOf(session.audio?.output?.format);
}

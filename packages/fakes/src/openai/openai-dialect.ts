import type { IncomingMessage } from 'node:http';
import { type OpenAIServerEvent, parseOpenAIClientEvent, serverEventToBeta } from '@chorus/protocol/openai';
import type { FakeDialect, FakeSessionView } from './dialect.js';
import type { FakeAudioEncoding } from './energy-vad.js';
import type { Json } from './types.js';

const SERVER_VAD_DEFAULTS = {
  threshold: 0.5,
  prefix_padding_ms: 300,
  silence_duration_ms: 500,
  idle_timeout_ms: null,
  create_response: true,
  interrupt_response: true,
};

const SEMANTIC_VAD_DEFAULTS = { eagerness: 'auto', create_response: true, interrupt_response: true };

/** Fields a `null` in `session.update` turns off; the session then shows them absent (the SDK types). */
const ABSENT_WHEN_NULL = new Set(['transcription', 'noise_reduction', 'include']);

function withoutNulls(session: Json): Json {
  const strip = (value: Json): Json =>
    Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => !(v === null && ABSENT_WHEN_NULL.has(key)))
        .map(([key, v]) => [key, isRecord(v) && key !== 'tools' ? strip(v) : v]),
    );
  return strip(session);
}

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function withVadDefaults(turnDetection: unknown): unknown {
  if (!isRecord(turnDetection)) return turnDetection;
  if (turnDetection.type === 'server_vad') return { ...SERVER_VAD_DEFAULTS, ...turnDetection };
  if (turnDetection.type === 'semantic_vad') return { ...SEMANTIC_VAD_DEFAULTS, ...turnDetection };
  return turnDetection;
}

function encodingOf(format: unknown): FakeAudioEncoding {
  const type = isRecord(format) ? format.type : undefined;
  return type === 'audio/pcmu' ? 'pcmu' : type === 'audio/pcma' ? 'pcma' : 'pcm16';
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice('Bearer '.length);
  const azure = req.headers['api-key'];
  if (typeof azure === 'string') return azure;
  // Browsers cannot set headers on a WebSocket; OpenAI takes the key as a subprotocol instead.
  const protocols = req.headers['sec-websocket-protocol'];
  const insecure = protocols
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith('openai-insecure-api-key.'));
  return insecure?.slice('openai-insecure-api-key.'.length);
}

/** OpenAI Realtime GA (and beta when the client sends `OpenAI-Beta: realtime=v1`). */
export const openaiDialect: FakeDialect = {
  provider: 'openai',
  usesBetaNames: (req) => String(req.headers['openai-beta'] ?? '').includes('realtime=v1'),
  presentedKey: bearer,
  authFailure: (presented) => ({
    kind: 'event',
    error:
      presented === undefined
        ? {
            type: 'invalid_request_error',
            code: 'missing_api_key',
            message:
              "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.",
          }
        : {
            type: 'invalid_request_error',
            code: 'invalid_api_key',
            message: `Incorrect API key provided: ${presented.slice(0, 3)}***. You can find your API key at https://platform.openai.com/account/api-keys.`,
          },
    closeCode: 3000,
    closeReason:
      presented === undefined
        ? 'invalid_request_error.missing_api_key'
        : 'invalid_request_error.invalid_api_key',
  }),
  // The service's own examples show `id`, `object` and `expires_at`, which the SDK's
  // `RealtimeSessionCreateRequest` has no place for; the fake sends them as the service does
  // (unverified), and leaves out the `null`s the SDK types do not allow.
  defaultSession: (model, id) => ({
    type: 'realtime',
    object: 'realtime.session',
    id,
    model: model || 'gpt-realtime',
    output_modalities: ['audio'],
    instructions: '',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    prompt: null,
    expires_at: 0,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        turn_detection: { type: 'server_vad', ...SERVER_VAD_DEFAULTS },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
  }),
  parseClient: (raw) => {
    const result = parseOpenAIClientEvent(raw);
    if (!result.ok) return { ok: false, message: result.error.message, param: result.error.issues[0]?.path };
    return {
      ok: true,
      unknown: result.unknown,
      event: result.event as { type: string } & Json,
    } as ReturnType<FakeDialect['parseClient']>;
  },
  mergeSession: (current, patch) => {
    const audio = isRecord(patch.audio) ? patch.audio : {};
    for (const side of ['input', 'output'] as const) {
      const format = isRecord(audio[side]) ? (audio[side] as Json).format : undefined;
      if (
        isRecord(format) &&
        format.type === 'audio/pcm' &&
        format.rate !== undefined &&
        format.rate !== 24000
      ) {
        return {
          error: {
            type: 'invalid_request_error',
            code: 'invalid_value',
            message: `Invalid value: ${String(format.rate)}. Supported values are: 24000.`,
            param: `session.audio.${side}.format.rate`,
          },
        };
      }
    }
    const currentAudio = isRecord(current.audio) ? current.audio : {};
    const input = { ...(currentAudio.input as Json), ...(isRecord(audio.input) ? audio.input : {}) };
    const output = { ...(currentAudio.output as Json), ...(isRecord(audio.output) ? audio.output : {}) };
    if (isRecord(input.format) && input.format.type === 'audio/pcm')
      input.format = { type: 'audio/pcm', rate: 24000 };
    if (isRecord(output.format) && output.format.type === 'audio/pcm')
      output.format = { type: 'audio/pcm', rate: 24000 };
    input.turn_detection = withVadDefaults(input.turn_detection);
    const { audio: _ignored, ...rest } = patch;
    return { session: { ...current, ...rest, type: 'realtime', audio: { input, output } } };
  },
  view: (session): FakeSessionView => {
    const audio = isRecord(session.audio) ? session.audio : {};
    const input = isRecord(audio.input) ? audio.input : {};
    const output = isRecord(audio.output) ? audio.output : {};
    const inputEncoding = encodingOf(input.format);
    const outputEncoding = encodingOf(output.format);
    const td = isRecord(input.turn_detection) ? input.turn_detection : null;
    return {
      inputEncoding,
      inputRate: inputEncoding === 'pcm16' ? 24000 : 8000,
      outputEncoding,
      outputRate: outputEncoding === 'pcm16' ? 24000 : 8000,
      modalities: (session.output_modalities as ('text' | 'audio')[] | undefined) ?? ['audio'],
      transcription: isRecord(input.transcription),
      turnDetection: td && {
        prefixPaddingMs: (td.prefix_padding_ms as number | undefined) ?? 300,
        silenceDurationMs: (td.silence_duration_ms as number | undefined) ?? 500,
        createResponse: td.create_response !== false,
        interruptResponse: td.interrupt_response !== false,
      },
    };
  },
  wireSession: (session) => withoutNulls(session),
  toWire: (event, beta) => (beta ? serverEventToBeta(event as unknown as OpenAIServerEvent) : event),
  errors: {
    rateLimit: {
      type: 'rate_limit_exceeded',
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for gpt-realtime on tokens per min (TPM). Please try again in 20s.',
    },
    auth: {
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      message:
        'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
      closeCode: 3000,
      closeReason: 'invalid_request_error.invalid_api_key',
    },
    quota: {
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message: 'You exceeded your current quota, please check your plan and billing details.',
      closeCode: 3000,
      closeReason: 'insufficient_quota.insufficient_quota',
    },
    idleClose: { code: 1000, reason: 'idle timeout' },
    sessionCap: {
      error: {
        type: 'invalid_request_error',
        code: 'session_expired',
        message: 'Your session hit the maximum duration of 60 minutes.',
      },
      code: 1000,
      reason: 'session_expired',
    },
  },
  omitResponseDoneAfterCancel: false,
  imageInput: false,
};

import type { IncomingMessage } from 'node:http';
import { parseDashScopeClientEvent } from '@chorus/protocol/dashscope';
import { type OpenAIServerEvent, serverEventToBeta } from '@chorus/protocol/openai';
import type { FakeDialect, FakeSessionView } from '../openai/dialect.js';
import type { Json } from '../openai/types.js';

const VAD_DEFAULTS = {
  threshold: 0.5,
  prefix_padding_ms: 300,
  silence_duration_ms: 800,
  create_response: true,
  interrupt_response: true,
};

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ')
    ? header.slice('Bearer '.length)
    : undefined;
}

/** DashScope Qwen-Omni realtime; `omitResponseDoneAfterCancel` reproduces the reported quirk. */
export function dashscopeDialect(options: { omitResponseDoneAfterCancel?: boolean } = {}): FakeDialect {
  return {
    provider: 'dashscope',
    usesBetaNames: () => true,
    presentedKey: bearer,
    // Unverified against the live service: a bad key is refused at the HTTP upgrade.
    authFailure: () => ({
      kind: 'http',
      status: 401,
      body: { code: 'InvalidApiKey', message: 'Invalid API-key provided.', request_id: 'fake-request' },
    }),
    defaultSession: (model, id) => ({
      id,
      object: 'realtime.session',
      model: model || 'qwen3-omni-flash-realtime',
      modalities: ['text', 'audio'],
      voice: 'Cherry',
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm24',
      input_audio_transcription: { model: 'gummy-realtime-v1' },
      turn_detection: { type: 'server_vad', ...VAD_DEFAULTS },
      tools: [],
      tool_choice: 'auto',
      temperature: 0.8,
    }),
    parseClient: (raw) => {
      const result = parseDashScopeClientEvent(raw);
      if (!result.ok)
        return { ok: false, message: result.error.message, param: result.error.issues[0]?.path };
      return {
        ok: true,
        unknown: result.unknown,
        event: result.event as { type: string } & Json,
      } as ReturnType<FakeDialect['parseClient']>;
    },
    mergeSession: (current, patch) => {
      const modalities = patch.modalities as string[] | undefined;
      if (modalities && !modalities.includes('text')) {
        return {
          error: {
            type: 'invalid_request_error',
            code: 'invalid_value',
            message: `Invalid modalities: ${JSON.stringify(modalities)}. Supported combinations are: ['text'] and ['audio', 'text'].`,
            param: 'session.modalities',
          },
        };
      }
      const merged: Json = { ...current, ...patch };
      if (isRecord(patch.turn_detection))
        merged.turn_detection = { ...VAD_DEFAULTS, ...patch.turn_detection };
      return { session: merged };
    },
    view: (session): FakeSessionView => {
      const td = isRecord(session.turn_detection) ? session.turn_detection : null;
      return {
        inputEncoding: 'pcm16',
        inputRate: 16000,
        outputEncoding: 'pcm16',
        outputRate: 24000,
        modalities: (session.modalities as ('text' | 'audio')[] | undefined) ?? ['text', 'audio'],
        transcription: isRecord(session.input_audio_transcription),
        turnDetection: td && {
          prefixPaddingMs: (td.prefix_padding_ms as number | undefined) ?? 300,
          silenceDurationMs: (td.silence_duration_ms as number | undefined) ?? 800,
          createResponse: td.create_response !== false,
          interruptResponse: td.interrupt_response !== false,
        },
      };
    },
    wireSession: (session) => session,
    toWire: (event) => {
      const { session, ...rest } = event;
      const wire = serverEventToBeta(rest as unknown as OpenAIServerEvent);
      return session === undefined ? wire : { ...wire, session };
    },
    errors: {
      rateLimit: {
        type: 'rate_limit_exceeded',
        code: 'Throttling.RateQuota',
        message: 'Requests rate limit exceeded, please try again later.',
      },
      auth: {
        type: 'invalid_request_error',
        code: 'InvalidApiKey',
        message: 'Invalid API-key provided.',
        closeCode: 1008,
        closeReason: 'InvalidApiKey',
      },
      quota: {
        type: 'invalid_request_error',
        code: 'Arrearage',
        message: 'Access denied, please make sure your account is in good standing.',
        closeCode: 1008,
        closeReason: 'Arrearage',
      },
      idleClose: { code: 1000, reason: 'idle timeout' },
      sessionCap: { error: undefined, code: 1000, reason: 'session duration limit reached' },
    },
    omitResponseDoneAfterCancel: options.omitResponseDoneAfterCancel ?? false,
    imageInput: true,
  };
}

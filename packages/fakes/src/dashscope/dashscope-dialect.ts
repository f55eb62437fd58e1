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

/** The one output format each model takes (docs; AgentScope v1 for qwen-omni-turbo-realtime). */
function outputFormatOf(model: unknown): 'pcm24' | 'pcm16' {
  return typeof model === 'string' && model.startsWith('qwen-omni-turbo-realtime') ? 'pcm16' : 'pcm24';
}

/** The largest image the fake takes: the docs' 500 KB, read as 500,000 bytes. */
const MAX_IMAGE_BYTES = 500_000;

/** What the DashScope fake does where no public source says what the service does. */
export interface DashScopeDialectOptions {
  /**
   * Reported, unverified: send no `response.done` after `response.cancel`. Default false (assumed:
   * the documented OpenAI-style behaviour).
   */
  readonly omitResponseDoneAfterCancel?: boolean;
  /**
   * How the socket ends after a fatal error event (bad key, arrears). Assumed, no public source:
   * a 1008 close (default); `1000` closes normally instead, so both behaviours can be tested.
   */
  readonly fatalErrorCloseCode?: 1008 | 1000;
  /** Answer `session.finish` with `session.finished` (default true; false tests the bounded wait). */
  readonly answerSessionFinish?: boolean;
}

/** DashScope Qwen-Omni realtime; `omitResponseDoneAfterCancel` reproduces the reported quirk. */
export function dashscopeDialect(options: DashScopeDialectOptions = {}): FakeDialect {
  const fatalClose = options.fatalErrorCloseCode ?? 1008;
  return {
    provider: 'dashscope',
    intercept: (event, io) => {
      if (event.type === 'session.finish') {
        if (options.answerSessionFinish !== false) io.reply({ type: 'session.finished' });
        return true;
      }
      if (event.type === 'input_image_buffer.append') {
        // Unverified: the wording of these refusals; the rules are the docs' (JPEG only, 500 KB).
        const bytes = Buffer.from(String(event.image), 'base64');
        if (!(bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)) {
          io.refuse('Invalid image: only JPEG (JPG) images are supported.', 'image', 'invalid_value');
          return true;
        }
        if (bytes.length > MAX_IMAGE_BYTES) {
          io.refuse('Invalid image: the image must be at most 500 KB.', 'image', 'invalid_value');
          return true;
        }
      }
      return false;
    },
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
      voice: outputFormatOf(model) === 'pcm16' ? 'Chelsie' : 'Cherry',
      input_audio_format: 'pcm16',
      output_audio_format: outputFormatOf(model || 'qwen3-omni-flash-realtime'),
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
      const format = patch.output_audio_format;
      const allowed = outputFormatOf(current.model);
      if (format !== undefined && format !== allowed && format !== 'pcm') {
        // Unverified: the wording; the rule (one output format per model) is the docs'.
        return {
          error: {
            type: 'invalid_request_error',
            code: 'invalid_value',
            message: `Invalid output_audio_format: ${JSON.stringify(format)}. ${String(current.model)} supports '${allowed}'.`,
            param: 'session.output_audio_format',
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
        outputRate: outputFormatOf(session.model) === 'pcm16' ? 16000 : 24000,
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
        closeCode: fatalClose,
        closeReason: 'InvalidApiKey',
      },
      quota: {
        type: 'invalid_request_error',
        code: 'Arrearage',
        message: 'Access denied, please make sure your account is in good standing.',
        closeCode: fatalClose,
        closeReason: 'Arrearage',
      },
      idleClose: { code: 1000, reason: 'idle timeout' },
      sessionCap: { error: undefined, code: 1000, reason: 'session duration limit reached' },
    },
    omitResponseDoneAfterCancel: options.omitResponseDoneAfterCancel ?? false,
    imageInput: true,
  };
}

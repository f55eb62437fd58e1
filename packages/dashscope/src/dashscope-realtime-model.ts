import type { ModelCapabilities, SessionConfig } from '@chorus/core';
import { type SocketModelTiming, SocketRealtimeModel, type WireDialect, type WireJson } from '@chorus/openai';
import {
  DASHSCOPE_INPUT_RATE,
  DASHSCOPE_OUTPUT_RATE,
  parseDashScopeServerEvent,
} from '@chorus/protocol/dashscope';
import {
  clientEventToBeta,
  gaServerEventType,
  type OpenAIClientEvent,
  type OpenAIServerEvent,
  type ProviderParseResult,
} from '@chorus/protocol/openai';
import { dashscopeSession } from './dashscope-session.js';

/** Where and how to reach DashScope's Qwen-Omni realtime service. */
export interface DashScopeRealtimeOptions extends SocketModelTiming {
  /** API key, sent as `Authorization: Bearer`. Default: `DASHSCOPE_API_KEY`. */
  readonly apiKey?: string;
  /** Model (default `qwen3-omni-flash-realtime`). */
  readonly model?: string;
  /** `cn` (dashscope.aliyuncs.com, default) or `intl` (dashscope-intl.aliyuncs.com). */
  readonly region?: 'cn' | 'intl';
  /** The full WebSocket URL (a proxy or a local fake); overrides `region` and `model`. */
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Whether the model takes function tools (default true); when false, `capabilities.tools` says so. */
  readonly tools?: boolean;
  /** How long to wait for `response.done` after `response.cancel` before assuming it (default 2 s). */
  readonly cancelDoneTimeoutMs?: number;
  /** The session cap to renew before (default 120 min). */
  readonly sessionCapMs?: number;
}

const CAP_MS = 120 * 60_000;

/** DashScope frames renamed to GA event names, so the shared OpenAI-style mapping applies. */
function parseAsGA(raw: unknown): ProviderParseResult<OpenAIServerEvent> {
  const result = parseDashScopeServerEvent(raw);
  if (!result.ok || result.unknown) return result;
  const event = {
    ...result.event,
    type: gaServerEventType(result.event.type),
  } as unknown as OpenAIServerEvent;
  return { ok: true, unknown: false, event, dialect: 'beta' };
}

/** The DashScope wire dialect. */
export function dashscopeDialect(options: DashScopeRealtimeOptions = {}): WireDialect {
  const apiKey = options.apiKey ?? process.env.DASHSCOPE_API_KEY ?? '';
  const model = options.model ?? 'qwen3-omni-flash-realtime';
  const host = options.region === 'intl' ? 'dashscope-intl.aliyuncs.com' : 'dashscope.aliyuncs.com';
  const tools = options.tools ?? true;
  const capabilities: ModelCapabilities = {
    tools,
    truncation: false,
    imageInput: true,
    textInput: true,
    serverVad: true,
    inputFormats: [{ type: 'audio/pcm', rate: DASHSCOPE_INPUT_RATE }],
    outputFormat: { type: 'audio/pcm', rate: DASHSCOPE_OUTPUT_RATE },
  };
  return {
    provider: 'dashscope',
    capabilities,
    url: () => options.url ?? `wss://${host}/api-ws/v1/realtime?model=${encodeURIComponent(model)}`,
    headers: () => ({ ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}), ...options.headers }),
    providerInputFormat: () => ({ type: 'audio/pcm', rate: DASHSCOPE_INPUT_RATE }),
    providerOutputFormat: () => ({ type: 'audio/pcm', rate: DASHSCOPE_OUTPUT_RATE }),
    sessionPayload: (session: SessionConfig, history) =>
      dashscopeSession(session, { tools, ...(history ? { history } : {}) }) as WireJson,
    parseServer: parseAsGA,
    encodeClient: (event) => clientEventToBeta(event as unknown as OpenAIClientEvent),
    imageEvent: (base64) => ({ type: 'input_image_buffer.append', image: base64 }),
    updateAfterCreated: true,
    replay: 'instructions',
    sessionCapMs: options.sessionCapMs ?? CAP_MS,
    cancelDoneTimeoutMs: options.cancelDoneTimeoutMs ?? 2000,
  };
}

/**
 * DashScope Qwen-Omni realtime as a Chorus `RealtimeModel`: 16 kHz PCM in, 24 kHz PCM out (resampled
 * from and to whatever the session uses), server VAD or none, tools, images via
 * `input_image_buffer.append`, cancel that tolerates a missing `response.done`, resumption by folding
 * the conversation into the instructions, and renewal before the 120-minute cap.
 */
export class DashScopeRealtimeModel extends SocketRealtimeModel {
  constructor(options: DashScopeRealtimeOptions = {}) {
    super(dashscopeDialect(options), options);
  }
}

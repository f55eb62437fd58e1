import {
  type ConnectOptions,
  type ModelCapabilities,
  ModelConnectError,
  type ModelInput,
  type SessionConfig,
} from '@chorus/core/provider';
import {
  type SocketModelTiming,
  SocketRealtimeModel,
  type WireDialect,
  type WireJson,
} from '@chorus/openai/socket';
import { DASHSCOPE_INPUT_RATE, parseDashScopeServerEvent } from '@chorus/protocol/dashscope';
import {
  clientEventToBeta,
  gaServerEventType,
  type OpenAIClientEvent,
  type OpenAIServerEvent,
  type ProviderParseResult,
  readOpenAIAudioDelta,
} from '@chorus/protocol/openai';
import { dashscopeModelSpec } from './dashscope-models.js';
import { dashscopeSession } from './dashscope-session.js';
import { imageRefusal } from './image-input.js';

/** Where and how to reach DashScope's Qwen-Omni realtime service. */
export interface DashScopeRealtimeOptions extends SocketModelTiming {
  /** API key, sent as `Authorization: Bearer`. Default: `DASHSCOPE_API_KEY`. */
  readonly apiKey?: string;
  /** Model (default `qwen3-omni-flash-realtime`); it decides the output audio format. */
  readonly model?: string;
  /** `cn` (dashscope.aliyuncs.com, default) or `intl` (dashscope-intl.aliyuncs.com). */
  readonly region?: 'cn' | 'intl';
  /** The full WebSocket URL (a proxy or a local fake); overrides `region` (the model is still `model`). */
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Unverified opt-in (default false): send `tools` in `session.update` and tool results as
   * `conversation.item.create` `function_call_output` items. DashScope documents neither for
   * qwen3-omni-flash-realtime and AgentScope marks it `support_tools = False`; without this an agent
   * with tools fails at start with a capability error.
   */
  readonly tools?: boolean;
  /**
   * Unverified opt-in (default false): send typed text as `conversation.item.create` `input_text`
   * items. DashScope's documented client events have no text input (its Python SDK has `create_item`);
   * without this, text input is refused with a clear `model_error`.
   */
  readonly textItems?: boolean;
  /** How long to wait for `response.done` after `response.cancel` before assuming it (default 2 s). */
  readonly cancelDoneTimeoutMs?: number;
  /** How long `close()` waits for `session.finished` after `session.finish` (default 2 s). */
  readonly finishTimeoutMs?: number;
  /** The session cap to renew before (default 120 min). */
  readonly sessionCapMs?: number;
}

const CAP_MS = 120 * 60_000;
const DEFAULT_MODEL = 'qwen3-omni-flash-realtime';

/**
 * DashScope frames renamed to GA event names, so the shared OpenAI-style mapping applies. The
 * documented failed-transcription event has no `event_id` and an error without `type`: they are
 * filled in here so the shared mapping reads it.
 */
function parseAsGA(raw: unknown): ProviderParseResult<OpenAIServerEvent> {
  const result = parseDashScopeServerEvent(raw);
  if (!result.ok || result.unknown) return result;
  let event: Record<string, unknown> = { ...result.event, type: gaServerEventType(result.event.type) };
  if (result.event.type === 'conversation.item.input_audio_transcription.failed') {
    const error = result.event.error;
    event = {
      ...event,
      event_id: result.event.event_id ?? '',
      content_index: result.event.content_index ?? 0,
      error: { ...error, type: error.type ?? 'transcription_error', message: error.message ?? undefined },
    };
  }
  return { ok: true, unknown: false, event: event as unknown as OpenAIServerEvent, dialect: 'beta' };
}

/** The DashScope wire dialect. */
export function dashscopeDialect(options: DashScopeRealtimeOptions = {}): WireDialect {
  const apiKey = options.apiKey ?? process.env.DASHSCOPE_API_KEY ?? '';
  const model = options.model ?? DEFAULT_MODEL;
  const spec = dashscopeModelSpec(model);
  const host = options.region === 'intl' ? 'dashscope-intl.aliyuncs.com' : 'dashscope.aliyuncs.com';
  const tools = options.tools ?? false;
  const output = { type: 'audio/pcm' as const, rate: spec.outputRate };
  const capabilities: ModelCapabilities = {
    tools,
    truncation: false,
    imageInput: true,
    textInput: options.textItems ?? false,
    serverVad: true,
    inputFormats: [{ type: 'audio/pcm', rate: DASHSCOPE_INPUT_RATE }],
    outputFormat: output,
  };
  return {
    provider: 'dashscope',
    capabilities,
    url: () => options.url ?? `wss://${host}/api-ws/v1/realtime?model=${encodeURIComponent(model)}`,
    headers: () => ({ ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}), ...options.headers }),
    providerInputFormat: () => ({ type: 'audio/pcm', rate: DASHSCOPE_INPUT_RATE }),
    providerOutputFormat: () => output,
    sessionPayload: (session: SessionConfig, history) =>
      dashscopeSession(session, { tools, spec, ...(history ? { history } : {}) }) as WireJson,
    parseServer: parseAsGA,
    // Its audio deltas are OpenAI's beta frames; any other shape goes to `parseAsGA`.
    readAudioDelta: readOpenAIAudioDelta,
    encodeClient: (event) => clientEventToBeta(event as unknown as OpenAIClientEvent),
    imageEvent: (base64) => ({ type: 'input_image_buffer.append', image: base64 }),
    updateAfterCreated: true,
    replay: 'instructions',
    sessionCapMs: options.sessionCapMs ?? CAP_MS,
    cancelDoneTimeoutMs: options.cancelDoneTimeoutMs ?? 2000,
  };
}

/**
 * DashScope Qwen-Omni realtime as a Chorus `RealtimeModel`: 16 kHz PCM in, the model's own output
 * (24 kHz `pcm24` for qwen3-omni-flash-realtime, 16 kHz `pcm16` for qwen-omni-turbo-realtime),
 * resampled from and to whatever the session uses; server VAD or none; JPEG images after audio; a
 * cancel that works with or without the `response.done` that should follow; resumption by folding
 * the conversation into the instructions; renewal before the 120-minute cap; and a close that ends
 * the session with `session.finish`, as the official SDK does. Only documented client events are
 * sent unless `tools` or `textItems` opt in to the OpenAI item shapes.
 */
export class DashScopeRealtimeModel extends SocketRealtimeModel {
  private readonly toolsEnabled: boolean;
  private readonly textItems: boolean;
  private readonly finishTimeoutMs: number;
  /** Audio went out in this session: DashScope takes images only after it. */
  private audioSent = false;
  private finishing: Promise<void> | undefined;

  constructor(options: DashScopeRealtimeOptions = {}) {
    super(dashscopeDialect(options), options);
    this.toolsEnabled = options.tools ?? false;
    this.textItems = options.textItems ?? false;
    this.finishTimeoutMs = options.finishTimeoutMs ?? 2000;
  }

  override async connect(session: SessionConfig, options?: ConnectOptions): Promise<void> {
    if (session.tools.length > 0 && !this.toolsEnabled) {
      const names = session.tools.map((tool) => tool.name).join(', ');
      throw new ModelConnectError(
        'tools_unsupported',
        `DashScope Qwen-Omni realtime documents no function calling (AgentScope: support_tools = False), but this agent has ${session.tools.length} tool(s): ${names}. Remove them, or opt in with new DashScopeRealtimeModel({ tools: true }) (unverified).`,
        { fatal: true },
      );
    }
    this.audioSent = false;
    await super.connect(session, options);
  }

  override send(input: ModelInput): void {
    switch (input.type) {
      case 'audio':
        this.audioSent = true;
        break;
      case 'text':
        if (!this.textItems) {
          this.reportInputError(
            'text_input_unsupported',
            "dashscope: text input is not in DashScope's documented client events; speak instead, or opt in with new DashScopeRealtimeModel({ textItems: true }) (unverified)",
          );
          return;
        }
        break;
      case 'tool_result':
        if (!this.toolsEnabled) {
          this.reportInputError(
            'tools_unsupported',
            `dashscope: tool result for ${input.name} not sent: DashScope documents no function calling (opt in with { tools: true }, unverified)`,
          );
          return;
        }
        break;
      case 'image': {
        const refusal = imageRefusal(input.image, input.mimeType, this.audioSent);
        if (refusal) {
          this.reportInputError('invalid_image', `dashscope: ${refusal}`);
          return;
        }
        break;
      }
    }
    super.send(input);
  }

  override updateSession(patch: Partial<SessionConfig>): void {
    if (patch.tools && patch.tools.length > 0 && !this.toolsEnabled) {
      this.reportInputError(
        'tools_unsupported',
        "dashscope: the session update's tools were left out: DashScope documents no function calling (opt in with { tools: true }, unverified)",
      );
      super.updateSession({ ...patch, tools: [] });
      return;
    }
    super.updateSession(patch);
  }

  /** Ends the session with `session.finish` and waits (bounded) for `session.finished`, then closes. */
  override async close(): Promise<void> {
    this.finishing ??= this.finish();
    await this.finishing;
    await super.close();
  }

  private finish(): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: unknown;
      const done = () => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        subscription.unsubscribe();
        resolve();
      };
      const subscription = this.events$.subscribe({
        next: (event) => {
          const type = event.type === 'model_raw' ? (event.event as { type?: unknown }).type : undefined;
          if (type === 'session.finished' || event.type === 'model_session_ended') done();
        },
        complete: done,
      });
      if (!this.sendProviderEvent({ type: 'session.finish' })) {
        done();
        return;
      }
      timer = this.clock.setTimeout(done, this.finishTimeoutMs);
    });
  }
}

import type { ModelCapabilities, SessionConfig } from '@chorus/core/provider';
import {
  clientEventToBeta,
  type OpenAIClientEvent,
  parseOpenAIServerEvent,
  readOpenAIAudioDelta,
  sessionToBeta,
} from '@chorus/protocol/openai';
import { openaiSession, openaiWireFormat } from './openai-session.js';
import { type SocketModelTiming, SocketRealtimeModel } from './socket-realtime-model.js';
import type { WireDialect, WireJson } from './wire-dialect.js';

/** Where and how to reach OpenAI Realtime. */
export interface OpenAIRealtimeOptions extends SocketModelTiming {
  /** API key, sent as `Authorization: Bearer`. Default: `OPENAI_API_KEY`. */
  readonly apiKey?: string;
  /** Model name for the default URL (default `gpt-realtime`). */
  readonly model?: string;
  /**
   * The full WebSocket URL, for Azure-style deployments, proxies or a local fake. Default
   * `wss://api.openai.com/v1/realtime?model=<model>`.
   */
  readonly url?: string;
  /**
   * Speak the beta dialect (flat session, beta event names, `OpenAI-Beta: realtime=v1`), for older
   * deployments and Azure's preview endpoints.
   */
  readonly beta?: boolean;
  /** Extra upgrade headers (e.g. Azure's `api-key`); they override the defaults. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The session cap to renew before (default 60 min GA, 30 min beta). */
  readonly sessionCapMs?: number;
}

const GA_CAP_MS = 60 * 60_000;
const BETA_CAP_MS = 30 * 60_000;

const CAPABILITIES: ModelCapabilities = {
  tools: true,
  truncation: true,
  imageInput: true,
  textInput: true,
  serverVad: true,
  responseInput: true,
  inputFormats: [
    { type: 'audio/pcm', rate: 24000 },
    { type: 'audio/pcmu', rate: 8000 },
    { type: 'audio/pcma', rate: 8000 },
  ],
  outputFormat: { type: 'audio/pcm', rate: 24000 },
};

/** The OpenAI wire dialect (GA, or beta when `options.beta`). */
export function openaiDialect(options: OpenAIRealtimeOptions = {}): WireDialect {
  const beta = options.beta === true;
  const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY ?? '';
  const model = options.model ?? 'gpt-realtime';
  return {
    provider: 'openai',
    capabilities: CAPABILITIES,
    url: () => options.url ?? `wss://api.openai.com/v1/realtime?model=${encodeURIComponent(model)}`,
    headers: () => ({
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
      ...(beta ? { 'OpenAI-Beta': 'realtime=v1' } : {}),
      ...options.headers,
    }),
    providerInputFormat: (session: SessionConfig) => openaiWireFormat(session.inputAudioFormat),
    providerOutputFormat: (session: SessionConfig) => openaiWireFormat(session.outputAudioFormat),
    sessionPayload: (session: SessionConfig) => {
      const ga = openaiSession(session);
      if (!beta) return ga;
      const flat = sessionToBeta(ga);
      // Beta takes both modalities together (audio implies text).
      if (session.modalities.includes('audio')) flat.modalities = ['text', 'audio'];
      return flat;
    },
    parseServer: parseOpenAIServerEvent,
    readAudioDelta: readOpenAIAudioDelta,
    encodeClient: (event) =>
      beta ? clientEventToBeta(event as unknown as OpenAIClientEvent) : (event as WireJson),
    imageEvent: (base64, mimeType) => ({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_image', image_url: `data:${mimeType};base64,${base64}` }],
      },
    }),
    updateAfterCreated: false,
    replay: 'items',
    sessionCapMs: options.sessionCapMs ?? (beta ? BETA_CAP_MS : GA_CAP_MS),
    cancelDoneTimeoutMs: undefined,
  };
}

/**
 * OpenAI Realtime as a Chorus `RealtimeModel`: GA by default, beta or Azure-style endpoints through
 * `{ url, beta: true, headers }`. Resamples to and from 24 kHz PCM (G.711 passes through), maps every
 * event, streams tool arguments, truncates at the heard position, renews the session before the
 * 60-minute cap and detects dead sockets by ping/pong.
 *
 * @example
 * ```ts
 * const model = new OpenAIRealtimeModel({ apiKey: process.env.OPENAI_API_KEY });
 * await model.connect(sessionConfig);
 * model.events$.subscribe((event) => console.log(event.type));
 * ```
 */
export class OpenAIRealtimeModel extends SocketRealtimeModel {
  constructor(options: OpenAIRealtimeOptions = {}) {
    super(openaiDialect(options), options);
  }
}

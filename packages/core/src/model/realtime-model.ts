import type { AudioFormat, ErrorCode, ModelEvent } from '@chorus/protocol';
import type { Observable } from 'rxjs';
import type { ChorusClock } from '../clock.js';

/**
 * The provider interface every realtime model implements: the scripted model for tests, the embedded
 * local model, and the OpenAI, Gemini and DashScope adapters.
 *
 * One `RealtimeModel` instance owns at most one provider connection at a time. It does not retry by
 * itself: the model-connection actor in this package decides when to connect again (backoff, jitter,
 * fatal errors) and calls `connect` once per attempt, passing what the adapter needs to resume.
 */
export interface RealtimeModel {
  /** A short provider name for logs and metrics, e.g. `openai`, `gemini`, `local`, `scripted`. */
  readonly provider: string;
  /** What this model can do; the agent reports unsupported input clearly instead of dropping it. */
  readonly capabilities: ModelCapabilities;
  /**
   * Every model event, in provider order, for the lifetime of the instance (across reconnects).
   * Completes when `close()` has finished. Audio deltas travel here too, never into an actor: typed
   * as base64 text, but an adapter that holds the audio as bytes emits them as bytes
   * (`modelAudioDeltaFromBytes` from `@chorus/protocol`), whose base64 is made only if something
   * reads `delta`; the agent and the gateway pass the bytes on (`audioDeltaBytes`).
   */
  readonly events$: Observable<ModelEvent>;
  /**
   * Opens one connection with this session. Resolves once the provider accepted the session
   * (e.g. OpenAI `session.updated`, Gemini `setupComplete`). Rejects with a {@link ModelConnectError}.
   * After an unexpected drop the model emits `model_session_ended` (with `retryable`) and waits for
   * the connection actor to call `connect` again, with `resume` filled in.
   */
  connect(session: SessionConfig, options?: ConnectOptions): Promise<void>;
  /** Sends user input. Called only while connected; the connection actor buffers input otherwise. */
  send(input: ModelInput): void;
  /** Asks the model to respond now (for text turns, or when turn detection is off). */
  createResponse(options?: ResponseOptions): void;
  /** Cancels the response in progress, if any. Idempotent. */
  cancelResponse(): void;
  /**
   * Cuts the model's copy of an assistant item to what the listener really heard, so the model's
   * context matches the conversation. Models without `capabilities.truncation` ignore it.
   */
  truncate(itemId: string, audioEndMs: number): void;
  /** Changes the session in place on the same connection (handoffs swap instructions/tools/voice). */
  updateSession(patch: Partial<SessionConfig>): void;
  /**
   * Brings the model's copy of the conversation in line with an edit of the agent's history
   * (`RealtimeAgent.updateHistory`). Optional: without it the agent sends appended messages as
   * input and reports the rest as not applied until the next reconnect replays the history.
   */
  updateHistory?(change: HistoryChange): void;
  /** Closes the connection for good; `events$` completes afterwards. */
  close(): Promise<void>;
}

export interface ModelCapabilities {
  /** Function calling. */
  readonly tools: boolean;
  /** `truncate` really shortens the model's copy of an item. */
  readonly truncation: boolean;
  /** Image input via `send({ type: 'image' })`. */
  readonly imageInput: boolean;
  /** `createResponse` honours `input` (a per-response context) and `tools`/`toolChoice`. */
  readonly responseInput?: boolean;
  /** Text input via `send({ type: 'text' })`. */
  readonly textInput: boolean;
  /** The model detects turns from the audio itself (server VAD). */
  readonly serverVad: boolean;
  /** Input audio formats the model accepts without conversion. */
  readonly inputFormats: readonly AudioFormat[];
  /** The format of `model_response_audio_delta` payloads. */
  readonly outputFormat: AudioFormat;
  /**
   * The model speaks `ResponseOptions.say` word for word (it has its own speech synthesizer).
   * Without it the agent asks for the line through instructions, and the model's voice may vary it.
   */
  readonly verbatimSpeech?: boolean;
}

/** A tool as the model sees it: a name, a description and a JSON Schema for the arguments. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchema;
}

export type JsonSchema = { readonly [key: string]: unknown };

/** OpenAI `server_vad` semantics, which the local VAD implements and the adapters translate. */
export interface TurnDetection {
  readonly type: 'server_vad' | 'semantic_vad' | 'none';
  readonly threshold?: number;
  readonly prefixPaddingMs?: number;
  readonly silenceDurationMs?: number;
  /** Start a response automatically when the user stops speaking (default true). */
  readonly createResponse?: boolean;
  /** Cancel the running response when the user starts speaking (default true). */
  readonly interruptResponse?: boolean;
  readonly eagerness?: 'low' | 'medium' | 'high' | 'auto';
}

export interface SessionConfig {
  readonly instructions: string;
  readonly tools: readonly ToolDefinition[];
  readonly voice?: string;
  readonly modalities: readonly ('audio' | 'text')[];
  readonly inputAudioFormat: AudioFormat;
  readonly outputAudioFormat: AudioFormat;
  readonly turnDetection: TurnDetection;
  readonly inputTranscription: boolean;
  /** Free-form provider options (model name, temperature, ...), passed through untouched. */
  readonly providerOptions?: { readonly [key: string]: unknown };
}

/** A conversation item as the agent's history holds it; what a reconnect replays. */
export type ConversationItem =
  | {
      readonly type: 'message';
      readonly id: string;
      readonly role: 'user' | 'assistant' | 'system';
      readonly text: string;
      readonly speaker?: string;
    }
  | {
      readonly type: 'function_call';
      readonly id: string;
      readonly callId: string;
      readonly name: string;
      readonly arguments: string;
    }
  | {
      readonly type: 'function_call_output';
      readonly id: string;
      readonly callId: string;
      readonly output: string;
    };

/**
 * An edit of the conversation, as a model applies it: `removed` ids go first (a replaced item's old
 * copy among them), then each `added` item goes after `previousItemId` (null: at the start), in
 * order. `history` is the conversation after the edit, for models that rebuild their context whole.
 */
export interface HistoryChange {
  readonly history: readonly ConversationItem[];
  readonly removed: readonly string[];
  readonly added: readonly { readonly item: ConversationItem; readonly previousItemId: string | null }[];
}

export interface ConnectOptions {
  /**
   * Set on every attempt after the first, and on the first when the agent was seeded with prior
   * history: what the adapter needs to pick the conversation up again.
   */
  readonly resume?: {
    /** The conversation so far, with truncations applied; adapters that cannot resume natively replay it. */
    readonly history: readonly ConversationItem[];
    /** The attempt number, from 1; 0 for a first connection that starts from seeded history. */
    readonly attempt: number;
  };
  readonly signal?: AbortSignal;
  /**
   * The clock of the room or agent that owns this connection. An adapter runs every timer of the
   * connection on it (setup and ping timeouts, renewal, pacing) and reads time from it, so one
   * simulated clock drives the whole stack in tests. Absent: the clock the model was built with,
   * or real time.
   */
  readonly clock?: ChorusClock;
}

export interface ResponseOptions {
  /** Extra instructions for this response only (e.g. guardrail feedback). */
  readonly instructions?: string;
  /** Output modalities for this response only (default: the session's). */
  readonly modalities?: readonly ('audio' | 'text')[];
  /**
   * `none`: an out-of-band response the model keeps out of its conversation (models that cannot
   * keep it out answer in the conversation).
   */
  readonly conversation?: 'auto' | 'none';
  /**
   * A fixed line to speak word for word (`RealtimeAgent.say`, tool fillers, idle prompts). Models
   * with a speech synthesizer of their own (the local model) speak it exactly; realtime providers
   * get it as instructions to repeat it (see `verbatimInstructions`).
   */
  readonly say?: string;
  /**
   * The context this response sees instead of the conversation (`[]`: none). Models without
   * `capabilities.responseInput` cannot honour it; the agent refuses such a request.
   */
  readonly input?: readonly ConversationItem[];
  /** The tools offered for this response only, instead of the session's. */
  readonly tools?: readonly ToolDefinition[];
  /** How the model may use tools in this response only. */
  readonly toolChoice?: 'auto' | 'none' | 'required' | { readonly type: 'function'; readonly name: string };
}

/** What a client or another agent can send to a model. */
export type ModelInput =
  | { readonly type: 'audio'; readonly audio: Uint8Array; readonly format: AudioFormat }
  | { readonly type: 'audio_commit' }
  | { readonly type: 'audio_clear' }
  | {
      readonly type: 'text';
      readonly text: string;
      /** `assistant` seeds the model's context with words it said (a resumed conversation). */
      readonly role?: 'user' | 'system' | 'assistant';
      readonly speaker?: string;
    }
  | { readonly type: 'image'; readonly image: Uint8Array; readonly mimeType: string }
  | {
      readonly type: 'tool_result';
      readonly callId: string;
      readonly name: string;
      readonly output: string;
      readonly isError?: boolean;
    };

/** Why `connect` failed; `fatal` errors (bad key, quota, billing) are never retried. */
export class ModelConnectError extends Error {
  readonly code: ErrorCode;
  readonly fatal: boolean;
  constructor(code: ErrorCode, message: string, options: { fatal: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'ModelConnectError';
    this.code = code;
    this.fatal = options.fatal;
  }
}

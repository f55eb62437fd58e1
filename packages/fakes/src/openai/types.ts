/** A JSON object as the fakes send and record it. */
export type Json = { [key: string]: unknown };

/** One tool call a scripted response makes. */
export interface FakeToolCall {
  readonly name: string;
  /** The JSON argument text; streamed in `argumentChunks` deltas. */
  readonly arguments: string;
  readonly callId?: string;
  readonly argumentChunks?: number;
}

/** What a fake says for one response. */
export interface FakeResponseScript {
  /** Words spoken (audio modality: transcript, one audio chunk per word) or written (text modality). */
  readonly text?: string;
  /** Audio chunks to send instead of one tone chunk per word (already in the output format). */
  readonly audio?: readonly Uint8Array[];
  /** Length of each generated tone chunk in ms (default 100). */
  readonly chunkMs?: number;
  readonly toolCalls?: readonly FakeToolCall[];
  /** Stop after this many audio/text chunks until the response is cancelled or `release()` is called. */
  readonly pauseAfterChunks?: number;
  /** Inject a fault after this many chunks (e.g. a drop mid-response). */
  readonly fault?: { readonly afterChunks: number; readonly fault: FakeFault };
}

/** What a responder is told when a response starts. */
export interface FakeResponseRequest {
  readonly connectionId: number;
  /** The conversation so far, GA item shapes. */
  readonly conversation: readonly Json[];
  /** The text of the last user message (typed or transcribed), if any. */
  readonly lastUserText: string | undefined;
  /** `response.create{response}` options, if the client sent any. */
  readonly options: Json | undefined;
}

/** Faults the fakes can inject into a live connection. */
export type FakeFault =
  /** Destroys the TCP socket without a close frame (a network drop). */
  | { readonly type: 'drop' }
  /** Closes with a code, e.g. 1011 (server error). */
  | { readonly type: 'close'; readonly code: number; readonly reason?: string }
  /** Sends a frame that is not JSON. */
  | { readonly type: 'malformed' }
  /** Sends the provider's rate-limit error. */
  | { readonly type: 'rate_limit' }
  /** Sends the provider's fatal auth error and closes (a key revoked mid-session). */
  | { readonly type: 'auth' }
  /** Sends an exhausted-quota error and closes. */
  | { readonly type: 'quota' }
  /** Closes the way the provider's idle timeout does. */
  | { readonly type: 'idle_close' }
  /** Sends one server frame as given (an `event_id` is added), e.g. a `response.done` that comes late. */
  | { readonly type: 'frame'; readonly frame: Readonly<Record<string, unknown>> };

/** One frame a fake received or sent, in arrival order. */
export interface FakeFrame {
  readonly connectionId: number;
  /** The frame text exactly as it crossed the wire. */
  readonly raw: string;
  /** The parsed JSON, or undefined for a frame that did not parse. */
  readonly event: Json | undefined;
}

/** Options common to the OpenAI and DashScope fakes. */
export interface FakeServerOptions {
  /** The key the fake accepts (default `test-key`). */
  readonly apiKey?: string;
  /** Chooses each response; the default answers with queued scripts, then `{ text: 'Hello there.' }`. */
  readonly responder?: (request: FakeResponseRequest) => FakeResponseScript;
  /** What the fake "heard" in a committed audio turn (default `hello`). */
  readonly transcriber?: (audioMs: number, connectionId: number) => string;
  /** RMS (0..1) at which a 10 ms frame counts as speech (default 0.02). */
  readonly vadEnergyThreshold?: number;
  /** Delay every pong by this long (a slow-pong fault); 0 answers at once. */
  readonly pongDelayMs?: number;
  /** Close a connection after this long without a client frame (pings do not count). */
  readonly idleTimeoutMs?: number;
  /**
   * OpenAI fake: serve the beta shape (`OpenAI-Beta: realtime=v1`), as Azure-style deployments still
   * do. By default the fake refuses it the way api.openai.com does (`beta_api_shape_disabled`, close 4000).
   */
  readonly acceptBeta?: boolean;
  /** Close a connection after this long, as the provider's session cap does. */
  readonly sessionCapMs?: number;
}

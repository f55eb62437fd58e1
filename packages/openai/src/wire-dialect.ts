import type { ConversationItem, ModelCapabilities, SessionConfig } from '@chorus/core/provider';
import type { AudioFormat } from '@chorus/protocol';
import type { OpenAIAudioDeltaFrame, OpenAIServerEvent, ProviderParseResult } from '@chorus/protocol/openai';

/** A JSON object as sent on the wire. */
export type WireJson = { [key: string]: unknown };

/**
 * What differs between providers that speak an OpenAI-style realtime protocol (OpenAI GA, OpenAI
 * beta and Azure-style deployments, DashScope). The socket, event mapping, tools, interruption,
 * reconnection and renewal logic is shared; a dialect supplies the wire details.
 */
export interface WireDialect {
  /** Provider name for events and logs (`openai`, `dashscope`). */
  readonly provider: string;
  readonly capabilities: ModelCapabilities;
  /** The WebSocket URL to open. */
  url(): string;
  /** Headers of the upgrade request (auth, beta flags). */
  headers(): Record<string, string>;
  /** The audio format the provider takes in, given what the client sends. */
  providerInputFormat(session: SessionConfig): AudioFormat;
  /** The audio format the provider sends out, given what the client wants. */
  providerOutputFormat(session: SessionConfig): AudioFormat;
  /**
   * The `session` object of `session.update` (already in the wire dialect). `history` is set when
   * the dialect replays context through the instructions rather than as items.
   */
  sessionPayload(session: SessionConfig, history?: readonly ConversationItem[]): WireJson;
  /** Parses a server frame into a GA-named event (never throws). */
  parseServer(raw: unknown): ProviderParseResult<OpenAIServerEvent>;
  /**
   * Reads an audio delta frame straight into bytes, without parsing it into objects; undefined for
   * any other frame, or one of a shape it does not take, which then goes to `parseServer`. Absent:
   * every frame goes to `parseServer`.
   */
  readAudioDelta?(frame: Uint8Array): OpenAIAudioDeltaFrame | undefined;
  /** Writes a GA-named client event in the wire dialect. */
  encodeClient(event: WireJson & { type: string }): WireJson;
  /** The client event carrying an image, or undefined when the provider takes none. */
  imageEvent(base64: string, mimeType: string): (WireJson & { type: string }) | undefined;
  /** Send `session.update` only after `session.created` (DashScope) rather than on open (OpenAI). */
  readonly updateAfterCreated: boolean;
  /** How a resumed session gets its context back: as conversation items, or inside the instructions. */
  readonly replay: 'items' | 'instructions';
  /** The provider's session cap in ms (OpenAI 60 min, DashScope 120 min). */
  readonly sessionCapMs: number;
  /**
   * When set, a `response.cancel` not followed by `response.done` within this many ms is treated as
   * done (DashScope is reported to omit it).
   */
  readonly cancelDoneTimeoutMs: number | undefined;
}

import type { IncomingMessage } from 'node:http';
import type { FakeAudioEncoding } from './energy-vad.js';
import type { Json } from './types.js';

/** The session facts the fake's behaviour depends on, whatever the provider's session shape. */
export interface FakeSessionView {
  readonly inputEncoding: FakeAudioEncoding;
  readonly inputRate: number;
  readonly outputEncoding: FakeAudioEncoding;
  readonly outputRate: number;
  readonly modalities: readonly ('text' | 'audio')[];
  readonly transcription: boolean;
  readonly turnDetection: {
    readonly prefixPaddingMs: number;
    readonly silenceDurationMs: number;
    readonly createResponse: boolean;
    readonly interruptResponse: boolean;
  } | null;
}

/** A provider error as the fake sends it in an `error` event. */
export interface FakeErrorSpec {
  readonly type: string;
  readonly code: string | null;
  readonly message: string;
  readonly param?: string | null;
}

/** How a connection attempt with a bad key is answered. */
export type FakeAuthFailure =
  | { readonly kind: 'http'; readonly status: number; readonly body: Json }
  | {
      readonly kind: 'event';
      readonly error: FakeErrorSpec;
      readonly closeCode: number;
      readonly closeReason: string;
    };

/** What a dialect's `intercept` may do with a client event. */
export interface FakeInterceptIO {
  /** Sends a server event (in the dialect's own names) with a fresh `event_id`. */
  reply(event: { type: string } & Json): void;
  /** Answers with an `invalid_request_error` naming the field. */
  refuse(message: string, param: string | null, code: string): void;
}

/** What differs between the OpenAI and DashScope fakes. */
export interface FakeDialect {
  readonly provider: 'openai' | 'dashscope';
  /** Provider-only client events and checks, before the shared handling; true when it handled the event. */
  readonly intercept?: (event: { type: string } & Json, io: FakeInterceptIO) => boolean;
  /** Whether this connection speaks beta names (OpenAI: `OpenAI-Beta: realtime=v1`; DashScope: always). */
  usesBetaNames(request: IncomingMessage): boolean;
  /** The key the request presents, if any. */
  presentedKey(request: IncomingMessage): string | undefined;
  authFailure(presented: string | undefined): FakeAuthFailure;
  /** The session as created, in the dialect's internal shape. */
  defaultSession(model: string, sessionId: string): Json;
  /** Parses a client frame: a known event, an unknown type, or an error naming the path. */
  parseClient(
    raw: string,
  ):
    | { ok: true; unknown: false; event: { type: string } & Json }
    | { ok: true; unknown: true; event: { type: string } & Json }
    | { ok: false; message: string; param: string | undefined };
  /** Merges a `session.update` into the session, or says why it is refused. */
  mergeSession(current: Json, patch: Json): { session: Json } | { error: FakeErrorSpec };
  view(session: Json): FakeSessionView;
  /** The session as it goes on the wire in `session.created/updated`. */
  wireSession(session: Json, beta: boolean): Json;
  /** Rewrites a GA-named server event for the wire. */
  toWire(event: { type: string } & Json, beta: boolean): Json;
  readonly errors: {
    readonly rateLimit: FakeErrorSpec;
    readonly auth: FakeErrorSpec & { readonly closeCode: number; readonly closeReason: string };
    readonly quota: FakeErrorSpec & { readonly closeCode: number; readonly closeReason: string };
    readonly idleClose: { readonly code: number; readonly reason: string };
    readonly sessionCap: {
      readonly error: FakeErrorSpec | undefined;
      readonly code: number;
      readonly reason: string;
    };
  };
  /** DashScope is reported to send no `response.done` after `response.cancel`. */
  readonly omitResponseDoneAfterCancel: boolean;
  /** `input_image_buffer.append` support (DashScope). */
  readonly imageInput: boolean;
}

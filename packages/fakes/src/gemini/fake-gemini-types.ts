import type { GeminiClientMessage, GeminiClientMessageKind } from '@chorus/protocol/gemini';
import type { FakeGeminiModel } from './fake-gemini-models.js';

/** One scripted model turn: what the fake says the next time the model has to answer. */
export interface FakeGeminiTurn {
  /** What the fake pretends to have heard when this turn is triggered by speech (sent as `inputTranscription`). */
  readonly inputTranscript?: string;
  /** The words of the answer: `outputTranscription` in audio sessions, `text` parts in text sessions. */
  readonly transcript?: string;
  /** Length of the spoken answer (24 kHz PCM16), split into `chunks` `inlineData` parts. Default 200 ms. */
  readonly audioMs?: number;
  /** How many audio chunks (and transcript pieces) the answer is sent as. Default 4. */
  readonly chunks?: number;
  /** Function calls the model makes first; the rest of the turn waits for their `toolResponse`. */
  readonly toolCalls?: readonly {
    readonly id?: string;
    readonly name: string;
    readonly args?: Record<string, unknown>;
  }[];
  /** What the model says after the tool responses arrived (default: a short acknowledgement). */
  readonly afterTools?: FakeGeminiTurn;
}

/** Failures the fake can produce, each one seen from real Gemini Live sessions. */
export type FakeGeminiFault =
  /** The next (or current) model turn stops after `afterChunks` audio chunks and the TCP socket dies without a close frame. */
  | { readonly type: 'drop_mid_response'; readonly afterChunks?: number }
  /** The next (or current) model turn stops after `afterChunks` chunks with a close frame (default 1011). */
  | {
      readonly type: 'close_mid_response';
      readonly afterChunks?: number;
      readonly code?: number;
      readonly reason?: string;
    }
  /**
   * Every open socket closes now (default 1011 "Internal error occurred."). With `loseSessions` the
   * handles issued so far stop resuming, as field reports show after 1011 "Deadline expired".
   */
  | {
      readonly type: 'close';
      readonly code?: number;
      readonly reason?: string;
      readonly loseSessions?: boolean;
    }
  /** Every open socket gets `goAway{timeLeft}` and is closed when the time is up. */
  | { readonly type: 'go_away'; readonly timeLeftMs: number }
  /** Pongs are delayed by `delayMs` from now on (`Infinity`: never answered). */
  | { readonly type: 'slow_pong'; readonly delayMs: number }
  /** Every open socket receives a frame that is not valid JSON (or the given one). */
  | { readonly type: 'malformed_frame'; readonly frame?: string | Uint8Array }
  /** The next connection is refused for rate limiting: a 1011 RESOURCE_EXHAUSTED close, or HTTP 429 on the upgrade. */
  | { readonly type: 'rate_limit'; readonly via?: 'close' | 'http' };

export interface FakeGeminiServerOptions {
  /** The API key the fake accepts in `?key=`. Default `test-key`. */
  readonly apiKey?: string;
  /** How a bad key is refused: a 1007 close after the upgrade (default) or HTTP 400 on the upgrade. */
  readonly authFailure?: 'close' | 'http';
  /** How frames are sent: always text, always binary (default, as Gemini does), or alternating. */
  readonly frameEncoding?: 'text' | 'binary' | 'alternate';
  /** Real milliseconds between streamed chunks of a turn. Default 5. */
  readonly chunkIntervalMs?: number;
  /** RMS (0..1) above which input audio counts as speech. Default 0.02 (about -34 dBFS). */
  readonly vadThreshold?: number;
  /** Voiced audio needed before speech counts as started, in audio milliseconds. Default 40. */
  readonly vadStartMs?: number;
  /** Silence that ends speech when the setup names none, in audio milliseconds. Default 500. */
  readonly defaultSilenceMs?: number;
  /** The turn used when the script is empty. */
  readonly defaultTurn?: FakeGeminiTurn;
  /** The models served; any other is refused at setup with 1008. Default `FAKE_GEMINI_LIVE_MODELS`. */
  readonly models?: readonly FakeGeminiModel[];
  /**
   * Plays a recorded session instead of the simulated model: the n-th frame received (setup first)
   * is answered with the server frames recorded after the n-th client frame (see `recordedExchanges`).
   */
  readonly playback?: readonly (readonly string[])[];
}

/** A frame the fake received, in arrival order. */
export interface FakeGeminiReceived {
  /** Which connection (from 1, in order of upgrade). */
  readonly connection: number;
  readonly binary: boolean;
  /** The parsed message, or undefined when the frame did not parse (then `error` says why). */
  readonly message?: GeminiClientMessage;
  readonly kind?: GeminiClientMessageKind;
  readonly error?: string;
}

/** A frame the fake sent, kept verbatim so tests can validate it against the protocol schemas. */
export interface FakeGeminiSent {
  readonly connection: number;
  readonly binary: boolean;
  readonly text: string;
  /** True for frames sent on purpose as garbage (`malformed_frame`). */
  readonly malformed: boolean;
}

/** What the fake knows about one connection. */
export interface FakeGeminiConnectionInfo {
  readonly id: number;
  readonly path: string;
  readonly key: string | undefined;
  /** The session this connection serves, once `setup` was accepted. */
  sessionId?: string;
  /** The handle the connection resumed from, if it did. */
  resumedFrom?: string;
  open: boolean;
  closeCode?: number;
  closeReason?: string;
}

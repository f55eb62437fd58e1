import type { ChorusClock } from '@chorus/core';
import type { ToolSchemaField } from './tool-schema.js';
import type { GeminiTransportFactory } from './transport.js';

/** Options of {@link GeminiRealtimeModel}; only `apiKey` is required. */
export interface GeminiRealtimeModelOptions {
  /** The Gemini API key, sent as `?key=`. */
  readonly apiKey: string;
  /** Default model; a session's `providerOptions.model` overrides it. Default `gemini-3.8-live`. */
  readonly model?: string;
  /** The Live endpoint (a fake's URL in tests). Default the public `BidiGenerateContent` endpoint. */
  readonly url?: string;
  /** Timers and time; a simulated clock in tests. Default the system clock. */
  readonly clock?: ChorusClock;
  /** The socket implementation. Default `ws`. */
  readonly transport?: GeminiTransportFactory;
  /** How long `connect` waits for `setupComplete`. Default 15 s. */
  readonly setupTimeoutMs?: number;
  /** Ping period. Default 15 s. */
  readonly pingIntervalMs?: number;
  /** How long after a ping, with no pong and no frame, the socket counts as dead. Default 30 s (Gemini pongs can be slow). */
  readonly pongTimeoutMs?: number;
  /** When to renew a connection before Gemini's ~10 min connection cap. Default 9 min. */
  readonly connectionRenewAfterMs?: number;
  /** How long a renewal may wait for a quiet moment (no response, no pending tool call) before it goes anyway. Default 40 s. */
  readonly renewalMaxWaitMs?: number;
  /** Safety margin subtracted from `goAway.timeLeft` when planning the swap. Default 5 s. */
  readonly goAwayMarginMs?: number;
  /** Age after which a resumption handle is no longer used. Default 2 h, as documented by Google. */
  readonly resumptionHandleTtlMs?: number;
  /** Ask for resumption handles (needed for transparent renewal). Default true. */
  readonly sessionResumption?: boolean;
  /** Sliding-window context compression, which lifts the 15 min audio session limit. Default true. */
  readonly contextWindowCompression?: boolean;
  /** Bound on audio buffered while disconnected or swapping, in 16 kHz PCM16 bytes. Default 60 s of audio (1.92 MB). */
  readonly maxBufferedAudioBytes?: number;
  /** How tool parameters are sent. Default `parameters` (the OpenAPI subset every Live model takes). */
  readonly toolSchemaField?: ToolSchemaField;
}

export const DEFAULTS = {
  /**
   * The stable Live model Google names as the default for voice agents
   * (https://ai.google.dev/gemini-api/docs/models/gemini-3.8-live). The former default,
   * `gemini-live-2.5-flash-preview`, was shut down on 2025-12-09
   * (https://ai.google.dev/gemini-api/docs/deprecations); the service refuses it at setup.
   */
  model: 'gemini-3.8-live',
  setupTimeoutMs: 15_000,
  pingIntervalMs: 15_000,
  pongTimeoutMs: 30_000,
  connectionRenewAfterMs: 9 * 60_000,
  renewalMaxWaitMs: 40_000,
  goAwayMarginMs: 5_000,
  resumptionHandleTtlMs: 2 * 60 * 60_000,
  maxBufferedAudioBytes: 60 * 16_000 * 2,
  closeWaitMs: 2_000,
} as const;

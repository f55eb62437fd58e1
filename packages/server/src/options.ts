import type { Inspector } from '@chorus/inspector';
import { MAX_CLIENT_EVENT_SIZE } from '@chorus/protocol';
import type { TracerProvider } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { AuthOptions } from './auth.js';
import type { Clock } from './clock.js';
import type { ClusterOptions } from './cluster/cluster-options.js';
import type { InspectPolicy } from './room-host.js';
import { DEFAULT_SEND_CHANNEL_OPTIONS, type SendChannelOptions } from './send-channel.js';
import type { ServableFactory } from './servable.js';
import type { ResumptionOptions } from './session-vault.js';
import type { TwilioOptions } from './twilio/twilio-options.js';

/** Abuse limits; every one is per connection unless it says otherwise. */
export interface Limits {
  /** Largest accepted frame in bytes; larger ones close the socket with 1009 (default 1.5 MiB). */
  readonly maxFrameBytes: number;
  /** Sustained messages per second (default 100; 20 ms audio frames are 50/s). */
  readonly messagesPerSecond: number;
  /** Messages allowed in a burst above the sustained rate (default 200); a flood past it closes with 1008. */
  readonly messageBurst: number;
  /** Sustained bytes per second of received frames (default 2 MiB; 48 kHz audio as JSON is ~130 KB/s). */
  readonly bytesPerSecond: number;
  /** Bytes allowed in a burst above the sustained rate (default 8 MiB: five of the largest frames); a flood past it closes with 1008. */
  readonly byteBurst: number;
  /**
   * Sustained bytes per second of every connection of one user together (default 4 MiB), with a burst
   * of `userByteBurst` (default 16 MiB); past it the connection that overdrew closes with 1008.
   */
  readonly userBytesPerSecond: number;
  readonly userByteBurst: number;
  /**
   * `/v1/realtime` only: sustained frames per second (default 400) and burst (default 800), or
   * `messagesPerSecond` / `messageBurst` when those are higher. Browsers post an AudioWorklet's 128-256-sample chunks, well
   * over 100 appends a second; audio is bounded by its duration instead (below). This bound only
   * caps the per-frame parsing cost.
   */
  readonly openaiFramesPerSecond: number;
  readonly openaiFrameBurst: number;
  /**
   * `/v1/realtime` only: input audio may arrive this many times faster than real time (default 4),
   * with a burst of `audioBurstMs` of audio at once (default 30 s, e.g. a recorded clip). Appends past
   * it are refused with an error naming `audio`; the session goes on.
   */
  readonly audioRealtimeFactor: number;
  readonly audioBurstMs: number;
  /** Open sessions per user across routes (default 8); more are refused with HTTP 429. */
  readonly maxSessionsPerUser: number;
  /**
   * Close a connection that sent nothing for this long (default 5 min; 0 disables). A pong counts: the
   * gateway pings every third of this, so a client that is there (browsers and `ws` answer pings by
   * themselves) keeps its session for as long as it likes, as on OpenAI; a vanished one is closed.
   */
  readonly idleTimeoutMs: number;
  /**
   * In `attach` mode, how long an upgrade to a path that is not the gateway's may stay unanswered by the
   * embedding app's own `upgrade` listeners before the gateway answers it with 404 (default 10 s).
   */
  readonly unclaimedUpgradeMs: number;
  /** Bounded send queue settings (see {@link SendChannelOptions}). */
  readonly send: SendChannelOptions;
}

export const DEFAULT_LIMITS: Limits = {
  maxFrameBytes: MAX_CLIENT_EVENT_SIZE,
  messagesPerSecond: 100,
  messageBurst: 200,
  bytesPerSecond: 2 * 1024 * 1024,
  byteBurst: 8 * 1024 * 1024,
  userBytesPerSecond: 4 * 1024 * 1024,
  userByteBurst: 16 * 1024 * 1024,
  openaiFramesPerSecond: 400,
  openaiFrameBurst: 800,
  audioRealtimeFactor: 4,
  audioBurstMs: 30_000,
  maxSessionsPerUser: 8,
  idleTimeoutMs: 5 * 60_000,
  unclaimedUpgradeMs: 10_000,
  send: DEFAULT_SEND_CHANNEL_OPTIONS,
};

export interface ChorusServerOptions {
  /** Rooms and agents by name; each factory builds a fresh instance. */
  readonly rooms: Readonly<Record<string, ServableFactory>>;
  /** The room a session gets when it names none (default: the first in `rooms`). */
  readonly defaultRoom?: string;
  readonly auth?: AuthOptions;
  readonly limits?: Partial<Omit<Limits, 'send'>> & { readonly send?: Partial<SendChannelOptions> };
  /** A pino logger (default: JSON on stdout with secrets redacted). */
  readonly logger?: Logger;
  /** Shorthand for `auth.allowedOrigins`. */
  readonly allowedOrigins?: readonly string[];
  /** The inspection feed behind `/inspect` (default: a new one). */
  readonly inspector?: Inspector;
  /**
   * When rooms feed the inspector (default `{ when: 'watched', lingerMs: 60_000 }`: only while an
   * `/inspect` client is connected, and a minute after). Use `when: 'always'` to read
   * `inspector.feed$` in code, or to keep a timeline from before anyone connects.
   */
  readonly inspect?: Partial<InspectPolicy>;
  /** Time source for timers (default: the system clock). Tests pass core's `TestClock`. */
  readonly clock?: Clock;
  /** Environment read for `CHORUS_API_KEYS` (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Chorus-protocol session resumption: a client whose socket drops may come back within
   * `graceMs` (default 60 s; 0 turns it off) with `server_session_created.resume_token`. Bounds:
   * `bufferBytes` of missed events per session, `maxSessions`, `maxHeldPerAddress`,
   * `maxFailedAttemptsPerAddress`. Not offered on `/v1/realtime` (see the README).
   */
  readonly resumption?: Partial<ResumptionOptions>;
  /** Phone calls through Twilio Media Streams (`/twilio/voice`, `/twilio/media-stream`); off when absent. */
  readonly twilio?: TwilioOptions;
  /**
   * Shared rooms across gateway processes and machines over a bus (`{ bus: 'redis://HOST:PORT' }`):
   * every gateway on the same bus shares rooms by name. Off when absent (rooms live in this process).
   */
  readonly cluster?: ClusterOptions;
  /**
   * Where turn traces go, for private sessions, phone calls and shared rooms alike (default: an
   * OTLP exporter when `OTEL_EXPORTER_OTLP_*` is set, else the global provider). With neither, and
   * no global provider registered, nothing is traced and tracing costs nothing.
   */
  readonly tracerProvider?: TracerProvider;
}

export function resolveLimits(limits: ChorusServerOptions['limits']): Limits {
  return {
    ...DEFAULT_LIMITS,
    ...limits,
    send: { ...DEFAULT_LIMITS.send, ...limits?.send },
  };
}

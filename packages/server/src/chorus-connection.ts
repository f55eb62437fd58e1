import { base64FromBytes } from '@chorus/audio';
import {
  type ClientEvent,
  type ErrorCodeOf,
  type ProtocolError,
  type ProtocolErrorCode,
  parseClientAudioBytes,
  parseClientEvent,
  type ServerEvent,
  type SessionConfig,
} from '@chorus/protocol';
import type { Logger } from 'pino';
import { agentDeltaFrame, BinaryAudioKind, decodeBinaryAudio } from './binary-audio.js';
import { DEFAULT_ERROR_DIALECT, type ErrorDialect, errorFrames } from './chorus-dialect.js';
import { CloseCode } from './close-codes.js';
import { BusUnavailableError } from './cluster/cluster-bus.js';
import type { GuardedSocket } from './guarded-socket.js';
import type { GatewayMetrics } from './metrics.js';
import { type RoomHost, type RoomLease, UnknownRoomError } from './room-host.js';
import type { RoomUser, Servable } from './servable.js';
import { SessionRelay } from './session-relay.js';
import {
  boundedReport,
  emptyReport,
  mergeReport,
  refuseExceptSettings,
  unknownKeys,
} from './session-report.js';
import type { SessionOwner, SessionVault } from './session-vault.js';

/**
 * A gateway error code beyond the protocol parser's (`invalid_json`, `invalid_event`, `unknown_type`,
 * `too_large`); declared with their meanings in `@chorus/protocol`'s `ERROR_CODES`.
 */
export type GatewayErrorCode = ErrorCodeOf<'gateway'>;

export interface ChorusConnectionContext {
  readonly userId: string;
  readonly sessionId: string;
  readonly defaultRoom: string;
  readonly host: RoomHost;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Held sessions and resume tokens; absent: sessions end with their socket. */
  readonly vault?: SessionVault;
  /** The client's address, for the per-address bounds of resumption. */
  readonly address?: string;
}

/** `ending`: a `client_session_end` is stopping the room; the socket stays open for the next session. */
type Phase = 'awaiting_create' | 'creating' | 'active' | 'ending' | 'ended';

/** Whether `config` asks for agent audio as binary frames (`binary_audio: true`); JSON stays the default. */
function wantsBinaryAudio(config: SessionConfig): boolean {
  return (config as Record<string, unknown>).binary_audio === true;
}

/**
 * One client on `/ws/:userId/:sessionId` speaking the Chorus protocol: `client_session_create` opens
 * (or joins, with `config.room`) a room, client events go to it attributed to this user, and the
 * room's events come back. Every rejected frame is answered (`server_error{code,message,path}` and/or
 * `agent_error` from `gateway`, per the client's dialect) and the session goes on.
 * `client_session_end` stops the session's agents (each says `agent_ended`), answers
 * `server_session_ended`, and leaves the socket open for another `client_session_create`.
 */
export class ChorusConnection implements SessionOwner {
  #phase: Phase = 'awaiting_create';
  /** The session's listener on its room, which outlives this socket when the session is held. */
  #relay: SessionRelay | undefined;
  /** This session's resume token, while it is resumable. */
  #token: string | undefined;
  /**
   * Events sent while the room starts (clients pipeline `client_session_create` and their first
   * words): kept in order, bounded, and handled once the session is active.
   */
  readonly #early: ClientEvent[] = [];
  #earlyBytes = 0;
  /** Size of the frame being handled, so that `#early` is bounded by bytes too. */
  #frameBytes = 0;
  #lease: RoomLease | undefined;
  #binaryAudio = false;
  #dialect: ErrorDialect = DEFAULT_ERROR_DIALECT;
  readonly #user: RoomUser;

  constructor(
    private readonly socket: GuardedSocket,
    private readonly ctx: ChorusConnectionContext,
  ) {
    this.#user = { id: ctx.userId };
  }

  get sessionId(): string {
    return this.ctx.sessionId;
  }

  get active(): boolean {
    return this.#phase === 'active';
  }

  /** A raw frame from the socket (already rate-limited). */
  onFrame(data: Uint8Array, isBinary: boolean): void {
    this.ctx.metrics.perRoute.chorus.eventsIn.inc();
    this.#frameBytes = data.byteLength;
    if (isBinary && data.byteLength > 0 && data[0] !== 0x7b /* '{' */) {
      this.#onBinaryAudio(data);
      return;
    }
    const parsed = parseClientEvent(data);
    if (!parsed.ok) {
      this.#reject(parsed.error);
      return;
    }
    this.#onEvent(parsed.event);
  }

  /**
   * The socket closed: leave the room, or, when the session is resumable, hold it for the grace
   * period with the user away (their room keeps going; their events are buffered).
   */
  async onClosed(): Promise<void> {
    const lease = this.#lease;
    const token = this.#token;
    this.#phase = 'ended';
    this.#lease = undefined;
    this.#token = undefined;
    const resumable = !this.socket.faulted && RESUMABLE_CLOSES.has(this.socket.closeCode ?? CloseCode.normal);
    if (lease && token !== undefined && resumable && this.ctx.vault?.hold(token)) {
      lease.room.setAway?.(this.#user, true);
      return;
    }
    this.ctx.vault?.forget(token);
    if (lease) await lease.release();
  }

  /** Another connection resumed this session while this socket was still open: let it go. */
  relinquish(): void {
    this.#lease = undefined;
    this.#token = undefined;
    this.#relay = undefined;
    if (this.#phase === 'ended') return;
    this.#send({ type: 'server_session_ended', session_id: this.ctx.sessionId, reason: 'resumed_elsewhere' });
    this.#phase = 'ended';
    this.socket.close(CloseCode.sessionTakenOver, 'session resumed by another connection');
  }

  /** A newer connection to the same session took it over: tell this client, then close. */
  takeOver(): void {
    if (this.#phase === 'ended') return;
    // The newer connection may be this client coming back: hold the session from now, so nothing
    // sent before it resumes is lost on this socket.
    const lease = this.#lease;
    if (lease && this.#token !== undefined && this.ctx.vault?.hold(this.#token)) {
      lease.room.setAway?.(this.#user, true);
      this.#lease = undefined;
      this.#token = undefined;
    }
    this.#send({ type: 'server_session_ended', session_id: this.ctx.sessionId, reason: 'taken_over' });
    this.#phase = 'ended';
    this.socket.close(CloseCode.sessionTakenOver, 'session taken over by a newer connection');
  }

  /** Drain: tell the client, then close. */
  shutdown(): void {
    if (this.#phase === 'ended') return;
    this.#send({ type: 'server_session_ended', session_id: this.ctx.sessionId, reason: 'shutdown' });
    this.#phase = 'ended';
    this.socket.close(CloseCode.goingAway, 'server shutting down');
  }

  #onBinaryAudio(data: Uint8Array): void {
    const decoded = decodeBinaryAudio(data);
    if (!decoded.ok) {
      this.#error('invalid_binary_frame', decoded.message, decoded.path);
      return;
    }
    if (decoded.frame.kind !== BinaryAudioKind.clientAppend) {
      this.#error(
        'invalid_binary_frame',
        'clients may send binary frames of kind 1 (audio append) only',
        'header.kind',
      );
      return;
    }
    const eventId = decoded.frame.metadata.event_id;
    // The protocol's validation (rate, size) of the same event, keeping the bytes as bytes.
    const parsed = parseClientAudioBytes(
      decoded.frame.audio,
      decoded.frame.format,
      typeof eventId === 'string' ? eventId : undefined,
      base64FromBytes,
    );
    if (!parsed.ok) {
      this.#reject(parsed.error);
      return;
    }
    this.#onEvent(parsed.event);
  }

  #onEvent(event: ClientEvent): void {
    if (event.session_id !== undefined && event.session_id !== this.ctx.sessionId) {
      this.#error(
        'session_mismatch',
        `session_id "${event.session_id}" is not this connection's session "${this.ctx.sessionId}"`,
        'session_id',
        event.event_id,
      );
      return;
    }
    if (event.type === 'client_session_create' && this.#phase !== 'ending') {
      void this.#create(event.config, event.event_id, event.resume_token);
      return;
    }
    if (this.#phase === 'creating' || this.#phase === 'ending') {
      if (this.#early.length < MAX_EARLY_EVENTS && this.#earlyBytes + this.#frameBytes <= MAX_EARLY_BYTES) {
        this.#early.push(event);
        this.#earlyBytes += this.#frameBytes;
      } else {
        this.#error(
          'session_starting',
          `the session is still being created and already holds ${this.#early.length} events (at most ${MAX_EARLY_EVENTS}, ${MAX_EARLY_BYTES} bytes); wait for server_session_created`,
          'type',
          event.event_id,
        );
      }
      return;
    }
    if (this.#phase !== 'active' || !this.#lease) {
      this.#error('no_session', 'no session: send client_session_create first', 'type', event.event_id);
      return;
    }
    if (event.type === 'client_session_end') {
      void this.#end(this.#lease);
      return;
    }
    try {
      this.#lease.room.handleInput(event, this.#user);
    } catch (error) {
      this.ctx.logger.error({ err: error, session: this.ctx.sessionId }, 'room rejected input');
      this.#error('internal_error', `the room failed to handle ${event.type}`, undefined, event.event_id);
    }
  }

  async #create(config: SessionConfig, eventId: string | undefined, resumeToken?: string): Promise<void> {
    if (this.#phase !== 'awaiting_create') {
      this.#error('session_exists', 'this connection already has a session', 'type', eventId);
      return;
    }
    if (resumeToken !== undefined && this.#resume(resumeToken, eventId)) return;
    this.#phase = 'creating';
    const shared = config.room !== undefined;
    const name = config.room ?? this.ctx.defaultRoom;
    if (config.user_name !== undefined) Object.assign(this.#user, { name: config.user_name });
    this.#binaryAudio = wantsBinaryAudio(config);
    if (config.dialect !== undefined) this.#dialect = config.dialect;
    const report = emptyReport();
    let shaped = false;
    const shape = (room: Servable) => {
      if (!room.shape) return;
      shaped = true;
      mergeReport(report, room.shape(config));
    };
    try {
      const relay = new SessionRelay(this.#listener(), () => undefined);
      const lease = await this.ctx.host.open(
        name,
        relay,
        shared ? undefined : `session:${this.ctx.userId}/${this.ctx.sessionId}`,
        this.#user,
        shared ? undefined : shape,
      );
      if (this.#phase !== 'creating') {
        // The socket closed while the room was starting.
        await lease.release();
        return;
      }
      this.#lease = lease;
      this.#relay = relay;
      this.#phase = 'active';
      this.#token = this.#register(lease, { ...config, room: name });
      if (!shaped) {
        const reason = lease.shared
          ? `room "${name}" is shared: its agents serve everyone`
          : `room "${name}" does not let clients shape its agents`;
        mergeReport(report, refuseExceptSettings(config, reason, !lease.shared));
      }
      report.not_applied.push(...unknownKeys(config));
      this.#applySettings(lease, config, shaped);
      this.ctx.metrics.sessions.inc({ route: 'chorus' });
      this.#send({
        type: 'server_session_created',
        session_id: this.ctx.sessionId,
        config: { ...config, room: name },
        ...(this.#token !== undefined ? { resume_token: this.#token } : {}),
      });
      // The room started before this session was active, so first what it looks like now.
      for (const event of lease.room.present?.() ?? []) this.#forward(event, () => JSON.stringify(event));
      if (report.applied.length > 0 || report.not_applied.length > 0) {
        this.#send({
          type: 'server_session_updated',
          session_id: this.ctx.sessionId,
          ...boundedReport(report),
        });
      }
      this.#earlyBytes = 0;
      for (const event of this.#early.splice(0)) this.#onEvent(event);
      this.ctx.logger.info(
        { session: this.ctx.sessionId, user: this.ctx.userId, room: lease.key },
        'session created',
      );
    } catch (error) {
      this.#phase = 'awaiting_create';
      if (error instanceof UnknownRoomError) {
        this.#error(
          'unknown_room',
          `${error.message}; known rooms: ${this.ctx.host.names.join(', ')}`,
          'config.room',
          eventId,
        );
      } else if (error instanceof BusUnavailableError) {
        this.#error('bus_unavailable', error.message, 'config.room', eventId);
      } else {
        this.ctx.logger.error({ err: error, session: this.ctx.sessionId }, 'room failed to start');
        this.#error('room_unavailable', `room "${name}" failed to start`, 'config.room', eventId);
      }
      // The session did not start: what was sent for it has nowhere to go, and the client is told.
      this.#earlyBytes = 0;
      const dropped = this.#early.splice(0).length;
      if (dropped > 0) {
        this.#error(
          'no_session',
          `${dropped} event(s) sent while the session was starting were not delivered`,
        );
      }
    }
  }

  /**
   * A private session's agent takes the client's instructions, voice and modalities (the seed
   * frontend sends its instructions this way): before it started when the room could be shaped
   * (then only the modalities are left), else as a session update now. A shared room's agents serve
   * everyone, so there the settings are left alone (`server_session_updated.not_applied` says so).
   */
  #applySettings(lease: RoomLease, config: SessionConfig, shaped: boolean): void {
    if (lease.shared) return;
    const settings = agentSettings(shaped ? { modalities: config.modalities } : config);
    if (!settings) return;
    lease.room.handleInput({ type: 'client_session_create', config: settings }, this.#user);
  }

  /**
   * `client_session_end`: a private session's room stops (its agents say `agent_ended` to this
   * client), a shared room is left to its other users; then `server_session_ended`, and the socket
   * waits for the next `client_session_create`. Events sent meanwhile are kept and handled after.
   */
  async #end(lease: RoomLease): Promise<void> {
    this.#phase = 'ending';
    this.#lease = undefined;
    this.ctx.vault?.forget(this.#token);
    this.#token = undefined;
    this.ctx.metrics.sessions.dec({ route: 'chorus' });
    try {
      if (!lease.shared) await lease.room.stop();
      await lease.release();
    } catch (error) {
      this.ctx.logger.error({ err: error, session: this.ctx.sessionId }, 'session end failed');
    }
    if (this.#phase !== 'ending') return; // the socket closed meanwhile
    this.#send({
      type: 'server_session_ended',
      session_id: this.ctx.sessionId,
      reason: 'client_session_end',
    });
    this.#phase = 'awaiting_create';
    this.#earlyBytes = 0;
    for (const event of this.#early.splice(0)) this.#onEvent(event);
  }

  #forward(event: ServerEvent, json: () => string): void {
    if (this.#phase !== 'active' && this.#phase !== 'ending') return;
    if (event.type === 'server_error') {
      // The room's errors about this client's input, in the client's dialect.
      const { code, message, path, event_id } = event;
      for (const frame of errorFrames(this.#dialect, { code, message, path, eventId: event_id }))
        this.#send(frame);
      return;
    }
    this.ctx.metrics.perRoute.chorus.eventsOut.inc();
    if (event.type === 'agent_response_audio_delta') {
      if (this.#binaryAudio) {
        // The room's own output, forwarded as JSON unchecked too: decoded once for every member.
        this.socket.channel.sendDroppable(agentDeltaFrame(event));
      } else {
        this.socket.channel.sendDroppable(json());
      }
      return;
    }
    this.socket.channel.send(json());
  }

  #roomEnded(reason: string): void {
    if (this.#phase === 'ended' || this.#phase === 'ending') return;
    this.#lease = undefined;
    this.ctx.vault?.forget(this.#token);
    this.#token = undefined;
    if (reason === 'shutdown') {
      this.shutdown();
      return;
    }
    this.#send({ type: 'server_session_ended', session_id: this.ctx.sessionId, reason });
    this.#phase = 'ended';
    this.socket.close(CloseCode.sessionEnded, reason);
  }

  /** This connection as its session's live listener. */
  #listener() {
    return {
      event: (event: ServerEvent, json: () => string) => this.#forward(event, json),
      ended: (reason: string) => this.#roomEnded(reason),
    };
  }

  /** Makes the session resumable; returns its token (undefined: resumption off or full). */
  #register(lease: RoomLease, config: SessionConfig): string | undefined {
    const vault = this.ctx.vault;
    const relay = this.#relay;
    if (!vault || !relay) return undefined;
    const token = vault.register(
      {
        userId: this.ctx.userId,
        address: this.ctx.address ?? 'unknown',
        lease,
        relay,
        config,
        user: { ...this.#user },
        binaryAudio: this.#binaryAudio,
        dialect: this.#dialect,
      },
      this,
    );
    if (token !== undefined) {
      // The room ending while nobody is connected spends the token (a later resume is told so).
      relay.attach(this.#listener(), () => vault.endedWhileAway(token));
    }
    return token;
  }

  /**
   * `client_session_create{resume_token}`: takes the held session back (its room membership, the
   * agents' conversation, the events missed, with `server_events_dropped` if some were lost), or
   * refuses naming why, in which case the caller creates a fresh session from the same config.
   */
  #resume(token: string, eventId: string | undefined): boolean {
    const vault = this.ctx.vault;
    const claim = vault?.claim(token, this.ctx.userId, this.ctx.address ?? 'unknown');
    if (!vault || !claim?.ok) {
      const why =
        claim && !claim.ok ? `${claim.reason}: ${claim.message}` : 'this gateway does not resume sessions';
      this.#error(
        'resume_refused',
        `resume refused (${why}); a fresh session was created`,
        'resume_token',
        eventId,
      );
      return false;
    }
    const held = claim.session;
    this.#lease = held.lease;
    this.#relay = held.relay;
    this.#binaryAudio = held.binaryAudio;
    this.#dialect = held.dialect;
    if (held.user.name !== undefined) Object.assign(this.#user, { name: held.user.name });
    this.#phase = 'active';
    this.ctx.metrics.sessions.inc({ route: 'chorus' });
    // Events until now were buffered (or, from a still-open socket, sent there); from here they come
    // live, so the buffer is taken before the session gets its next token.
    const buffer = held.relay.attach(this.#listener(), () => undefined);
    this.#token = this.#register(held.lease, held.config);
    this.#send({
      type: 'server_session_created',
      session_id: this.ctx.sessionId,
      config: held.config,
      resumed: true,
      ...(this.#token !== undefined ? { resume_token: this.#token } : {}),
    });
    if (buffer) {
      const dropped = buffer.dropped;
      if (dropped.events > 0) {
        this.#send({
          type: 'server_events_dropped',
          session_id: this.ctx.sessionId,
          dropped: dropped.events,
          dropped_bytes: dropped.bytes,
          reason: `the oldest missed events did not fit the ${buffer.maxBytes}-byte replay buffer`,
        });
      }
      for (const event of buffer.drain()) this.#forward(event, () => JSON.stringify(event));
    }
    held.lease.room.setAway?.(this.#user, false);
    this.ctx.logger.info({ session: this.ctx.sessionId, user: this.ctx.userId }, 'session resumed');
    return true;
  }

  #reject(error: ProtocolError): void {
    this.#error(error.code, error.message, error.path, error.event_id);
  }

  #error(code: GatewayErrorCode | ProtocolErrorCode, message: string, path?: string, eventId?: string): void {
    this.ctx.metrics.clientErrors.inc({ route: 'chorus', code });
    for (const frame of errorFrames(this.#dialect, { code, message, path, eventId })) this.#send(frame);
  }

  #send(event: ServerEvent): void {
    this.ctx.metrics.perRoute.chorus.eventsOut.inc();
    this.socket.channel.send(JSON.stringify(event));
  }
}

/** The `server_error{code:'slow_consumer'}` a Chorus client gets when its audio is dropped. */
export function chorusSlowConsumerNotice(dropped: number): string {
  return JSON.stringify({
    type: 'server_error',
    code: 'slow_consumer',
    message: `reading too slowly: ${dropped} audio frame(s) dropped so far; live audio is not queued`,
  });
}

/** The agent-facing part of a session config, or undefined when the client set none of it. */
function agentSettings(config: SessionConfig): SessionConfig | undefined {
  const settings: { instructions?: string; voice?: string; modalities?: SessionConfig['modalities'] } = {};
  if (config.instructions !== undefined) settings.instructions = config.instructions;
  if (config.voice !== undefined) settings.voice = config.voice;
  if (config.modalities !== undefined) settings.modalities = config.modalities;
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/**
 * Closes after which a session is held for its client to come back: the connection was lost (no
 * close frame), it stopped answering pings, or a newer connection to the same session took over. A
 * client that closed the socket itself has left: 1000, a close frame without a code, or 1001, which
 * a browser sends when its page closes or navigates away (holding those would keep a closed tab's
 * agent talking to nobody for the whole grace). A socket closed for abuse is not kept.
 */
const RESUMABLE_CLOSES = new Set<number>([1006, CloseCode.idleTimeout, CloseCode.sessionTakenOver]);

/** Events a client may send before `server_session_created` (see `#early`). */
const MAX_EARLY_EVENTS = 256;
/** Bytes of the frames of those events. */
const MAX_EARLY_BYTES = 4 * 1024 * 1024;

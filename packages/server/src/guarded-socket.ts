import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { Clock } from './clock.js';
import { CloseCode } from './close-codes.js';
import type { Limits } from './options.js';
import { SendChannel, type SendChannelHooks } from './send-channel.js';
import { TokenBucket } from './token-bucket.js';

export interface GuardedSocketHandlers {
  /** One frame that passed the rate limit. */
  message(data: Uint8Array, isBinary: boolean): void;
  /** The socket closed, for whatever reason; called once. */
  closed(code: number, reason: string): void;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/**
 * One client socket with the per-connection limits applied: token buckets of messages and of bytes
 * (a flood of either closes with 1008), an idle timer (closes with 4000; pongs to its keepalive pings count as activity), the frame size limit (ws closes with 1009 via
 * `maxPayload`) and the bounded send channel. Every timer it starts ends when the socket closes.
 */
export class GuardedSocket {
  readonly channel: SendChannel;
  readonly #bucket: TokenBucket;
  readonly #bytes: TokenBucket;
  #idle: unknown;
  #ping: unknown;
  #closed = false;
  #closeReason: string | undefined;

  constructor(
    readonly ws: WebSocket,
    private readonly limits: Limits,
    private readonly clock: Clock,
    hooks: SendChannelHooks,
    private readonly handlers: GuardedSocketHandlers,
    private readonly logger: Logger,
    private readonly onServerClose: (code: number) => void,
    /** The byte bucket shared by every connection of this socket's user, if it has one. */
    private readonly userBytes?: TokenBucket,
  ) {
    this.channel = new SendChannel(ws, clock, hooks, limits.send);
    this.#bucket = new TokenBucket(limits.messageBurst, limits.messagesPerSecond, clock);
    this.#bytes = new TokenBucket(limits.byteBurst, limits.bytesPerSecond, clock);
    this.#armIdle();
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    // A client that answers pings (or pings itself) is there, even when it has nothing to say.
    ws.on('pong', () => this.#armIdle());
    ws.on('ping', () => this.#armIdle());
    ws.on('error', (error) => {
      // ws emits an error before closing with 1009 (maxPayload) or 1002; the close handler cleans up.
      this.logger.debug({ err: error }, 'socket error');
      this.#faulted = true;
    });
    ws.once('close', (code, reason) => this.#onClose(code, this.#closeReason ?? reason.toString()));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the socket with `code`; safe to call more than once. */
  close(code: number, reason: string): void {
    if (this.#closed || this.ws.readyState >= this.ws.CLOSING) return;
    this.#closeReason = reason;
    this.#serverCloseCode = code;
    this.onServerClose(code);
    this.ws.close(code, reason);
    // A peer that never answers the close handshake must not hold the socket open.
    const kill = this.clock.setTimeout(() => this.ws.terminate(), 2000);
    this.ws.once('close', () => this.clock.clearTimeout(kill));
  }

  /**
   * Closes a flooding connection and stops reading from it: what it already sent is left unread in
   * the kernel instead of being unmasked and checked, and the socket is terminated if the peer does
   * not finish the close handshake.
   */
  #cut(reason: string): void {
    this.close(CloseCode.policyViolation, reason);
    this.ws.pause();
  }

  #armIdle(): void {
    if (this.limits.idleTimeoutMs <= 0 || this.#closed) return;
    if (this.#idle !== undefined) this.clock.clearTimeout(this.#idle);
    this.#idle = this.clock.setTimeout(
      () => this.close(CloseCode.idleTimeout, 'idle timeout'),
      this.limits.idleTimeoutMs,
    );
    this.#armPing();
  }

  /** Pings a third of the idle timeout after the last sign of life, so a present client answers in time. */
  #armPing(): void {
    if (this.#ping !== undefined) this.clock.clearTimeout(this.#ping);
    this.#ping = this.clock.setTimeout(() => {
      this.#ping = undefined;
      if (this.#closed || this.ws.readyState !== this.ws.OPEN) return;
      this.ws.ping();
      this.#armPing();
    }, this.limits.idleTimeoutMs / 3);
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    // Frames that arrive after the gateway began closing (a flood already sent) are not handled.
    if (this.#closed || this.ws.readyState !== this.ws.OPEN) return;
    if (!this.#bucket.take()) {
      this.#cut('rate limit exceeded');
      return;
    }
    const bytes = toBytes(data);
    // Few large frames cost as much as many small ones: bytes are counted as well as frames.
    if (!this.#bytes.take(bytes.byteLength)) {
      this.#cut('byte rate limit exceeded');
      return;
    }
    // A user's many connections must not add up to more than one user's share of the process.
    if (this.userBytes && !this.userBytes.take(bytes.byteLength)) {
      this.#cut("byte rate limit exceeded for this user's connections");
      return;
    }
    this.#armIdle();
    try {
      this.handlers.message(bytes, isBinary);
    } catch (error) {
      this.logger.error({ err: error }, 'message handler failed');
      this.close(CloseCode.internalError, 'internal error');
    }
  }

  /**
   * How the socket closed: the code the gateway closed it with, else the peer's; undefined while
   * open. (Resumption holds a session only after some closes: see `ChorusConnection`.)
   */
  get closeCode(): number | undefined {
    return this.#serverCloseCode ?? this.#closeCode;
  }

  /** Whether the socket failed with a protocol error (oversized or malformed frames) or stopped reading. */
  get faulted(): boolean {
    return this.#faulted || this.channel.gaveUp;
  }

  #closeCode: number | undefined;
  #serverCloseCode: number | undefined;
  #faulted = false;

  #onClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeCode = code;
    if (this.#idle !== undefined) this.clock.clearTimeout(this.#idle);
    if (this.#ping !== undefined) this.clock.clearTimeout(this.#ping);
    this.channel.dispose();
    this.handlers.closed(code, reason);
  }
}

import type { WebSocket } from 'ws';
import type { Clock } from './clock.js';
import { CloseCode } from './close-codes.js';

export interface SendChannelOptions {
  /** Above this many bytes waiting in the socket, the client counts as behind (default 1 MiB). */
  readonly highWaterBytes: number;
  /** Control messages held while behind; one more closes the socket (default 512). */
  readonly maxQueuedMessages: number;
  /** Bytes of control messages held while behind; more closes the socket (default 8 MiB). */
  readonly maxQueuedBytes: number;
  /** A client behind for longer than this is closed (default 10 s). */
  readonly slowConsumerDeadlineMs: number;
  /** At most one slow-consumer notice per this interval (default 1 s). */
  readonly noticeIntervalMs: number;
  /** How often a behind client is re-checked (default 25 ms). */
  readonly pollMs: number;
  /**
   * Messages sent in the same turn of the event loop leave in one socket write (default true): the
   * socket is corked at the first and uncorked in a microtask, after the synchronous work that
   * produced them, so nothing waits for a timer.
   */
  readonly coalesce?: boolean;
}

export const DEFAULT_SEND_CHANNEL_OPTIONS: SendChannelOptions = {
  highWaterBytes: 1024 * 1024,
  maxQueuedMessages: 512,
  maxQueuedBytes: 8 * 1024 * 1024,
  slowConsumerDeadlineMs: 10_000,
  noticeIntervalMs: 1000,
  pollMs: 25,
  coalesce: true,
};

/** The TCP socket under a `ws` socket (not in ws's types; absent on test doubles). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

export interface SendChannelHooks {
  /** The message telling the client audio was dropped (`server_error{code:'slow_consumer'}` or OpenAI `error`). */
  slowConsumerNotice(dropped: number): string;
  /** Called for every dropped droppable message. */
  onDrop?(): void;
  /** Called once when the channel gives up on the client. */
  onSlowConsumerClose?(): void;
}

type Payload = string | Uint8Array;

/**
 * The bounded send side of one client socket. While the socket's `bufferedAmount` is under the high
 * water mark, messages go straight out. Above it, droppable messages (audio) are dropped and counted,
 * with a rate-limited notice; control messages wait in a bounded queue. A client that stays behind
 * past the deadline, or overflows the queue, is closed (1008) and then terminated, because a client
 * that does not read will not read the close frame either.
 */
export class SendChannel {
  readonly #pending: Payload[] = [];
  #pendingBytes = 0;
  #behindSince: number | undefined;
  #lastNotice = Number.NEGATIVE_INFINITY;
  #poll: unknown;
  #closed = false;
  #dropped = 0;
  #sent = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly clock: Clock,
    private readonly hooks: SendChannelHooks,
    private readonly options: SendChannelOptions = DEFAULT_SEND_CHANNEL_OPTIONS,
  ) {}

  /** Messages dropped so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Messages handed to the socket so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Bytes of control messages waiting (UTF-16 units for text). */
  get queuedBytes(): number {
    return this.#pendingBytes;
  }

  /** Control messages waiting. */
  get queued(): number {
    return this.#pending.length;
  }

  get behind(): boolean {
    return this.#behindSince !== undefined;
  }

  /** Sends a control message (kept, in order, while the client is behind). */
  send(payload: Payload): void {
    this.#enqueue(payload, false);
  }

  /** Sends a message that may be dropped when the client is behind (audio). */
  sendDroppable(payload: Payload): void {
    this.#enqueue(payload, true);
  }

  /** Stops polling and drops what is queued (the socket is closing). */
  dispose(): void {
    this.#closed = true;
    this.#pending.length = 0;
    this.#pendingBytes = 0;
    if (this.#poll !== undefined) this.clock.clearTimeout(this.#poll);
    this.#poll = undefined;
  }

  #open(): boolean {
    return !this.#closed && this.ws.readyState === this.ws.OPEN;
  }

  #enqueue(payload: Payload, droppable: boolean): void {
    if (!this.#open()) return;
    if (this.#pending.length === 0 && this.ws.bufferedAmount < this.options.highWaterBytes) {
      this.#write(payload);
      return;
    }
    this.#markBehind();
    if (droppable) {
      this.#dropped++;
      this.hooks.onDrop?.();
      const now = this.clock.now();
      if (now - this.#lastNotice >= this.options.noticeIntervalMs) {
        this.#lastNotice = now;
        this.#push(this.hooks.slowConsumerNotice(this.#dropped));
      }
      return;
    }
    this.#push(payload);
  }

  #push(payload: Payload): void {
    const size = sizeOf(payload);
    if (
      this.#pending.length >= this.options.maxQueuedMessages ||
      this.#pendingBytes + size > this.options.maxQueuedBytes
    ) {
      this.#giveUp('slow consumer: send queue full');
      return;
    }
    this.#pending.push(payload);
    this.#pendingBytes += size;
  }

  #write(payload: Payload): void {
    this.#sent++;
    if (this.#corked === undefined && this.options.coalesce !== false) this.#cork();
    this.ws.send(payload);
    // Coalescing is for many small events: a large burst goes to the kernel at once, so that
    // bufferedAmount keeps measuring the client's lag, not this turn's held-back bytes.
    if (this.#corked !== undefined) {
      this.#corkedBytes += sizeOf(payload);
      if (this.#corkedBytes >= CORK_LIMIT_BYTES) this.#uncork();
    }
  }

  #corked: Corkable | undefined;
  #corkedBytes = 0;

  /** Holds this turn's writes back, to go out in one `writev` when the turn's work is done. */
  #cork(): void {
    const raw = (this.ws as unknown as { _socket?: Corkable | null })._socket;
    if (!raw || typeof raw.cork !== 'function') return;
    raw.cork();
    this.#corked = raw;
    queueMicrotask(this.#uncork);
  }

  readonly #uncork = (): void => {
    const raw = this.#corked;
    this.#corked = undefined;
    this.#corkedBytes = 0;
    raw?.uncork();
  };

  #markBehind(): void {
    if (this.#behindSince === undefined) this.#behindSince = this.clock.now();
    if (this.#poll === undefined)
      this.#poll = this.clock.setTimeout(() => this.#check(), this.options.pollMs);
  }

  #check(): void {
    this.#poll = undefined;
    if (!this.#open()) return;
    while (this.#pending.length > 0 && this.ws.bufferedAmount < this.options.highWaterBytes) {
      const payload = this.#pending.shift()!;
      this.#pendingBytes -= sizeOf(payload);
      this.#write(payload);
    }
    if (this.#pending.length === 0 && this.ws.bufferedAmount < this.options.highWaterBytes) {
      this.#behindSince = undefined;
      return;
    }
    if (
      this.#behindSince !== undefined &&
      this.clock.now() - this.#behindSince >= this.options.slowConsumerDeadlineMs
    ) {
      this.#giveUp('slow consumer: behind for too long');
      return;
    }
    this.#poll = this.clock.setTimeout(() => this.#check(), this.options.pollMs);
  }

  /** Whether the channel closed its socket for not reading (1008). */
  get gaveUp(): boolean {
    return this.#gaveUp;
  }

  #gaveUp = false;

  #giveUp(reason: string): void {
    if (this.#closed) return;
    this.#gaveUp = true;
    this.dispose();
    this.hooks.onSlowConsumerClose?.();
    this.ws.close(CloseCode.policyViolation, reason);
    // The close frame waits behind unread data; end the TCP connection after a short grace.
    const kill = this.clock.setTimeout(() => this.ws.terminate(), 1000);
    this.ws.once('close', () => this.clock.clearTimeout(kill));
  }
}

/** Bytes held back in one turn before they are written anyway (a few audio frames' worth). */
const CORK_LIMIT_BYTES = 64 * 1024;

function sizeOf(payload: Payload): number {
  return typeof payload === 'string' ? payload.length : payload.byteLength;
}

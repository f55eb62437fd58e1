import { randomBytes } from 'node:crypto';
import type { SessionConfig } from '@chorus/protocol';
import type { ErrorDialect } from './chorus-dialect.js';
import type { Clock } from './clock.js';
import { ReplayBuffer } from './replay-buffer.js';
import type { RoomLease } from './room-host.js';
import type { RoomUser } from './servable.js';
import type { SessionRelay } from './session-relay.js';

/** Client session resumption on the Chorus protocol (see the package README). */
export interface ResumptionOptions {
  /** How long a session whose socket dropped is held for its client to come back (default 60 s; 0 turns resumption off). */
  readonly graceMs: number;
  /** Bytes of missed events kept per held session (default 1 MiB); older ones are dropped and counted. */
  readonly bufferBytes: number;
  /** Resumable sessions in the process, connected or held (default 10,000); past it a session gets no token. */
  readonly maxSessions: number;
  /** Sessions held at once for one client address (default 16); past it a drop ends the session as before. */
  readonly maxHeldPerAddress: number;
  /** Refused resume attempts one client address may make per grace period (default 20); then all are refused. */
  readonly maxFailedAttemptsPerAddress: number;
}

export const DEFAULT_RESUMPTION: ResumptionOptions = {
  graceMs: 60_000,
  bufferBytes: 1024 * 1024,
  maxSessions: 10_000,
  maxHeldPerAddress: 16,
  maxFailedAttemptsPerAddress: 20,
};

/** What a connection hands over when its client goes away, and a resuming one takes back. */
export interface ResumableSession {
  readonly userId: string;
  readonly address: string;
  readonly lease: RoomLease;
  readonly relay: SessionRelay;
  readonly config: SessionConfig;
  readonly user: RoomUser;
  readonly binaryAudio: boolean;
  readonly dialect: ErrorDialect;
}

/** The connection that holds a session now; a resume elsewhere takes the session from it. */
export interface SessionOwner {
  /** Give the session up without ending it (another connection resumed it). */
  relinquish(): void;
}

export type ResumeRefusal = 'unknown_token' | 'expired' | 'ended' | 'other_user' | 'too_many_attempts';

export type ClaimResult =
  | { readonly ok: true; readonly session: ResumableSession; readonly buffer: ReplayBuffer | undefined }
  | { readonly ok: false; readonly reason: ResumeRefusal; readonly message: string };

interface Entry {
  readonly session: ResumableSession;
  owner: SessionOwner | undefined;
  buffer: ReplayBuffer | undefined;
  timer: unknown;
}

/** Tokens that no longer resume, remembered (boundedly) to tell "too late" from "never issued". */
const MAX_GONE = 4096;
/** Client addresses whose refused attempts are counted at once. */
const MAX_ADDRESSES = 10_000;

/**
 * Resume tokens and the sessions they resume. A token is 32 random bytes, single use, and bound to
 * the user that got it. A session whose socket dropped is held for the grace period, its room
 * lease kept and its events buffered; then it is released as a dropped session always was.
 * Everything is bounded: sessions, held sessions per address, buffered bytes, refused attempts.
 */
export class SessionVault {
  readonly #entries = new Map<string, Entry>();
  readonly #gone = new Map<string, ResumeRefusal>();
  readonly #heldPerAddress = new Map<string, number>();
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(
    readonly options: ResumptionOptions,
    private readonly clock: Clock,
    /** Ends a session for good (its lease released), after the grace or when the vault closes. */
    private readonly release: (session: ResumableSession) => Promise<void>,
  ) {}

  get enabled(): boolean {
    return this.options.graceMs > 0;
  }

  /** Sessions held for an absent client now. */
  get held(): number {
    let n = 0;
    for (const entry of this.#entries.values()) if (entry.buffer) n++;
    return n;
  }

  /** A new resumable session; returns its token, or undefined when resumption is off or full. */
  register(session: ResumableSession, owner: SessionOwner): string | undefined {
    if (!this.enabled || this.#entries.size >= this.options.maxSessions) return undefined;
    const token = randomBytes(32).toString('base64url');
    this.#entries.set(token, { session, owner, buffer: undefined, timer: undefined });
    return token;
  }

  /**
   * The client's socket dropped: hold the session for the grace period. False when it cannot be
   * held (unknown token, or the address holds too many already): then the caller ends it.
   */
  hold(token: string): boolean {
    const entry = this.#entries.get(token);
    if (!entry || entry.buffer) return false;
    const address = entry.session.address;
    const heldHere = this.#heldPerAddress.get(address) ?? 0;
    if (heldHere >= this.options.maxHeldPerAddress) {
      this.#forget(token, 'ended');
      return false;
    }
    this.#heldPerAddress.set(address, heldHere + 1);
    entry.owner = undefined;
    entry.buffer = new ReplayBuffer(this.options.bufferBytes);
    entry.session.relay.detach(entry.buffer);
    entry.timer = this.clock.setTimeout(() => {
      if (this.#entries.get(token) !== entry) return;
      this.#forget(token, 'expired');
      void this.release(entry.session);
    }, this.options.graceMs);
    return true;
  }

  /** The session ended on purpose (client_session_end, the room stopped): its token resumes nothing. */
  forget(token: string | undefined): void {
    if (token !== undefined) this.#forget(token, 'ended');
  }

  /** The room of a held session ended while its client was away. */
  endedWhileAway(token: string): void {
    this.#forget(token, 'ended');
  }

  /**
   * A client presents a token. On success the session is the caller's (taken from a connection
   * that still held it, or from the hold), with the events it missed; the token is spent.
   */
  claim(token: string, userId: string, address: string): ClaimResult {
    if (this.#tooManyFailures(address)) {
      return {
        ok: false,
        reason: 'too_many_attempts',
        message: `too many refused resume attempts from this address; wait ${Math.ceil(this.options.graceMs / 1000)} s`,
      };
    }
    const entry = this.#entries.get(token);
    if (!entry || entry.session.userId !== userId) {
      this.#countFailure(address);
      const reason: ResumeRefusal = entry ? 'other_user' : (this.#gone.get(token) ?? 'unknown_token');
      return { ok: false, reason, message: refusalMessage(reason, this.options.graceMs) };
    }
    const buffer = entry.buffer;
    if (buffer) this.#releaseHold(entry);
    else entry.owner?.relinquish();
    this.#entries.delete(token);
    this.#remember(token, 'unknown_token');
    return { ok: true, session: entry.session, buffer };
  }

  /** Ends every held session (the gateway drains). */
  async close(): Promise<void> {
    const held = [...this.#entries.entries()].filter(([, entry]) => entry.buffer);
    for (const [token] of this.#entries) this.#forget(token, 'ended');
    await Promise.all(held.map(([, entry]) => this.release(entry.session)));
  }

  #forget(token: string, reason: ResumeRefusal): void {
    const entry = this.#entries.get(token);
    if (!entry) return;
    if (entry.buffer) this.#releaseHold(entry);
    this.#entries.delete(token);
    this.#remember(token, reason);
  }

  #releaseHold(entry: Entry): void {
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    const address = entry.session.address;
    const n = (this.#heldPerAddress.get(address) ?? 1) - 1;
    if (n <= 0) this.#heldPerAddress.delete(address);
    else this.#heldPerAddress.set(address, n);
  }

  #remember(token: string, reason: ResumeRefusal): void {
    this.#gone.set(token, reason);
    if (this.#gone.size > MAX_GONE) this.#gone.delete(this.#gone.keys().next().value as string);
  }

  #tooManyFailures(address: string): boolean {
    const record = this.#failures.get(address);
    if (!record) return false;
    if (this.clock.now() - record.since > this.options.graceMs) {
      this.#failures.delete(address);
      return false;
    }
    return record.count >= this.options.maxFailedAttemptsPerAddress;
  }

  #countFailure(address: string): void {
    const record = this.#failures.get(address);
    if (record) record.count++;
    else {
      this.#failures.set(address, { count: 1, since: this.clock.now() });
      if (this.#failures.size > MAX_ADDRESSES)
        this.#failures.delete(this.#failures.keys().next().value as string);
    }
  }
}

function refusalMessage(reason: ResumeRefusal, graceMs: number): string {
  switch (reason) {
    case 'expired':
      return `the session was not resumed within the ${Math.round(graceMs / 1000)} s grace period and has ended`;
    case 'ended':
      return 'the session has ended';
    case 'other_user':
      return 'the token belongs to another user';
    case 'unknown_token':
      return 'no session has this token (it was never issued or was already used)';
    case 'too_many_attempts':
      return 'too many refused resume attempts';
  }
}

import { checkJsonShape } from '@chorus/protocol';

/** How much of the relay one scope keeps for newcomers. */
export interface StatelyRelayLimits {
  /** Messages replayed to a newcomer (default 200). */
  readonly replayMessages: number;
  /** Bytes of messages kept for replay per scope (default 4 MiB). */
  readonly replayBytes: number;
  /** Largest message relayed (default 256 KiB); a larger one is refused with an error. */
  readonly messageBytes: number;
}

export const DEFAULT_STATELY_RELAY_LIMITS: StatelyRelayLimits = {
  replayMessages: 200,
  replayBytes: 4 * 1024 * 1024,
  messageBytes: 256 * 1024,
};

type Reader = (message: string) => void;

interface Scope {
  readonly readers: Set<Reader>;
  /** Messages kept for replay, oldest first, each with the reader that published it. */
  readonly recent: { message: string; owner: Reader }[];
  bytes: number;
}

/**
 * Lets any XState app be inspected offline: `createWebSocketInspector({ url: 'ws://host/inspect' })`
 * from `@statelyai/inspect` sends one JSON message per inspection event (`@xstate.actor`,
 * `@xstate.event`, `@xstate.snapshot`); the relay passes each to the other `/inspect` readers of the
 * same scope (the publisher's user) and replays the most recent ones to newcomers of that scope, as
 * Stately's own inspector server does for its one user. Scopes keep one user's app (its events,
 * snapshots and context) from another user's view; the replay is bounded by count and bytes, and a
 * publisher's messages are dropped when it leaves.
 */
export class StatelyRelay {
  readonly #scopes = new Map<string, Scope>();

  constructor(private readonly limits: StatelyRelayLimits = DEFAULT_STATELY_RELAY_LIMITS) {}

  /** Bytes kept for replay across every scope. */
  get bytes(): number {
    let total = 0;
    for (const scope of this.#scopes.values()) total += scope.bytes;
    return total;
  }

  /**
   * Registers a reader in `scope`; returns the messages to replay to it and the function that
   * unregisters it and drops the messages it published.
   */
  join(scopeKey: string, reader: Reader): { replay: readonly string[]; leave: () => void } {
    let scope = this.#scopes.get(scopeKey);
    if (!scope) {
      scope = { readers: new Set(), recent: [], bytes: 0 };
      this.#scopes.set(scopeKey, scope);
    }
    scope.readers.add(reader);
    const joined = scope;
    return {
      replay: joined.recent.map((r) => r.message),
      leave: () => {
        joined.readers.delete(reader);
        const kept = joined.recent.filter((r) => r.owner !== reader);
        joined.recent.splice(0, joined.recent.length, ...kept);
        joined.bytes = kept.reduce((sum, r) => sum + r.message.length, 0);
        if (joined.readers.size === 0 && this.#scopes.get(scopeKey) === joined) this.#scopes.delete(scopeKey);
      },
    };
  }

  /**
   * Passes one message from `sender` to every other reader of its scope and keeps it for replay.
   * Returns an error message instead when the message is over the size limit.
   */
  publish(scopeKey: string, message: string, sender: Reader): string | undefined {
    if (message.length > this.limits.messageBytes) {
      return `inspection messages are at most ${this.limits.messageBytes} bytes, got ${message.length}`;
    }
    const scope = this.#scopes.get(scopeKey);
    if (!scope?.readers.has(sender)) return 'publish after joining the relay';
    scope.recent.push({ message, owner: sender });
    scope.bytes += message.length;
    while (
      scope.recent.length > this.limits.replayMessages ||
      (scope.bytes > this.limits.replayBytes && scope.recent.length > 0)
    ) {
      scope.bytes -= scope.recent.shift()!.message.length;
    }
    for (const reader of scope.readers) if (reader !== sender) reader(message);
    return undefined;
  }

  close(): void {
    this.#scopes.clear();
  }
}

/** The message types `@statelyai/inspect` sends. */
const STATELY_TYPES = new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot']);

/**
 * Checks an inbound `/inspect` frame: the text of a Stately inspection message, or an error saying
 * what was wrong with it.
 */
export function readStatelyMessage(
  data: Uint8Array,
): { ok: true; text: string } | { ok: false; message: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return { ok: false, message: 'inspection messages are UTF-8 JSON text' };
  }
  const shape = checkJsonShape(text);
  if (shape) return { ok: false, message: `inspection message ${shape.message}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: 'inspection messages are JSON objects' };
  }
  const type = parsed && typeof parsed === 'object' ? (parsed as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !STATELY_TYPES.has(type)) {
    return {
      ok: false,
      message: `/inspect accepts only @statelyai/inspect messages (${[...STATELY_TYPES].join(', ')}); got type ${JSON.stringify(type ?? null)}`,
    };
  }
  if (typeof (parsed as { sessionId?: unknown }).sessionId !== 'string') {
    return { ok: false, message: `${type} needs a string sessionId` };
  }
  return { ok: true, text };
}

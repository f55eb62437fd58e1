/**
 * Lets any XState app be inspected offline: `createWebSocketInspector({ url: 'ws://host/inspect' })`
 * from `@statelyai/inspect` sends one JSON message per inspection event (`@xstate.actor`,
 * `@xstate.event`, `@xstate.snapshot`); the relay passes each to every other `/inspect` reader and
 * replays the most recent ones to newcomers, as Stately's own inspector server does.
 */
export class StatelyRelay {
  readonly #recent: string[] = [];
  readonly #readers = new Set<(message: string) => void>();

  constructor(
    /** How many messages a newcomer is replayed. */
    private readonly replayLimit = 200,
  ) {}

  /** Registers a reader; returns the messages to replay to it and an unsubscribe function. */
  join(reader: (message: string) => void): { replay: readonly string[]; leave: () => void } {
    this.#readers.add(reader);
    return { replay: [...this.#recent], leave: () => this.#readers.delete(reader) };
  }

  /** Passes one message from `sender` to every other reader and keeps it for replay. */
  publish(message: string, sender: (message: string) => void): void {
    this.#recent.push(message);
    if (this.#recent.length > this.replayLimit) this.#recent.shift();
    for (const reader of this.#readers) if (reader !== sender) reader(message);
  }

  close(): void {
    this.#readers.clear();
    this.#recent.length = 0;
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

import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { Observable } from 'rxjs';
import { UsageError } from './usage-error.js';

/** A room or an agent the CLI can talk to: a `ChatRoom` or a `RealtimeAgent` (or anything shaped like them). */
export interface ConversationTarget {
  readonly events$: Observable<ServerEvent>;
  start(): Promise<void>;
  stop(): Promise<void>;
  handleInput(event: ClientEvent, user?: { id: string; name?: string }): unknown;
  join?(user: { id: string; name?: string }): {
    readonly events$: Observable<ServerEvent>;
    handleInput(event: unknown): unknown;
    leave(): void;
  };
}

/** How the terminal user talks to a target: their view of its events, and their input. */
export interface TerminalSession {
  readonly events$: Observable<ServerEvent>;
  say(text: string): void;
  /**
   * Says `text` and resolves once it is answered, when the target can tell (a room's `send`);
   * undefined when it cannot (an agent), and the caller waits for quiet instead.
   */
  readonly ask?: (text: string) => Promise<void>;
  leave(): void;
}

const TERMINAL_USER = { id: 'you', name: 'You' };

/** Joins a room as the terminal user, or talks to an agent directly. */
export function openSession(target: ConversationTarget): TerminalSession {
  const view = target.join?.(TERMINAL_USER);
  if (view) {
    const send = roomSend(target);
    return {
      events$: view.events$,
      say: (text) => view.handleInput({ type: 'client_text_append', text }),
      // A refused or unanswered input shows as an error event in the view; the prompt goes on.
      ...(send ? { ask: (text: string) => send(text, TERMINAL_USER).then(noop, noop) } : {}),
      leave: () => view.leave(),
    };
  }
  return {
    events$: target.events$,
    say: (text) => target.handleInput({ type: 'client_text_append', text }),
    leave: () => {},
  };
}

const noop = () => undefined;

/** A room's awaitable `send(text, user)` (`ChatRoom.send`), when the target has one. */
function roomSend(
  target: ConversationTarget,
): ((text: string, user: { id: string; name: string }) => Promise<unknown>) | undefined {
  const send = (target as { send?: unknown }).send;
  if (typeof send !== 'function') return undefined;
  return (text, user) => (send as (t: string, u: typeof user) => Promise<unknown>).call(target, text, user);
}

/** Whether `value` looks like a room or an agent the CLI can run. */
export function isConversationTarget(value: unknown): value is ConversationTarget {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.start === 'function' &&
    typeof candidate.stop === 'function' &&
    typeof candidate.handleInput === 'function' &&
    typeof candidate.events$ === 'object' &&
    candidate.events$ !== null
  );
}

/** Picks a named room; an unknown name is an error listing the known ones. */
export function pickRoom<T>(rooms: Readonly<Record<string, T>>, name: string): T {
  const room = Object.hasOwn(rooms, name) ? rooms[name] : undefined;
  if (room === undefined) {
    throw new UsageError(`unknown room "${name}"; the rooms are: ${Object.keys(rooms).join(', ')}`);
  }
  return room;
}

import type { RoomUser, ShapingReport } from '@chorus/core';
import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { Observable, Observer } from 'rxjs';
import type { AnyActorRef } from 'xstate';

export type { RoomUser } from '@chorus/core';

/**
 * What the gateway serves: a `ChatRoom` or a single `RealtimeAgent` from `@chorus/core`, or anything
 * shaped like them.
 */
export interface Servable {
  readonly events$: Observable<ServerEvent>;
  start(outgoing?: Partial<Observer<ServerEvent>>): Promise<void>;
  /** Validated input from one user; rooms attribute it to `user`. */
  handleInput(event: ClientEvent, user?: RoomUser): unknown;
  stop(): Promise<void>;
  /**
   * Rooms track their users: `join` returns the user's own view of the room (without their own
   * messages echoed back). Agents have no such notion.
   */
  join?(user: RoomUser): RoomUserView | undefined;
  leave?(user: RoomUser): void;
  /**
   * The user's client dropped and the gateway holds their session for its grace period (`true`), or
   * they came back (`false`): the room treats them as away meanwhile (`ChatRoom.setAway`,
   * `RealtimeAgent.setAway`).
   */
  setAway?(user: RoomUser, away: boolean): void;
  /** The room as it is now, as events, for a client that joins it late (`ChatRoom.present`). */
  present?(): ServerEvent[];
  /**
   * Applies a private session's config to the agents before they start (`ChatRoom.shape`,
   * `RealtimeAgent.shape`), reporting what took effect.
   */
  shape?(config: Readonly<Record<string, unknown>>): ShapingReport;
  /** The root actor, for the inspector feed. */
  readonly actor?: AnyActorRef;
}

/** One user's view of a room, as `ChatRoom.join` returns it. */
export interface RoomUserView {
  readonly events$: Observable<ServerEvent>;
  leave(): void;
}

/** Builds a fresh room or agent; called once per private session, or once per shared named room. */
export type ServableFactory = () => Servable | Promise<Servable>;

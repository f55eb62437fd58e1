import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { Observable, Observer } from 'rxjs';
import type { AnyActorLogic, AnyActorRef, InputFrom } from 'xstate';
import type { ChorusClock } from '../clock.js';
import type { ConversationItem } from '../model/realtime-model.js';

/**
 * What a ChatRoom needs from a participant. `RealtimeAgent` implements it; a room never reaches
 * into an agent's internals, so other kinds of members (a human relay, a moderator bot) can join.
 */
export interface RoomMember {
  /** Unique within the room; used as `agent_id` in events. */
  readonly id: string;
  /** The display name; other members hear this member's words attributed to it. */
  readonly name: string;
  /** Everything the member emits, already attributed (`agent_id`, `agent_name`). */
  readonly events$: Observable<ServerEvent>;
  /** The lifecycle state, e.g. `listening` or `responding`. */
  readonly state: string;
  /**
   * Starts the member. With `spawn`, its actor is created as a child of the room's root actor
   * (one root actor per room) instead of as a root of its own.
   */
  start(outgoing?: Partial<Observer<ServerEvent>>, options?: MemberStartOptions): Promise<void>;
  /** Input from a user (already validated). */
  handleInput(event: ClientEvent): void;
  /**
   * Another participant's words, attributed by name. `respond` says whether this member holds the
   * floor and should answer now; otherwise it only adds the words to its context.
   */
  hear(message: HeardMessage): void;
  /** Every user of the room is away (their clients dropped and may come back), or one is back. */
  setAway?(user: null, away: boolean): void;
  /** Prior conversation items to start from; called before `start`. */
  seedHistory?(items: readonly ConversationItem[]): void;
  stop(): Promise<void>;
}

export interface HeardMessage {
  readonly speaker: string;
  readonly text: string;
  readonly respond: boolean;
}

export interface MemberStartOptions {
  /**
   * Creates the member's actor, with its input, as a child of a room actor and resolves with its ref
   * once the room's snapshot holds it; rejects if the room is not in a state that spawns members
   * (starting or running) or stops first. The child belongs
   * to the room: the member must not call `stop()` on it (XState refuses to stop a non-root actor
   * directly); the room stops it once the member's `stop()` has resolved.
   */
  readonly spawn?: <TLogic extends AnyActorLogic>(
    logic: TLogic,
    id: string,
    input?: InputFrom<TLogic>,
  ) => Promise<AnyActorRef>;
  /**
   * The names of the other members of the room. A handoff to one of them passes the floor (the
   * room asks that member to answer) instead of swapping this member's own instructions; the
   * member still emits `agent_handoff` with `to` set to the peer's name.
   */
  readonly peers?: readonly string[];
  /**
   * The room's clock. A member that keeps time (timeouts, pacing, idle prompts) should keep it on
   * this clock, so that one clock drives the whole room and a test moves it alone.
   */
  readonly clock?: ChorusClock;
}

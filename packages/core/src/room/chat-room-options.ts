import type { ServerEvent } from '@chorus/protocol';
import type { Observable } from 'rxjs';
import type { ActorOptions } from 'xstate';
import type { ChorusClock } from '../clock.js';
import type { ConversationItem } from '../model/realtime-model.js';
import type { RoomState, roomMachine } from './chat-room.machine.js';
import type { FloorName, FloorPolicy, ModeratorFn } from './floor-policy.js';
import type { RoomMember } from './member.js';
import type { SpeechDetector } from './speech-activity.js';

// The room's configuration and reporting surface, kept apart so the class file reads as behaviour.

/**
 * How an agent's words reach the other agents:
 * - `text` (default): its final transcript (or text), through `hear({ speaker: <its name>, text,
 *   respond })`; `respond` is true for the agents the floor policy picks to answer.
 * - `audio`: its audio as `client_audio_append` events (the delta and format exactly as emitted; the
 *   receiving agent converts to its model's input format; audio the speaker's model gave as bytes
 *   reaches the listeners' models as those bytes, not through base64, when it is audio a client could
 *   send), then `client_audio_commit` when its audio
 *   ends. The agents picked to answer then get `client_response_create`. Audio carries no name, and
 *   a receiving model with automatic turn detection may answer on its own: give room members
 *   `createResponse: false` turn detection when relaying audio.
 */
export type RoomRelay = 'text' | 'audio';

/** A person in the room. `name` attributes their words (defaults to the id). */
export interface RoomUser {
  readonly id: string;
  readonly name?: string;
}

export interface ChatRoomOptions {
  /** The room id, stamped as `room_id` on what it relays. Default: a random one. */
  readonly id?: string;
  /** The speakers. Their ids and names must be unique. */
  readonly agents: readonly RoomMember[];
  /** Who may speak when (see {@link FloorPolicy}). Default `free`. */
  readonly floor?: FloorName | FloorPolicy;
  /**
   * For the `moderator` floor: a function choosing the next speaker, or an agent asked to choose
   * (see {@link memberModerator}); an agent moderator is started and stopped with the room.
   */
  readonly moderator?: ModeratorFn | RoomMember;
  /** Agent-to-agent turns allowed between two user inputs (the loop guard). Default 6. */
  readonly maxAgentTurns?: number;
  /** How agents hear each other. Default `text`. */
  readonly relay?: RoomRelay;
  /**
   * The clock of the room's actor system, hence of every member's actor (children share their
   * root's clock), and of the wait for an agent moderator. Default: real time. Pass XState's
   * `SimulatedClock` or the `TestClock` of `@chorus/core/testing` in tests.
   */
  readonly clock?: ChorusClock;
  /** XState inspection of the room's actor and every member's actor, for the inspector. */
  readonly inspect?: ActorOptions<typeof roomMachine>['inspect'];
  /** How long an agent moderator may take to answer. Default 10 s. */
  readonly moderatorTimeoutMs?: number;
  /** How many recent utterances floor policies see. Default 50. */
  readonly transcriptLimit?: number;
  /**
   * Whether a client's session config may shape the agents before the room starts (see
   * `ChatRoom.shape`): AgentScope's pages name and instruct their agents this way. Default false:
   * the room's agents are as the code made them.
   */
  readonly clientShaping?: boolean;
  /**
   * Users' speech: each user's audio runs through a detector of its own (default: a level detector
   * at -40 dBFS), and each agent's model hears one speaker's turn at a time; who speaks during
   * someone else's turn waits, with at most `maxQueuedMs` of audio queued (default 30 s).
   */
  readonly speech?: {
    readonly detector?: () => SpeechDetector;
    readonly maxQueuedMs?: number;
  };
  /**
   * Prior conversation items every agent starts from (resuming yesterday's call in this room); an
   * agent that cannot be seeded (`seedHistory` missing) is refused with a TypeError.
   */
  readonly history?: readonly ConversationItem[];
}

/** One user's view of the room: everything except their own words, and their input. */
export interface RoomUserSession {
  readonly user: RoomUser;
  /** Completes when the user leaves or the room stops. */
  readonly events$: Observable<ServerEvent>;
  /** Same as `room.handleInput(event, user)`. */
  handleInput(event: unknown): boolean;
  leave(): void;
}

/** What the room still holds; all zero (and the actor stopped) after `stop()`. */
export interface RoomResources {
  readonly state: RoomState;
  /** The root actor's status: `active`, `done` or `stopped`. */
  readonly actorStatus: string;
  /** Child actors of the root actor (members' machines). */
  readonly children: number;
  /** Open subscriptions to the room bus (clients, users, the room's own router). */
  readonly busSubscribers: number;
  /** Open subscriptions of the room to its members' event streams. */
  readonly memberSubscriptions: number;
  /** Events published but not yet delivered. */
  readonly pendingEvents: number;
  /** Floor decisions queued or running. */
  readonly pendingDecisions: number;
  readonly users: number;
}

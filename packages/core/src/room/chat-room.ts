import { type ClientEvent, parseClientEvent, type ServerEvent, type ServerEventOf } from '@chorus/protocol';
import { filter, merge, type Observable, type Observer, Subject, type Subscription, takeUntil } from 'rxjs';
import { type Actor, type ActorOptions, type AnyActorLogic, type AnyActorRef, createActor } from 'xstate';
import { type ChorusClock, systemClock } from '../clock.js';
import { BoundedMap } from './bounded-map.js';
import { type RoomState, roomMachine } from './chat-room.machine.js';
import {
  type FloorAgent,
  type FloorContext,
  type FloorName,
  type FloorPolicy,
  type ModeratorFn,
  type RoomUtterance,
  resolveFloorPolicy,
} from './floor-policy.js';
import { DEFAULT_MAX_AGENT_TURNS } from './loop-guard.js';
import type { HeardMessage, RoomMember } from './member.js';
import { memberModerator } from './member-moderator.js';
import { RoomBus } from './room-bus.js';
import { finalWords, serverError, stampRoom } from './room-events.js';

/**
 * How an agent's words reach the other agents:
 * - `text` (default): its final transcript (or text), through `hear({ speaker: <its name>, text,
 *   respond })`; `respond` is true for the agents the floor policy picks to answer.
 * - `audio`: its audio as `client_audio_append` events (the delta and format exactly as emitted; the
 *   receiving agent converts to its model's input format), then `client_audio_commit` when its audio
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

interface AudioTurn {
  readonly targets: readonly string[];
  readonly user: Required<RoomUser>;
}

const DEFAULT_USER: Required<RoomUser> = { id: 'user', name: 'User' };
const DEFAULT_TRANSCRIPT_LIMIT = 50;
/** Member states in which a `client_response_cancel` has something to cancel. */
const BUSY_STATES: ReadonlySet<string> = new Set(['responding', 'runningTools', 'handingOff']);
const OWNER_LIMIT = 1024;

/**
 * A room where several agents and users talk: one root actor (lifecycle, floor, loop guard) with
 * every member's actor as a child, and a bus that delivers every event asynchronously and in the
 * same order to everybody.
 *
 * - User text goes to the agents the floor policy picks (`hear` with `respond: true`); the others
 *   hear it as context. Other users receive it as `room_user_message`; nobody receives their own.
 * - User audio (and images, `client_response_create`) goes to the floor holder; when nobody holds
 *   the floor, the policy is asked with an empty utterance at the start of each spoken turn (a
 *   moderator cannot judge silence: then every agent gets it). Speech transcribed by the agents
 *   that heard it reaches the others as context.
 * - An agent's final words reach the other agents per `relay`, and every client with attribution
 *   and `room_id`. A handoff to another member passes the floor to it.
 * - The loop guard caps agent-to-agent turns between user inputs and emits
 *   `room_floor_changed { agent_id: null, reason: 'loop_guard' }` when it stops a chain.
 */
export class ChatRoom {
  readonly id: string;
  /** The root actor, for the inspector. */
  readonly actor: Actor<typeof roomMachine>;
  readonly members: readonly RoomMember[];
  readonly policy: FloorPolicy;
  readonly relay: RoomRelay;

  readonly #bus = new RoomBus<ServerEvent>();
  readonly #byId = new Map<string, RoomMember>();
  readonly #moderator: RoomMember | undefined;
  readonly #users = new Map<string, UserEntry>();
  readonly #memberSubscriptions: Subscription[] = [];
  readonly #childIds = new Set<string>();
  readonly #transcript: RoomUtterance[] = [];
  readonly #transcriptLimit: number;
  readonly #abort = new AbortController();
  /** Which agent a tool call, approval or audio item belongs to, for routing client answers. */
  readonly #owners = new BoundedMap<string, string>(OWNER_LIMIT);
  /** Responses whose words were relayed; one without words ends its speaker's turn at `done`. */
  readonly #spokenResponses = new BoundedMap<string, true>(OWNER_LIMIT);
  /** Where each user's current spoken turn goes; cleared when the turn ends. */
  readonly #audioTurns = new Map<string, AudioTurn>();
  /** The last spoken turn each agent received, to attribute its transcription. */
  readonly #audioHeardBy = new Map<string, AudioTurn>();
  #decisions: Promise<void> = Promise.resolve();
  #pendingDecisions = 0;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  /** Everything the room emits, in order: agents' events (with `room_id`), user messages, floor changes, errors. */
  readonly events$: Observable<ServerEvent>;

  constructor(options: ChatRoomOptions) {
    this.id = options.id ?? `room_${Math.random().toString(36).slice(2, 10)}`;
    this.members = [...options.agents];
    if (this.members.length === 0) throw new TypeError('ChatRoom: `agents` must name at least one agent');
    const names = new Set<string>();
    for (const member of this.members) {
      if (this.#byId.has(member.id)) throw new TypeError(`ChatRoom: two agents share the id "${member.id}"`);
      const name = member.name.toLowerCase();
      if (names.has(name)) throw new TypeError(`ChatRoom: two agents share the name "${member.name}"`);
      this.#byId.set(member.id, member);
      names.add(name);
    }
    const maxAgentTurns = options.maxAgentTurns ?? DEFAULT_MAX_AGENT_TURNS;
    if (!Number.isInteger(maxAgentTurns) || maxAgentTurns < 0) {
      throw new TypeError(`ChatRoom: maxAgentTurns must be a non-negative integer, got ${maxAgentTurns}`);
    }
    const moderator = options.moderator;
    this.#moderator = moderator === undefined || typeof moderator === 'function' ? undefined : moderator;
    const choose = this.#moderator
      ? memberModerator(this.#moderator, {
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.moderatorTimeoutMs === undefined ? {} : { timeoutMs: options.moderatorTimeoutMs }),
        })
      : (moderator as ModeratorFn | undefined);
    this.policy = resolveFloorPolicy(options.floor ?? 'free', choose);
    this.relay = options.relay ?? 'text';
    this.#transcriptLimit = options.transcriptLimit ?? DEFAULT_TRANSCRIPT_LIMIT;
    this.events$ = this.#bus.events$;

    this.actor = createActor(roomMachine, {
      input: { roomId: this.id, maxAgentTurns },
      clock: options.clock ?? systemClock,
      ...(options.inspect ? { inspect: options.inspect } : {}),
    });
    this.actor.on('floor_changed', ({ agentId, reason }) => {
      this.#bus.publish({ type: 'room_floor_changed', room_id: this.id, agent_id: agentId, reason });
    });
    // An actor error with no listener would crash the process.
    this.actor.subscribe({
      error: (error) => this.#bus.publish(serverError('room_actor_failed', describe(error))),
    });
    this.actor.start();
  }

  /** The lifecycle state: idle, starting, running, stopping, stopped or failed. */
  get state(): RoomState {
    return this.actor.getSnapshot().value as RoomState;
  }

  /** The agent holding the floor alone, or null. */
  get floorHolder(): string | null {
    return this.actor.getSnapshot().context.holder;
  }

  /** Agent-to-agent turns since the last user input. */
  get agentTurns(): number {
    return this.actor.getSnapshot().context.agentTurns;
  }

  get users(): readonly RoomUser[] {
    return [...this.#users.values()].map((u) => u.user);
  }

  /**
   * Starts every member (its actor a child of the room's actor) and, with `outgoing`, delivers
   * every room event to it until the room stops (then `outgoing.complete` is called). If a member
   * fails to start, the others are stopped, the room ends `failed` and the promise rejects.
   */
  start(outgoing?: Partial<Observer<ServerEvent>>): Promise<void> {
    if (this.#starting) return this.#starting;
    if (this.state !== 'idle') return Promise.reject(new Error(`ChatRoom ${this.id} is ${this.state}`));
    this.#starting = this.#start(outgoing);
    return this.#starting;
  }

  async #start(outgoing?: Partial<Observer<ServerEvent>>): Promise<void> {
    this.actor.send({ type: 'room.start' });
    this.#bus.events$.subscribe((event) => {
      try {
        this.#route(event);
      } catch (error) {
        this.#bus.publish(serverError('room_delivery_failed', `${event.type}: ${describe(error)}`));
      }
    });
    if (outgoing) this.#bus.events$.subscribe(guarded(outgoing, (e) => this.#bus.publish(e)));
    const everyone = this.#moderator ? [...this.members, this.#moderator] : this.members;
    for (const member of everyone) {
      const relayed = member !== this.#moderator;
      this.#memberSubscriptions.push(
        member.events$.subscribe({
          next: (event) => {
            if (relayed || event.type === 'agent_error') this.#bus.publish(stampRoom(event, this.id));
          },
          error: (error: unknown) => {
            this.#bus.publish(serverError('member_failed', `${member.name}: ${describe(error)}`));
          },
        }),
      );
    }
    const results = await Promise.allSettled(
      everyone.map((member) =>
        member.start(undefined, {
          spawn: (logic, id) => this.#spawn(logic, id),
          peers: this.members.filter((m) => m !== member).map((m) => m.name),
        }),
      ),
    );
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${everyone[i]!.name}: ${describe(r.reason)}`] : [],
    );
    if (failures.length === 0) {
      this.actor.send({ type: 'room.started' });
      return;
    }
    const message = `room ${this.id} could not start: ${failures.join('; ')}`;
    this.#bus.publish(serverError('room_start_failed', message));
    await this.#release(everyone.filter((_, i) => results[i]!.status === 'fulfilled'));
    this.actor.send({ type: 'room.start_failed', error: message });
    await this.#bus.close();
    this.actor.stop();
    throw new Error(message);
  }

  #spawn(logic: AnyActorLogic, id: string): AnyActorRef {
    if (this.#childIds.has(id)) throw new Error(`ChatRoom ${this.id}: a member actor with id "${id}" exists`);
    this.actor.send({ type: 'member.spawn', id, logic });
    const children: Partial<Record<string, AnyActorRef>> = this.actor.getSnapshot().children;
    const ref = children[id];
    if (!ref) throw new Error(`ChatRoom ${this.id}: cannot spawn "${id}" while ${this.state}`);
    this.#childIds.add(id);
    return ref;
  }

  /**
   * Takes one client event from `user` (default: a single user `user`). The event is validated;
   * a bad one, or one the room cannot place, becomes a `server_error` naming what was wrong.
   * Returns whether the event was accepted.
   */
  handleInput(input: unknown, user?: RoomUser): boolean {
    const parsed = parseClientEvent(input);
    if (!parsed.ok) {
      const { code, message, path, event_id } = parsed.error;
      this.#reject(user, serverError(code, message, event_id, path));
      return false;
    }
    const event = parsed.event;
    if (this.state !== 'running') {
      this.#reject(
        user,
        serverError(
          'room_not_running',
          `room ${this.id} is ${this.state}; ${event.type} ignored`,
          event.event_id,
        ),
      );
      return false;
    }
    const who = this.#userEntry(user ?? DEFAULT_USER).user;
    return this.#dispatch(event, who);
  }

  #dispatch(event: ClientEvent, user: Required<RoomUser>): boolean {
    switch (event.type) {
      case 'client_text_append':
        this.#bus.publish({
          type: 'room_user_message',
          room_id: this.id,
          user_id: user.id,
          user_name: user.name,
          text: event.text,
        });
        return true;
      case 'client_audio_append':
        for (const member of this.#audioTargets(user)) this.#input(member, event);
        return true;
      case 'client_audio_commit':
      case 'client_image_append':
      case 'client_response_create': {
        if (event.type !== 'client_image_append') this.actor.send({ type: 'floor.user_turn' });
        for (const member of this.#audioTargets(user)) this.#input(member, event);
        if (event.type === 'client_audio_commit') this.#audioTurns.delete(user.id);
        return true;
      }
      case 'client_response_cancel': {
        // Only the agents that are answering have anything to cancel.
        const busy = this.members.filter((m) => BUSY_STATES.has(m.state));
        if (busy.length === 0) {
          this.#reject(
            user,
            serverError(
              'response_cancel_not_active',
              'client_response_cancel: no agent is responding',
              event.event_id,
            ),
          );
          return false;
        }
        for (const member of busy) this.#input(member, event);
        return true;
      }
      case 'client_tool_result':
        return this.#toOwner(event, event.id, user);
      case 'client_tool_approval':
        return this.#toOwner(event, event.call_id, user);
      case 'client_playback_position':
        return this.#toOwner(event, event.item_id, user);
      case 'client_session_create':
        if (event.config.user_name) this.#userEntry(user).user = { ...user, name: event.config.user_name };
        return true;
      case 'client_session_end':
        this.leave(user);
        return true;
    }
  }

  #toOwner(event: ClientEvent, key: string, user: Required<RoomUser>): boolean {
    const owner = this.#byId.get(this.#owners.get(key) ?? '');
    if (!owner) {
      this.#reject(
        user,
        serverError(
          'unknown_target',
          `${event.type}: no agent of room ${this.id} is waiting for "${key}"`,
          event.event_id,
        ),
      );
      return false;
    }
    this.#input(owner, event);
    return true;
  }

  #audioTargets(user: Required<RoomUser>): readonly RoomMember[] {
    let turn = this.#audioTurns.get(user.id);
    if (!turn) {
      const holder = this.floorHolder;
      let targets: readonly string[] = holder ? [holder] : this.members.map((m) => m.id);
      if (!holder) {
        const utterance: RoomUtterance = { speaker: { kind: 'user', ...user }, text: '' };
        const choice = this.#trySelect(this.#floorContext(utterance));
        if (choice) {
          this.actor.send({
            type: 'floor.grant',
            agentIds: choice,
            reason: this.policy.name,
            fromAgent: false,
          });
          targets = this.actor.getSnapshot().context.lastGrant;
        }
      }
      turn = { targets, user };
      this.#audioTurns.set(user.id, turn);
      for (const id of targets) this.#audioHeardBy.set(id, turn);
    }
    return turn.targets.flatMap((id) => this.#byId.get(id) ?? []);
  }

  /** The policy's answer if it gives one synchronously and does not throw. */
  #trySelect(context: FloorContext): readonly string[] | undefined {
    try {
      const answer = this.policy.select(context);
      if (answer instanceof Promise) {
        answer.catch(() => undefined);
        return undefined;
      }
      return this.#known(answer);
    } catch {
      return undefined;
    }
  }

  /**
   * Adds a user (or renames one already present). Returns the user's view of the room, which never
   * contains their own messages.
   */
  join(user: RoomUser): RoomUserSession {
    const entry = this.#userEntry(user);
    if (user.name !== undefined) entry.user = { id: user.id, name: user.name };
    entry.direct$ ??= new Subject<ServerEvent>();
    const events$ = merge(
      this.#bus.events$.pipe(
        filter((event) => !(event.type === 'room_user_message' && event.user_id === user.id)),
      ),
      entry.direct$,
    ).pipe(takeUntil(entry.left$));
    return {
      user: entry.user,
      events$,
      handleInput: (event) => this.handleInput(event, entry.user),
      leave: () => this.leave(user),
    };
  }

  /** Removes a user; their `events$` complete. */
  leave(user: RoomUser | string): void {
    const id = typeof user === 'string' ? user : user.id;
    const entry = this.#users.get(id);
    if (!entry) return;
    this.#users.delete(id);
    this.#audioTurns.delete(id);
    entry.left$.next();
    entry.left$.complete();
    entry.direct$?.complete();
  }

  /**
   * An error about one user's input goes to that user alone when they joined with their own view
   * (another user of the room has no business seeing it); otherwise to everyone on the bus.
   */
  #reject(user: RoomUser | undefined, error: ServerEvent): void {
    const direct$ = user ? this.#users.get(user.id)?.direct$ : undefined;
    if (direct$) direct$.next(error);
    else this.#bus.publish(error);
  }

  #userEntry(user: RoomUser): UserEntry {
    let entry = this.#users.get(user.id);
    if (!entry) {
      entry = {
        user: { id: user.id, name: user.name ?? user.id },
        left$: new Subject<void>(),
        direct$: undefined,
      };
      this.#users.set(user.id, entry);
    }
    return entry;
  }

  // The router: the room's own subscriber to its bus, so it sees events in the same order as
  // every client does.
  #route(event: ServerEvent): void {
    if (this.state !== 'running') return;
    switch (event.type) {
      case 'room_user_message': {
        const user = this.#users.get(event.user_id)?.user ?? { id: event.user_id, name: event.user_id };
        this.#enqueue(() => this.#userSaid(user, event.text));
        return;
      }
      case 'agent_response_audio_transcript_done':
      case 'agent_response_text_done': {
        const words = finalWords(event) ?? '';
        if (words.trim() === '') return;
        this.#spokenResponses.set(event.response_id, true);
        this.#enqueue(() => this.#agentSaid(event.agent_id, words));
        return;
      }
      case 'agent_response_done':
        if (!this.#spokenResponses.delete(event.response_id)) {
          this.#enqueue(() => this.#endSilentTurn(event.agent_id));
        }
        return;
      case 'agent_handoff':
        this.#enqueue(() => this.#handoff(event));
        return;
      case 'agent_response_audio_delta':
        if (!this.#owners.has(event.item_id)) this.#owners.set(event.item_id, event.agent_id);
        if (this.relay === 'audio') {
          const relayed: ClientEvent = {
            type: 'client_audio_append',
            audio: event.delta,
            format: event.format,
          };
          for (const other of this.#others(event.agent_id)) this.#input(other, relayed);
        }
        return;
      case 'agent_response_audio_done':
        if (this.relay === 'audio') {
          for (const other of this.#others(event.agent_id))
            this.#input(other, { type: 'client_audio_commit' });
        }
        return;
      case 'agent_response_tool_use_done':
        this.#owners.set(event.tool_use.id, event.agent_id);
        return;
      case 'agent_tool_approval_requested':
        this.#owners.set(event.call_id, event.agent_id);
        return;
      case 'agent_input_done':
        // The spoken turn ended: the next one is placed afresh.
        for (const [userId, turn] of this.#audioTurns) {
          if (turn.targets.includes(event.agent_id)) this.#audioTurns.delete(userId);
        }
        return;
      case 'agent_input_transcription_done':
        this.#enqueue(() => this.#userSpoke(event.agent_id, event.transcript));
        return;
      default:
        return;
    }
  }

  #enqueue(task: () => void | Promise<void>): void {
    this.#pendingDecisions += 1;
    this.#decisions = this.#decisions
      .then(task)
      .catch((error: unknown) => {
        this.#bus.publish(serverError('room_delivery_failed', describe(error)));
      })
      .finally(() => {
        this.#pendingDecisions -= 1;
      });
  }

  async #userSaid(user: Required<RoomUser>, text: string): Promise<void> {
    this.actor.send({ type: 'floor.user_turn' });
    const utterance: RoomUtterance = { speaker: { kind: 'user', ...user }, text };
    const granted = await this.#decide(utterance, false);
    if (granted === undefined) return;
    for (const member of this.members) {
      this.#hear(member, { speaker: user.name, text, respond: granted.includes(member.id) });
    }
  }

  async #agentSaid(agentId: string, text: string): Promise<void> {
    const speaker = this.#byId.get(agentId);
    if (!speaker) return;
    const utterance: RoomUtterance = { speaker: { kind: 'agent', id: speaker.id, name: speaker.name }, text };
    const holder = this.floorHolder;
    // Someone else holds the floor (a handoff moved it on): these words are context only.
    const moved = holder !== null && holder !== agentId;
    if (moved) this.#remember(utterance);
    const granted = moved ? [] : await this.#decide(utterance, true);
    if (granted === undefined) return;
    if (this.relay === 'text') {
      for (const other of this.#others(agentId)) {
        this.#hear(other, { speaker: speaker.name, text, respond: granted.includes(other.id) });
      }
    } else {
      for (const id of granted) {
        const member = this.#byId.get(id);
        if (member) this.#input(member, { type: 'client_response_create' });
      }
    }
  }

  #endSilentTurn(agentId: string): void {
    if (this.state !== 'running' || this.floorHolder !== agentId) return;
    this.actor.send({ type: 'floor.grant', agentIds: [], reason: 'turn_end', fromAgent: false });
  }

  #handoff(event: ServerEventOf<'agent_handoff'>): void {
    if (this.state !== 'running') return;
    const from = this.#byId.get(event.agent_id);
    const wanted = event.to.toLowerCase();
    const target = this.members.find(
      (m) => m.id !== event.agent_id && (m.id === event.to || m.name.toLowerCase() === wanted),
    );
    // A handoff to someone outside the room is the agent's own business (it swaps in place).
    if (!from || !target) return;
    this.actor.send({ type: 'floor.grant', agentIds: [target.id], reason: 'handoff', fromAgent: true });
    if (!this.actor.getSnapshot().context.lastGrant.includes(target.id)) return;
    this.#hear(target, {
      speaker: from.name,
      text: `${from.name} handed the conversation over to ${target.name}.`,
      respond: true,
    });
  }

  #userSpoke(agentId: string, transcript: string): void {
    if (this.state !== 'running' || transcript.trim() === '') return;
    const turn = this.#audioHeardBy.get(agentId);
    const user = turn?.user ?? DEFAULT_USER;
    this.actor.send({ type: 'floor.user_turn' });
    this.#remember({ speaker: { kind: 'user', ...user }, text: transcript });
    const heard = new Set(turn?.targets ?? [agentId]);
    heard.add(agentId);
    for (const member of this.members) {
      if (!heard.has(member.id)) this.#hear(member, { speaker: user.name, text: transcript, respond: false });
    }
  }

  /**
   * Asks the policy who answers `utterance`, records the grant in the actor (the loop guard applies
   * to answers to agents), and returns the granted ids; undefined when the room stopped meanwhile.
   */
  async #decide(utterance: RoomUtterance, fromAgent: boolean): Promise<readonly string[] | undefined> {
    this.#remember(utterance);
    const context = this.#floorContext(utterance);
    let chosen: readonly string[] = [];
    try {
      chosen = this.#known(await this.policy.select(context)).filter((id) => id !== utterance.speaker.id);
    } catch (error) {
      this.#bus.publish(serverError('floor_policy_failed', `floor ${this.policy.name}: ${describe(error)}`));
    }
    if (this.state !== 'running') return undefined;
    this.actor.send({ type: 'floor.grant', agentIds: chosen, reason: this.policy.name, fromAgent });
    return this.actor.getSnapshot().context.lastGrant;
  }

  #floorContext(utterance: RoomUtterance): FloorContext {
    const { holder, lastHolder, agentTurns, maxAgentTurns } = this.actor.getSnapshot().context;
    const agents: FloorAgent[] = this.members.map((m) => ({ id: m.id, name: m.name }));
    const transcript =
      this.#transcript.at(-1) === utterance ? [...this.#transcript] : [...this.#transcript, utterance];
    return {
      roomId: this.id,
      agents,
      utterance,
      holder,
      lastHolder,
      agentTurns,
      maxAgentTurns,
      transcript,
      signal: this.#abort.signal,
    };
  }

  #remember(utterance: RoomUtterance): void {
    this.#transcript.push(utterance);
    if (this.#transcript.length > this.#transcriptLimit) this.#transcript.shift();
  }

  #known(ids: readonly string[]): string[] {
    return [...new Set(ids)].filter((id) => this.#byId.has(id));
  }

  // One member failing must not keep the words from the others.
  #hear(member: RoomMember, message: HeardMessage): void {
    try {
      member.hear(message);
    } catch (error) {
      this.#bus.publish(serverError('member_failed', `${member.name} could not hear: ${describe(error)}`));
    }
  }

  #input(member: RoomMember, event: ClientEvent): void {
    try {
      member.handleInput(event);
    } catch (error) {
      this.#bus.publish(
        serverError('member_failed', `${member.name} rejected ${event.type}: ${describe(error)}`),
      );
    }
  }

  #others(agentId: string): RoomMember[] {
    return this.members.filter((m) => m.id !== agentId);
  }

  /** Resolves once every published event is delivered and every floor decision made. */
  async settled(): Promise<void> {
    for (;;) {
      await this.#bus.drained();
      await this.#decisions;
      await Promise.resolve();
      if (this.#bus.pending === 0 && this.#pendingDecisions === 0) return;
    }
  }

  /** What the room still holds (see {@link RoomResources}). */
  resources(): RoomResources {
    const snapshot = this.actor.getSnapshot();
    return {
      state: this.state,
      actorStatus: snapshot.status,
      children: Object.keys(snapshot.children).length,
      busSubscribers: this.#bus.subscriberCount,
      memberSubscriptions: this.#memberSubscriptions.filter((s) => !s.closed).length,
      pendingEvents: this.#bus.pending,
      pendingDecisions: this.#pendingDecisions,
      users: this.#users.size,
    };
  }

  /**
   * Stops every member, releases their actors, waits for pending floor decisions, delivers what
   * is queued, completes every subscriber and stops the root actor. Idempotent. Rejects (after
   * cleaning up all the same) if a member failed to stop; the room then ends `failed`.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.#starting) await this.#starting.catch(() => undefined);
    if (this.state === 'idle') this.actor.send({ type: 'room.stop' });
    if (this.state === 'stopped' || this.state === 'failed') {
      await this.#closeAll();
      return;
    }
    this.actor.send({ type: 'room.stop' });
    this.#abort.abort();
    const everyone = this.#moderator ? [...this.members, this.#moderator] : this.members;
    const failures = await this.#release(everyone);
    await this.#decisions;
    if (failures.length > 0) {
      const message = `room ${this.id} did not stop cleanly: ${failures.join('; ')}`;
      this.#bus.publish(serverError('room_stop_failed', message));
      this.actor.send({ type: 'room.stop_failed', error: message });
      await this.#closeAll();
      throw new Error(message);
    }
    this.actor.send({ type: 'room.stopped' });
    await this.#closeAll();
  }

  /** Stops `members`, ends the room's subscriptions to them and releases their actors. */
  async #release(members: readonly RoomMember[]): Promise<string[]> {
    const results = await Promise.allSettled(members.map((m) => m.stop()));
    // Members' last words (agent_ended) are queued by now; deliver them before letting go.
    await this.#bus.drained();
    for (const subscription of this.#memberSubscriptions) subscription.unsubscribe();
    for (const id of this.#childIds) this.actor.send({ type: 'member.release', id });
    this.#childIds.clear();
    return results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${members[i]!.name}: ${describe(r.reason)}`] : [],
    );
  }

  async #closeAll(): Promise<void> {
    for (const id of [...this.#users.keys()]) this.leave(id);
    this.#owners.clear();
    this.#spokenResponses.clear();
    this.#audioTurns.clear();
    this.#audioHeardBy.clear();
    await this.#bus.close();
    this.actor.stop();
  }
}

/**
 * Wraps a caller's observer so that a throw in it becomes a `server_error` on the bus instead of an
 * unhandled error (which RxJS rethrows on a timer, crashing the process). A throw while handling
 * that very error is dropped, to avoid a loop.
 */
function guarded(
  observer: Partial<Observer<ServerEvent>>,
  report: (event: ServerEvent) => void,
): Partial<Observer<ServerEvent>> {
  return {
    next: (event) => {
      try {
        observer.next?.(event);
      } catch (error) {
        if (event.type === 'server_error' && event.code === 'outgoing_failed') return;
        report(
          serverError('outgoing_failed', `the outgoing observer threw on ${event.type}: ${describe(error)}`),
        );
      }
    },
    complete: () => observer.complete?.(),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface UserEntry {
  user: Required<RoomUser>;
  readonly left$: Subject<void>;
  /** This user's own errors; created when the user joins with a view of the room. */
  direct$: Subject<ServerEvent> | undefined;
}

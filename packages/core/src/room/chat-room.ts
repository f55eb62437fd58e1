import { type ClientEvent, parseClientEvent, type ServerEvent } from '@chorus/protocol';
import type { Observable, Observer, Subscription } from 'rxjs';
import { type Actor, type AnyActorLogic, type AnyActorRef, createActor, waitFor } from 'xstate';
import { refuseShaping, type ShapingReport, shapeMembers } from '../agent/client-shaping.js';
import { type ChorusClock, systemClock } from '../clock.js';
import { AudioTurns } from './audio-turns.js';
import { BoundedMap } from './bounded-map.js';
import { type MemberLogic, provideMembers, type RoomState, type roomMachine } from './chat-room.machine.js';
import type {
  ChatRoomOptions,
  RoomRelay,
  RoomResources,
  RoomUser,
  RoomUserSession,
} from './chat-room-options.js';
import { type FloorPolicy, type ModeratorFn, resolveFloorPolicy } from './floor-policy.js';
import { DEFAULT_MAX_AGENT_TURNS } from './loop-guard.js';
import type { RoomMember } from './member.js';
import { describeError as describe, inputSafely } from './member-delivery.js';
import { memberModerator } from './member-moderator.js';
import { RoomBus } from './room-bus.js';
import { serverError, stampRoom } from './room-events.js';
import { RoomFloor } from './room-floor.js';
import { RoomRouter } from './room-router.js';
import { seedMembers } from './room-seed.js';
import { waitForAnswers } from './room-send.js';
import { type RoomSendOptions, type RoomTurnResult, RoomTurns, replyOf } from './room-turns.js';
import { DEFAULT_USER, RoomUsers } from './room-users.js';
import { energySpeechDetector } from './speech-activity.js';
import { VoiceLanes } from './voice-lanes.js';

export type {
  ChatRoomOptions,
  RoomRelay,
  RoomResources,
  RoomUser,
  RoomUserSession,
} from './chat-room-options.js';
export type { RoomReply, RoomSendOptions, RoomTurnResult } from './room-turns.js';

const DEFAULT_TRANSCRIPT_LIMIT = 50;
/** Member states in which a `client_response_cancel` has something to cancel. */
const BUSY_STATES: ReadonlySet<string> = new Set(['responding', 'runningTools', 'handingOff']);
const OWNER_LIMIT = 1024;
const DEFAULT_MAX_QUEUED_SPEECH_MS = 30_000;
const DEFAULT_SEND_TIMEOUT_MS = 60_000;

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
 *
 * The class owns the lifecycle and the front door (input); beside it live the router of bus events
 * ({@link RoomRouter}), floor decisions ({@link RoomFloor}), users' views ({@link RoomUsers}) and
 * spoken turns ({@link AudioTurns}).
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
  readonly #users = new RoomUsers();
  readonly #memberSubscriptions: Subscription[] = [];
  readonly #childIds = new Set<string>();
  /** A starting member's logic, for the length of its `member.spawn` event. */
  readonly #memberLogic = new Map<string, MemberLogic>();
  readonly #abort = new AbortController();
  /** Which agent a tool call, approval or audio item belongs to, for routing client answers. */
  readonly #owners = new BoundedMap<string, string>(OWNER_LIMIT);
  readonly #audioTurns = new AudioTurns();
  readonly #turns: RoomTurns;
  /** Each user's own input path: whose speech each agent's model hears when. */
  readonly #voices: VoiceLanes;
  readonly #clock: ChorusClock;
  /** Made once: member delivery runs per audio frame and must not allocate a callback each time. */
  readonly #publish = (event: ServerEvent) => this.#bus.publish(event);
  readonly #floor: RoomFloor;
  readonly #router: RoomRouter;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  readonly #clientShaping: boolean;

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
    if (options.history) seedMembers(this.members, options.history);
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
    this.events$ = this.#bus.events$;
    this.#clientShaping = options.clientShaping === true;
    this.#turns = new RoomTurns(this.members.map((m) => m.name));
    this.#clock = options.clock ?? systemClock;
    const speech = options.speech ?? {};
    this.#voices = new VoiceLanes({
      detector: speech.detector ?? (() => energySpeechDetector()),
      maxQueuedMs: speech.maxQueuedMs ?? DEFAULT_MAX_QUEUED_SPEECH_MS,
      deliver: (member, event) => this.#input(member, event),
      dropped: (user, message) => this.#reject(user, serverError('input_audio_dropped', message)),
    });

    this.actor = createActor(
      provideMembers((id) => this.#memberLogic.get(id)),
      {
        input: { roomId: this.id, maxAgentTurns },
        clock: this.#clock,
        ...(options.inspect ? { inspect: options.inspect } : {}),
      },
    );
    const publish = this.#publish;
    this.#floor = new RoomFloor({
      roomId: this.id,
      actor: this.actor,
      policy: this.policy,
      members: this.members,
      byId: this.#byId,
      transcriptLimit: options.transcriptLimit ?? DEFAULT_TRANSCRIPT_LIMIT,
      awayUsers: () => this.#users.away,
      signal: this.#abort.signal,
      publish,
    });
    this.#router = new RoomRouter({
      actor: this.actor,
      members: this.members,
      byId: this.#byId,
      relay: this.relay,
      floor: this.#floor,
      owners: this.#owners,
      audioTurns: this.#audioTurns,
      userNamed: (id) => this.#users.named(id),
      publish,
      asked: (id) => this.#turns.asked(id),
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
    return this.#users.list;
  }

  /**
   * Starts every member (its actor a child of the room's actor) and, with `outgoing`, delivers
   * every room event to it until the room stops (then `outgoing.complete` is called). If a member
   * fails to start, the others are stopped, the room ends `failed` and the promise rejects. A room
   * runs once: `start()` after `stop()` rejects.
   */
  start(outgoing?: Partial<Observer<ServerEvent>>): Promise<void> {
    // A stopped room has released its members and closed its bus: it cannot run again, and saying
    // so beats resolving as if it were running (the earlier start's promise is long settled).
    if (this.#stopping)
      return Promise.reject(new Error(`room ${this.id} was stopped; create a new ChatRoom to start again`));
    if (this.#starting) return this.#starting;
    if (this.state !== 'idle') return Promise.reject(new Error(`ChatRoom ${this.id} is ${this.state}`));
    this.#starting = this.#start(outgoing);
    return this.#starting;
  }

  async #start(outgoing?: Partial<Observer<ServerEvent>>): Promise<void> {
    this.actor.send({ type: 'room.start' });
    this.#bus.events$.subscribe((event) => {
      try {
        this.#turns.observe(event);
        this.#router.route(event);
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
            if (relayed || event.type === 'agent_error')
              this.#bus.publish(stampRoom(this.#voices.observe(event), this.id));
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
          spawn: (logic, id, input) => this.#spawn(logic, id, input),
          peers: this.members.filter((m) => m !== member).map((m) => m.name),
          clock: this.#clock,
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

  /**
   * Makes a member's actor a child of the room's actor. The logic waits in `#memberLogic` for the
   * machine's `spawnMember` action, which the spawn event names by id only. The child is read once
   * the room's snapshot holds it (XState's `waitFor`), not right after the send: an event sent while
   * the actor is busy is taken later. Rejects, naming the state, if the room cannot spawn (it is
   * not starting or running) or stops first.
   */
  async #spawn(logic: AnyActorLogic, id: string, input: unknown): Promise<AnyActorRef> {
    if (this.#childIds.has(id) || this.#memberLogic.has(id))
      throw new Error(`ChatRoom ${this.id}: a member actor with id "${id}" exists`);
    const event = { type: 'member.spawn', id } as const;
    const refused = () => new Error(`ChatRoom ${this.id}: cannot spawn "${id}" while ${this.state}`);
    if (!this.actor.getSnapshot().can(event)) throw refused();
    this.#memberLogic.set(id, { logic, input });
    try {
      this.actor.send(event);
      const snapshot = await waitFor(
        this.actor,
        (s) => s.children[id] !== undefined || s.status !== 'active' || !s.can(event),
      ).catch(() => this.actor.getSnapshot());
      const ref = snapshot.children[id];
      if (!ref) throw refused();
      this.#childIds.add(id);
      return ref;
    } finally {
      this.#memberLogic.delete(id);
    }
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
    const who = this.#users.admit(user ?? DEFAULT_USER);
    return this.#dispatch(event, who);
  }

  // One case per client event type: where a user's input goes in the room.
  #dispatch(event: ClientEvent, user: Required<RoomUser>): boolean {
    switch (event.type) {
      case 'client_text_append':
        // Seeded system or assistant words are every member's context, not a user's turn.
        if (event.role === 'system' || event.role === 'assistant') {
          for (const member of this.members) this.#input(member, event);
          return true;
        }
        this.#bus.publish({
          type: 'room_user_message',
          room_id: this.id,
          user_id: user.id,
          user_name: user.name,
          text: event.text,
          ...(event.respond === false ? { respond: false } : {}),
        });
        return true;
      case 'client_audio_append':
        this.#voices.push(user, event, this.#audioTargets(user));
        return true;
      case 'client_audio_commit':
        this.actor.send({ type: 'floor.user_turn' });
        this.#voices.commit(user, this.#audioTargets(user));
        this.#audioTurns.end(user.id);
        return true;
      case 'client_image_append':
      case 'client_response_create': {
        if (event.type !== 'client_image_append') this.actor.send({ type: 'floor.user_turn' });
        for (const member of this.#audioTargets(user)) this.#input(member, event);
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
        if (event.config.user_name) this.#users.rename(user, event.config.user_name);
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

  /** The members a user's spoken turn goes to; placed at its first frame, then looked up. */
  #audioTargets(user: Required<RoomUser>): readonly RoomMember[] {
    const turn =
      this.#audioTurns.get(user.id) ?? this.#audioTurns.begin(user, this.#floor.placeSpokenTurn(user));
    return turn.targets.flatMap((id) => this.#byId.get(id) ?? []);
  }

  #input(member: RoomMember, event: ClientEvent): void {
    inputSafely(member, event, this.#publish);
  }

  /**
   * Applies a client's session config to the agents before the room starts, when the room allows
   * it (`clientShaping`): `agentN_name`, `agentN_instructions`, `agentN_voice` shape the N-th agent,
   * and `agent_name`, `instructions`, `voice` the first. Says what was applied and what was not.
   */
  shape(config: Readonly<Record<string, unknown>>): ShapingReport {
    if (!this.#clientShaping) {
      return refuseShaping(config, `room ${this.id} does not let clients shape its agents`);
    }
    if (this.state !== 'idle') return refuseShaping(config, `room ${this.id} is already ${this.state}`);
    // Ids stay as they were: only names, instructions and voices change.
    return shapeMembers(config, this.members, new Set(['name', 'instructions', 'voice']), '');
  }

  /**
   * The room as it is now, as events: each agent ready with its lifecycle state, and who holds the
   * floor. A user who joins a running room gets these first, so they see the agents before any speaks.
   */
  present(): ServerEvent[] {
    if (this.state !== 'running') return [];
    const events: ServerEvent[] = [];
    for (const member of this.members) {
      const who = { agent_id: member.id, agent_name: member.name, room_id: this.id };
      events.push({ type: 'agent_ready', ...who });
      events.push({ type: 'agent_state_changed', ...who, state: member.state });
    }
    const holder = this.floorHolder;
    if (holder !== null) events.push({ type: 'room_floor_changed', room_id: this.id, agent_id: holder });
    return events;
  }

  /**
   * Adds a user (or renames one already present). Returns the user's view of the room, which never
   * contains their own messages.
   */
  join(user: RoomUser): RoomUserSession {
    return this.#users.join(
      user,
      this.#bus.events$,
      (event, who) => this.handleInput(event, who),
      () => this.leave(user),
    );
  }

  /**
   * A user's client dropped and the gateway holds their session (`away`), or they came back. Floor
   * policies see who is away (`FloorContext.awayUsers`); while every user is away the agents hold
   * their idle prompts, since nobody would hear them.
   */
  setAway(user: RoomUser, away: boolean): void {
    const everyoneAway = this.#users.setAway(user.id, away);
    for (const member of this.members) member.setAway?.(null, everyoneAway);
  }

  /** Removes a user; their `events$` complete. */
  leave(user: RoomUser | string): void {
    const id = typeof user === 'string' ? user : user.id;
    this.#users.remove(id, () => {
      this.#audioTurns.end(id);
      this.#voices.leave(id);
    });
  }

  /**
   * An error about one user's input goes to that user alone when they joined with their own view
   * (another user of the room has no business seeing it); otherwise to everyone on the bus.
   */
  #reject(user: RoomUser | undefined, error: ServerEvent): void {
    this.#users.reject(user, error, this.#publish);
  }

  /** Resolves once every published event is delivered and every floor decision made. */
  async settled(): Promise<void> {
    for (;;) {
      await this.#bus.drained();
      await this.#router.decisions;
      await Promise.resolve();
      if (this.#bus.pending === 0 && this.#router.pendingDecisions === 0) return;
    }
  }

  /**
   * Says `text` in the room as `user` (default: a single user `user`) and resolves once the agents
   * have answered: the floor decided, every agent asked to respond (the answer's answerers, handoff
   * targets, follow-ups after tools) has finished its response, and the room is quiet. Resolves
   * with the replies and every event of the turn; rejects when the input is refused, the room
   * stops first, or `timeoutMs` (default 60 s, on the room's clock) passes.
   * ```ts
   * const { replies } = await room.send('Ava, tell me a joke', { id: 'u1', name: 'Ann' });
   * ```
   */
  async send(text: string, user?: RoomUser, options: RoomSendOptions = {}): Promise<RoomTurnResult> {
    const events: ServerEvent[] = [];
    const subscription = this.#bus.events$.subscribe((event) => events.push(event));
    try {
      if (!this.handleInput({ type: 'client_text_append', text }, user)) {
        await this.#bus.drained();
        const refused = events.find((e) => e.type === 'server_error');
        throw new Error(
          `room ${this.id} refused the input${refused?.type === 'server_error' ? `: ${refused.message}` : ''}`,
        );
      }
      await waitForAnswers({
        roomId: this.id,
        turns: this.#turns,
        events$: this.#bus.events$,
        settled: () => this.settled(),
        decisions: () => ({ pending: this.#router.pendingDecisions, done: this.#router.decisions }),
        stopped: () => this.#stopping !== undefined || this.state !== 'running',
        clock: this.#clock,
        timeoutMs: options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
      });
      return { replies: events.flatMap((e) => replyOf(e) ?? []), events };
    } finally {
      subscription.unsubscribe();
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
      pendingDecisions: this.#router.pendingDecisions,
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
    await this.#router.decisions;
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
    for (const id of this.#users.ids()) this.leave(id);
    this.#owners.clear();
    this.#router.clear();
    this.#turns.clear();
    this.#voices.clear();
    this.#audioTurns.clear();
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

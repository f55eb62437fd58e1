import type { Inspector } from '@chorus/inspector';
import { audioDeltaJson, type ServerEvent } from '@chorus/protocol';
import type { Logger } from 'pino';
import type { Subscription } from 'rxjs';
import type { Clock } from './clock.js';
import type { GatewayMetrics } from './metrics.js';
import type { RoomUser, Servable, ServableFactory } from './servable.js';
import { providersOf, tracedRoom } from './tracing/traced-room.js';
import type { TurnTracer } from './tracing/turn-tracer.js';

/** A session's view of a room's output. */
export interface RoomListener {
  /** One event; `json` is the event serialized once for every listener. */
  event(event: ServerEvent, json: () => string): void;
  /** The room stopped or failed; no more events. */
  ended(reason: string): void;
}

/** A session's hold on a running room; `release` lets a shared room stop when its last session leaves. */
export interface RoomLease {
  readonly room: Servable;
  /** The room's name in `rooms`. */
  readonly name: string;
  /** The inspector key: the room name for shared rooms, `session:<user>/<session>` for private ones. */
  readonly key: string;
  /** Shared rooms serve several users; their agents' settings are not any one client's to change. */
  readonly shared: boolean;
  release(): Promise<void>;
}

interface HostedRoom {
  readonly name: string;
  readonly key: string;
  readonly shared: boolean;
  readonly listeners: Set<RoomListener>;
  /** Listeners that joined as users and read their own view of the room instead of the fan-out. */
  readonly views: Map<RoomListener, { subscription: Subscription; leave: () => void }>;
  readonly userIds: Set<string>;
  ready: Promise<Servable>;
  room?: Servable;
  subscription?: Subscription;
  detachInspector?: () => void;
  stopping?: Promise<void>;
}

/**
 * When rooms feed the inspector. `watched` (the default): only while an `/inspect` client is
 * connected and for `lingerMs` after the last one leaves, so that unwatched rooms pay nothing for
 * inspection; a client that connects gets every room's actors and current states at once, and
 * everything that happens from then on. `always`: from the moment each room starts, so the recent
 * timeline is there before anyone looks (for code reading `inspector.feed$` directly).
 */
export interface InspectPolicy {
  readonly when: 'watched' | 'always';
  /** How long rooms stay inspected after the last watcher left (default 60 s). */
  readonly lingerMs: number;
}

export const DEFAULT_INSPECT_POLICY: InspectPolicy = { when: 'watched', lingerMs: 60_000 };

/** The last event serialized, and its JSON: members' views of a room mostly hand on the same event objects. */
let lastEvent: ServerEvent | undefined;
let lastJson = '';

/** `JSON.stringify(event)`, done once when every member's view hands the same event on in a row. */
function jsonOf(event: ServerEvent): string {
  if (event !== lastEvent) {
    // Audio held as bytes: its base64 made once and put in without the serializer's scan and copy.
    lastJson =
      (event.type === 'agent_response_audio_delta' ? audioDeltaJson(event) : undefined) ??
      JSON.stringify(event);
    lastEvent = event;
  }
  return lastJson;
}

export class UnknownRoomError extends Error {
  constructor(readonly roomName: string) {
    super(`unknown room "${roomName}"`);
  }
}

/**
 * Starts, shares and stops rooms. Shared (named) rooms run once for every session that joins them;
 * private rooms run once per session. Each room's events are serialized once and fanned out to its
 * sessions; its turn metrics are recorded once; its actors are inspected under its key.
 */
export class RoomHost {
  readonly #shared = new Map<string, HostedRoom>();
  readonly #all = new Set<HostedRoom>();
  #watchers = 0;
  #linger: unknown;
  /** Set by `stopAll`: the host is shutting down, so no linger is started any more. */
  #stopping = false;

  constructor(
    private readonly factories: Readonly<Record<string, ServableFactory>>,
    private readonly inspector: Inspector,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly inspect: InspectPolicy = DEFAULT_INSPECT_POLICY,
    /** Turn traces (absent: tracing is off and costs nothing). */
    protected readonly tracer?: TurnTracer,
  ) {}

  /** Whether rooms feed the inspector now (see {@link InspectPolicy}). */
  get inspecting(): boolean {
    return this.inspect.when === 'always' || this.#watchers > 0 || this.#linger !== undefined;
  }

  /**
   * Registers an inspector reader: every running room is attached to the inspector before this
   * returns (so a snapshot taken next has their actors and states). Returns the function that ends
   * the watch; rooms are detached `lingerMs` after the last watch ends.
   */
  watch(): () => void {
    this.#watchers++;
    if (this.#linger !== undefined) this.clock.clearTimeout(this.#linger);
    this.#linger = undefined;
    for (const hosted of this.#all) this.#attachInspector(hosted);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#watchers--;
      if (this.#watchers > 0 || this.inspect.when === 'always' || this.#stopping) return;
      this.#linger = this.clock.setTimeout(() => {
        this.#linger = undefined;
        if (this.inspecting) return;
        for (const hosted of this.#all) this.#detachInspector(hosted);
      }, this.inspect.lingerMs);
    };
  }

  #attachInspector(hosted: HostedRoom): void {
    const actor = hosted.room?.actor;
    if (hosted.detachInspector || !actor || hosted.stopping) return;
    hosted.detachInspector = this.inspector.attach(actor, hosted.key);
  }

  #detachInspector(hosted: HostedRoom): void {
    if (!hosted.detachInspector) return;
    hosted.detachInspector();
    hosted.detachInspector = undefined;
    // A later watch seeds the room afresh from its actors' current snapshots.
    this.inspector.forget(hosted.key);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.factories, name);
  }

  get names(): string[] {
    return Object.keys(this.factories);
  }

  /** Rooms running now. */
  get size(): number {
    return this.#all.size;
  }

  /**
   * Joins the shared room `name` (starting it if needed), or starts a private instance under `privateKey`.
   * `listener` is registered before the room starts, so a private session sees its first events.
   */
  async open(
    name: string,
    listener: RoomListener,
    privateKey?: string,
    user?: RoomUser,
    /** Called with a room this call creates, before it starts (a private session shapes its agents). */
    prepare?: (room: Servable) => void,
  ): Promise<RoomLease> {
    const factory = this.has(name) ? this.factories[name] : undefined;
    if (!factory) throw new UnknownRoomError(name);
    let hosted = privateKey === undefined ? this.#shared.get(name) : undefined;
    if (!hosted) {
      const created: HostedRoom = {
        name,
        key: privateKey ?? name,
        shared: privateKey === undefined,
        listeners: new Set(),
        views: new Map(),
        userIds: new Set(),
        ready: Promise.resolve(undefined as never),
      };
      created.ready = this.#start(created, factory, listener, user, prepare);
      if (created.shared) this.#shared.set(name, created);
      this.#all.add(created);
      hosted = created;
    } else {
      const room = await hosted.ready;
      if (hosted.stopping) throw new Error(`room "${name}" is stopping`);
      this.#connect(hosted, room, listener, user);
    }
    try {
      const room = await hosted.ready;
      const lease: RoomLease = {
        room: this.tracer ? tracedRoom(room, hosted.key, this.tracer) : room,
        name,
        key: hosted.key,
        shared: hosted.shared,
        release: () => this.#release(hosted, listener),
      };
      return lease;
    } catch (error) {
      hosted.listeners.delete(listener);
      throw error;
    }
  }

  /** Stops every room (drain). */
  async stopAll(): Promise<void> {
    this.#stopping = true;
    if (this.#linger !== undefined) this.clock.clearTimeout(this.#linger);
    this.#linger = undefined;
    await Promise.all([...this.#all].map((hosted) => this.#stop(hosted, 'shutdown')));
  }

  /** Adds a listener: as a user with its own view when the room has users, else to the fan-out. */
  #connect(hosted: HostedRoom, room: Servable, listener: RoomListener, user: RoomUser | undefined): void {
    hosted.listeners.add(listener);
    if (!user || !room.join) return;
    // The same user in the same room twice (two tabs) gets distinct room identities, so one leaving
    // does not end the other's view.
    let id = user.id;
    for (let n = 2; hosted.userIds.has(id); n++) id = `${user.id}#${n}`;
    const roomUser: RoomUser = user.name === undefined ? { id } : { id, name: user.name };
    const view = room.join(roomUser);
    if (!view) return;
    hosted.userIds.add(id);
    const subscription = view.events$.subscribe({
      next: (event) => {
        try {
          listener.event(event, () => jsonOf(event));
        } catch (error) {
          this.logger.error({ err: error, room: hosted.key }, 'room listener failed');
        }
      },
    });
    hosted.views.set(listener, {
      subscription,
      leave: () => {
        hosted.userIds.delete(id);
        view.leave();
      },
    });
  }

  async #start(
    hosted: HostedRoom,
    factory: ServableFactory,
    first: RoomListener,
    user: RoomUser | undefined,
    prepare: ((room: Servable) => void) | undefined,
  ): Promise<Servable> {
    try {
      const room = await factory();
      hosted.room = room;
      prepare?.(room);
      this.#connect(hosted, room, first, user);
      const tracer = this.tracer;
      tracer?.opened({
        name: hosted.name,
        key: hosted.key,
        shared: hosted.shared,
        providers: providersOf(room),
      });
      hosted.subscription = room.events$.subscribe({
        next: (event) => {
          if (event.type === 'agent_turn_metrics') this.metrics.recordTurn(event);
          const lazy = () => jsonOf(event);
          for (const listener of hosted.listeners) {
            if (hosted.views.has(listener)) continue;
            try {
              listener.event(event, lazy);
            } catch (error) {
              this.logger.error({ err: error, room: hosted.key }, 'room listener failed');
            }
          }
          // After the listeners: a reply's first audio has been handed to its sessions by now.
          tracer?.roomEvent(hosted.key, event);
        },
        error: (error: unknown) => {
          this.logger.error({ err: error, room: hosted.key }, 'room failed');
          void this.#stop(hosted, 'room_failed');
        },
        complete: () => void this.#stop(hosted, 'room_stopped'),
      });
      // A room has its actor before it starts (so the feed sees the start); a lone agent creates
      // its actor in start(), so it is attached right after.
      if (this.inspecting) this.#attachInspector(hosted);
      await room.start();
      if (this.inspecting) this.#attachInspector(hosted);
      this.metrics.rooms.set(this.#all.size);
      this.logger.info({ room: hosted.key, name: hosted.name }, 'room started');
      return room;
    } catch (error) {
      this.logger.error({ err: error, room: hosted.key }, 'room failed to start');
      void this.#stop(hosted, 'start_failed');
      throw error;
    }
  }

  async #release(hosted: HostedRoom, listener: RoomListener): Promise<void> {
    hosted.listeners.delete(listener);
    this.#leave(hosted, listener);
    if (hosted.listeners.size === 0) await this.#stop(hosted, 'empty');
  }

  #leave(hosted: HostedRoom, listener: RoomListener): void {
    const view = hosted.views.get(listener);
    if (!view) return;
    hosted.views.delete(listener);
    view.subscription.unsubscribe();
    try {
      view.leave();
    } catch (error) {
      this.logger.error({ err: error, room: hosted.key }, 'leaving the room failed');
    }
  }

  #stop(hosted: HostedRoom, reason: string): Promise<void> {
    if (hosted.stopping) return hosted.stopping;
    hosted.stopping = (async () => {
      if (this.#shared.get(hosted.name) === hosted) this.#shared.delete(hosted.name);
      this.#all.delete(hosted);
      this.metrics.rooms.set(this.#all.size);
      const listeners = [...hosted.listeners];
      hosted.listeners.clear();
      for (const listener of listeners) {
        this.#leave(hosted, listener);
        listener.ended(reason);
      }
      hosted.subscription?.unsubscribe();
      this.tracer?.closed(hosted.key);
      try {
        await hosted.room?.stop();
      } catch (error) {
        this.logger.error({ err: error, room: hosted.key }, 'room failed to stop');
      } finally {
        hosted.detachInspector?.();
        hosted.detachInspector = undefined;
        this.inspector.forget(hosted.key);
        this.logger.info({ room: hosted.key, reason }, 'room stopped');
      }
    })();
    return hosted.stopping;
  }
}

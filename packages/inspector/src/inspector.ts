import { filter, type Observable, Subject } from 'rxjs';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { withEventlessTransitions } from './eventless-transitions.js';
import type { ActorItem, DefinitionItem, FeedItem, StateItem } from './feed-item.js';
import { DEFAULT_JSON_SAFE_LIMITS, type JsonSafeLimits, type JsonValue, toJsonSafe } from './json-safe.js';
import { RingBuffer } from './ring-buffer.js';

export interface InspectorOptions {
  /** Recent state and event items kept for readers that connect later (default 2000). */
  readonly capacity?: number;
  /** Clock for item timestamps (default `Date.now`). */
  readonly now?: () => number;
  /** Bounds for event payloads (default: depth 6, 512 chars per string, media keys omitted). */
  readonly limits?: JsonSafeLimits;
}

/** What a new reader needs: the live actors with their definitions and latest states, then recent items. */
export interface InspectorSnapshot {
  readonly definitions: readonly DefinitionItem[];
  readonly actors: readonly ActorItem[];
  readonly states: readonly StateItem[];
  readonly recent: readonly FeedItem[];
}

interface ActorRecord {
  readonly item: ActorItem;
  lastState?: StateItem;
}

interface RoomRecord {
  readonly definitions: Map<string, DefinitionItem>;
  readonly actors: Map<string, ActorRecord>;
  /**
   * Children announced (`@xstate.actor`) whose parent is not known yet, with what was said about
   * them meanwhile. XState announces an actor when it creates it and tells who spawned it in the
   * parent's `xstate.spawnChild` action event (which carries the child's ref); for a child of an
   * initial state that comes after the child's first state. Keyed by session id.
   */
  readonly unplaced: Map<string, Unplaced>;
}

interface Unplaced {
  readonly actor: InspectedActor;
  readonly held: InspectionEvent[];
}

/** Events held for a child whose parent is still unknown before it is filed without one. */
const MAX_HELD = 64;

/** What the inspector reads of an actor: its public fields (`logic` is public on XState's `Actor`). */
type InspectedActor = {
  readonly sessionId: string;
  readonly id: string;
  readonly logic?: unknown;
  getSnapshot(): unknown;
};

const FINAL_STATUSES = new Set(['done', 'error', 'stopped']);

/**
 * Turns XState inspection events into a compact, bounded feed per room: each machine definition once,
 * each actor once, then its state changes and the events it receives, with media payloads removed.
 *
 * Use `observer(room)` as the `inspect` option of `createActor`, or `attach(actor, room)` to inspect a
 * running actor system. Read live items from `feed$` (or `feedFor(room)`) and the catch-up state for a
 * late reader from `snapshot(room)`.
 */
export class Inspector {
  readonly #recent: RingBuffer<FeedItem>;
  readonly #now: () => number;
  readonly #limits: JsonSafeLimits;
  readonly #contextLimits: JsonSafeLimits;
  readonly #rooms = new Map<string, RoomRecord>();
  /** Keyed by the machine's config, which `machine.provide()` copies share: one key per machine. */
  readonly #machineKeys = new WeakMap<object, string>();
  /** The serialized definition per machine config, shared by every room that runs it. */
  readonly #definitionJson = new WeakMap<object, JsonValue>();
  readonly #machineCounts = new Map<string, number>();
  readonly #feed = new Subject<FeedItem>();
  #seq = 0;

  /** Every feed item, live. */
  readonly feed$: Observable<FeedItem> = this.#feed.asObservable();

  constructor(options: InspectorOptions = {}) {
    this.#recent = new RingBuffer(options.capacity ?? 2000);
    this.#now = options.now ?? Date.now;
    this.#limits = options.limits ?? DEFAULT_JSON_SAFE_LIMITS;
    this.#contextLimits = { ...this.#limits, maxDepth: 4, maxEntries: 32, maxStringChars: 200 };
  }

  /** Live items of one room. */
  feedFor(room: string): Observable<FeedItem> {
    return this.#feed.pipe(filter((item) => item.room === room));
  }

  /** An `inspect` callback for `createActor(logic, { inspect })` that files everything under `room`. */
  observer(room: string): (event: InspectionEvent) => void {
    return (event) => this.inspect(event, room);
  }

  /**
   * Inspects an already running actor's whole system: reports the actors that exist now, then
   * everything that happens. Returns the function that stops inspecting.
   */
  attach(actor: AnyActorRef, room: string): () => void {
    this.#seedTree(actor as unknown as InspectedActor, room);
    const subscription = actor.system.inspect((event: InspectionEvent) => this.inspect(event, room));
    return () => subscription.unsubscribe();
  }

  /** Handles one inspection event. Never throws: a broken feed must not break the actor that feeds it. */
  inspect(event: InspectionEvent, room: string): void {
    try {
      const actor = event.actorRef as unknown as InspectedActor;
      const unplaced = this.#rooms.get(room)?.unplaced.get(actor.sessionId);
      if (unplaced && event.type !== '@xstate.action') {
        unplaced.held.push(event);
        if (unplaced.held.length >= MAX_HELD) this.#place(unplaced, room, undefined);
        return;
      }
      switch (event.type) {
        case '@xstate.actor':
          // A root has no parent; a child waits for the spawn action that names its parent.
          if (actor.sessionId === event.rootId) this.#registerActor(actor, room);
          else this.#roomRecord(room).unplaced.set(actor.sessionId, { actor, held: [] });
          return;
        case '@xstate.action': {
          const child = spawnedChild(event.action);
          const waiting = child && this.#rooms.get(room)?.unplaced.get(child.sessionId);
          if (waiting) this.#place(waiting, room, actor.sessionId);
          else if (child) this.#registerActor(child, room, actor.sessionId);
          return;
        }
        case '@xstate.snapshot':
          this.#recordState(actor, room, event.snapshot, event.event.type);
          return;
        case '@xstate.event': {
          this.#registerActor(actor, room);
          const source = event.sourceRef as unknown as InspectedActor | undefined;
          const payload = toJsonSafe(event.event, this.#limits);
          const fields =
            payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
          this.#emit({
            kind: 'event',
            seq: this.#nextSeq(),
            time: this.#now(),
            room,
            actorId: actor.sessionId,
            ...(source?.sessionId ? { sourceId: source.sessionId } : {}),
            event: { ...fields, type: String(event.event.type) },
          });
          return;
        }
        default:
          return;
      }
    } catch {
      // Inspection is best effort by design: the actor must go on whatever the feed does.
    }
  }

  /** Definitions, live actors with their latest states, and recent items (with a dropped marker). */
  snapshot(room?: string): InspectorSnapshot {
    const rooms = room === undefined ? [...this.#rooms.values()] : [this.#rooms.get(room)].filter((r) => !!r);
    const definitions: DefinitionItem[] = [];
    const actors: ActorItem[] = [];
    const states: StateItem[] = [];
    for (const record of rooms as RoomRecord[]) {
      definitions.push(...record.definitions.values());
      for (const actor of record.actors.values()) {
        actors.push(actor.item);
        if (actor.lastState) states.push(actor.lastState);
      }
    }
    const items = this.#recent.toArray().filter((item) => room === undefined || item.room === room);
    const recent: FeedItem[] =
      this.#recent.dropped > 0 ? [{ kind: 'dropped', count: this.#recent.dropped }, ...items] : items;
    return { definitions, actors, states, recent };
  }

  /** Forgets a room (call when it stopped). */
  forget(room: string): void {
    this.#rooms.delete(room);
  }

  /** Rooms with known actors. */
  get rooms(): string[] {
    return [...this.#rooms.keys()];
  }

  /** Ends `feed$`. */
  close(): void {
    this.#feed.complete();
  }

  #seedTree(actor: InspectedActor, room: string, parentId?: string): void {
    this.#registerActor(actor, room, parentId);
    const snapshot = actor.getSnapshot() as { children?: Record<string, unknown> } | undefined;
    this.#recordState(actor, room, snapshot, 'xstate.attach');
    for (const child of Object.values(snapshot?.children ?? {})) {
      if (isActor(child)) this.#seedTree(child, room, actor.sessionId);
    }
  }

  #roomRecord(room: string): RoomRecord {
    let record = this.#rooms.get(room);
    if (!record) {
      record = { definitions: new Map(), actors: new Map(), unplaced: new Map() };
      this.#rooms.set(room, record);
    }
    return record;
  }

  /** Files a child whose parent is now known, then what was said about it meanwhile, in order. */
  #place(unplaced: Unplaced, room: string, parentId: string | undefined): void {
    this.#rooms.get(room)?.unplaced.delete(unplaced.actor.sessionId);
    this.#registerActor(unplaced.actor, room, parentId);
    for (const event of unplaced.held) this.inspect(event, room);
  }

  /** Files an actor once; `parentId` when it is known (an actor seen first elsewhere is filed without). */
  #registerActor(actor: InspectedActor, room: string, parentId?: string): ActorRecord {
    const record = this.#roomRecord(room);
    const known = record.actors.get(actor.sessionId);
    if (known) return known;
    record.unplaced.delete(actor.sessionId);
    const machineKey = this.#definitionFor(actor.logic, room, record);
    const item: ActorItem = {
      kind: 'actor',
      seq: this.#nextSeq(),
      time: this.#now(),
      room,
      actorId: actor.sessionId,
      id: String(actor.id),
      ...(parentId ? { parentId } : {}),
      ...(machineKey ? { machineKey } : {}),
    };
    const entry: ActorRecord = { item };
    record.actors.set(actor.sessionId, entry);
    this.#emit(item);
    return entry;
  }

  #definitionFor(logic: unknown, room: string, record: RoomRecord): string | undefined {
    if (!logic || typeof logic !== 'object' || !('definition' in logic)) return undefined;
    // Agents build their machine with `provide()`, a new logic object per agent around the same
    // config: keyed by the config, every agent shares one key and one serialized definition.
    const config = (logic as { config?: unknown }).config;
    const identity = config !== null && typeof config === 'object' ? config : logic;
    let key = this.#machineKeys.get(identity);
    if (!key) {
      const id = String((logic as { id?: unknown }).id ?? 'machine');
      const n = (this.#machineCounts.get(id) ?? 0) + 1;
      this.#machineCounts.set(id, n);
      key = n === 1 ? id : `${id}#${n}`;
      this.#machineKeys.set(identity, key);
    }
    if (!record.definitions.has(key)) {
      let definition = this.#definitionJson.get(identity);
      if (definition === undefined) {
        const machine = logic as { definition: unknown; root?: unknown };
        definition = toJsonSafe(withEventlessTransitions(machine.definition, machine.root), {
          ...this.#limits,
          maxDepth: 64,
          maxEntries: 1024,
        });
        this.#definitionJson.set(identity, definition);
      }
      const item: DefinitionItem = {
        kind: 'definition',
        seq: this.#nextSeq(),
        time: this.#now(),
        room,
        machineKey: key,
        definition,
      };
      record.definitions.set(key, item);
      this.#emit(item);
    }
    return key;
  }

  #recordState(actor: InspectedActor, room: string, snapshot: unknown, eventType: string): void {
    const entry = this.#registerActor(actor, room);
    const snap = (snapshot ?? {}) as { value?: unknown; status?: unknown; context?: unknown };
    const value = toJsonSafe(snap.value ?? null, this.#limits);
    const status = typeof snap.status === 'string' ? snap.status : 'active';
    const last = entry.lastState;
    if (last && last.status === status && JSON.stringify(last.value) === JSON.stringify(value)) return;
    const item: StateItem = {
      kind: 'state',
      seq: this.#nextSeq(),
      time: this.#now(),
      room,
      actorId: actor.sessionId,
      value,
      status,
      eventType: String(eventType),
      // Only at state changes, and small: enough to read a moment in the timeline, cheap enough to keep.
      ...(snap.context === undefined ? {} : { context: toJsonSafe(snap.context, this.#contextLimits) }),
    };
    entry.lastState = item;
    this.#emit(item);
    if (FINAL_STATUSES.has(status)) {
      this.#rooms.get(room)?.actors.delete(actor.sessionId);
      this.#rooms.get(room)?.unplaced.delete(actor.sessionId);
    }
  }

  #nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  #emit(item: FeedItem): void {
    if (item.kind === 'state' || item.kind === 'event') this.#recent.push(item);
    this.#feed.next(item);
  }
}

function isActor(value: unknown): value is InspectedActor {
  return value !== null && typeof value === 'object' && 'sessionId' in value && 'getSnapshot' in value;
}

/** The child a `xstate.spawnChild` action (a spawn or an invoke) created, from the action's params. */
function spawnedChild(action: {
  readonly type: string;
  readonly params?: unknown;
}): InspectedActor | undefined {
  if (action.type !== 'xstate.spawnChild') return undefined;
  const params = action.params;
  if (params === null || typeof params !== 'object' || !('actorRef' in params)) return undefined;
  return isActor(params.actorRef) ? params.actorRef : undefined;
}

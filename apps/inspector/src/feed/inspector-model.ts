import type { InspectorInput } from './inspector-input.js';
import { TimelineBuffer } from './timeline-buffer.js';

/** What the page knows about one actor. */
export interface ActorView {
  readonly actorId: string;
  readonly room: string;
  name: string;
  parentId: string | undefined;
  machineKey: string | undefined;
  value: unknown;
  /** The value before the last change, to animate the transition that was taken. */
  previousValue: unknown;
  status: string;
  /** The event that caused the last change. */
  lastEventType: string;
  context: unknown;
  hasContext: boolean;
  /** Increments on every state change; lets views restart the transition animation. */
  changes: number;
  updatedAt: number;
}

export type TimelineEntry =
  | {
      readonly kind: 'event';
      readonly n: number;
      readonly time: number;
      readonly actorId: string;
      readonly sourceId: string | undefined;
      readonly type: string;
      readonly event: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'state';
      readonly n: number;
      readonly time: number;
      readonly actorId: string;
      /** The event that caused the change. */
      readonly type: string;
      readonly value: unknown;
      readonly status: string;
      readonly context: unknown;
      readonly hasContext: boolean;
    }
  | { readonly kind: 'dropped'; readonly n: number; readonly time: number; readonly count: number };

export interface RoomView {
  readonly name: string;
  readonly actors: Map<string, ActorView>;
  readonly definitions: Map<string, unknown>;
  readonly timeline: TimelineBuffer<TimelineEntry>;
}

export interface InspectorModelOptions {
  /** Timeline entries kept per room (default 1000). */
  readonly timelineCapacity?: number;
  /** Actors kept per room; finished actors go first (default 500). */
  readonly maxActorsPerRoom?: number;
  /** Rooms kept; rooms with no live actor go first (default 100). */
  readonly maxRooms?: number;
}

const FINISHED = new Set(['done', 'error', 'stopped']);

/**
 * The inspector page's state: rooms, their actors with definitions and latest states, and a bounded
 * timeline per room. Plain mutable data with a `version` that increments on every change, so the view
 * can re-render at most once per frame however fast the feed is.
 */
export class InspectorModel {
  readonly rooms = new Map<string, RoomView>();
  version = 0;
  #n = 0;
  readonly #capacity: number;
  readonly #maxActors: number;
  readonly #maxRooms: number;

  constructor(options: InspectorModelOptions = {}) {
    this.#capacity = options.timelineCapacity ?? 1000;
    this.#maxActors = options.maxActorsPerRoom ?? 500;
    this.#maxRooms = options.maxRooms ?? 100;
  }

  apply(input: InspectorInput): void {
    this.version++;
    switch (input.kind) {
      case 'reset': {
        if (input.room === undefined) this.rooms.clear();
        else this.rooms.delete(input.room);
        return;
      }
      case 'definition':
        this.#room(input.room).definitions.set(input.machineKey, input.definition);
        return;
      case 'actor': {
        const actor = this.#actor(input.room, input.actorId, input.time);
        // Actors given no id are named by their session id (`x:0`); their machine says more.
        actor.name = input.name === input.actorId && input.machineKey ? input.machineKey : input.name;
        actor.parentId = input.parentId;
        actor.machineKey = input.machineKey ?? actor.machineKey;
        return;
      }
      case 'state': {
        const actor = this.#actor(input.room, input.actorId, input.time);
        actor.previousValue = actor.value;
        actor.value = input.value;
        actor.status = input.status;
        actor.lastEventType = input.eventType;
        actor.hasContext = 'context' in input;
        actor.context = input.context;
        actor.changes++;
        actor.updatedAt = input.time;
        this.#room(input.room).timeline.push({
          kind: 'state',
          n: ++this.#n,
          time: input.time,
          actorId: input.actorId,
          type: input.eventType,
          value: input.value,
          status: input.status,
          context: input.context,
          hasContext: 'context' in input,
        });
        return;
      }
      case 'event': {
        const room = this.#room(input.room);
        if (!room.actors.has(input.actorId)) this.#actor(input.room, input.actorId, input.time);
        room.timeline.push({
          kind: 'event',
          n: ++this.#n,
          time: input.time,
          actorId: input.actorId,
          sourceId: input.sourceId,
          type: input.event.type,
          event: input.event,
        });
        return;
      }
      case 'dropped': {
        const targets = input.room !== undefined ? [this.#room(input.room)] : [...this.rooms.values()];
        for (const room of targets) {
          room.timeline.push({ kind: 'dropped', n: ++this.#n, time: Date.now(), count: input.count });
        }
        return;
      }
    }
  }

  #room(name: string): RoomView {
    let room = this.rooms.get(name);
    if (!room) {
      if (this.rooms.size >= this.#maxRooms) this.#evictRoom();
      room = {
        name,
        actors: new Map(),
        definitions: new Map(),
        timeline: new TimelineBuffer(this.#capacity),
      };
      this.rooms.set(name, room);
    }
    return room;
  }

  #actor(roomName: string, actorId: string, time: number): ActorView {
    const room = this.#room(roomName);
    let actor = room.actors.get(actorId);
    if (!actor) {
      if (room.actors.size >= this.#maxActors) evictActor(room);
      actor = {
        actorId,
        room: roomName,
        name: actorId,
        parentId: undefined,
        machineKey: undefined,
        value: null,
        previousValue: undefined,
        status: 'active',
        lastEventType: '',
        context: undefined,
        hasContext: false,
        changes: 0,
        updatedAt: time,
      };
      room.actors.set(actorId, actor);
    }
    return actor;
  }

  #evictRoom(): void {
    const idle = [...this.rooms.values()].find((room) =>
      [...room.actors.values()].every((actor) => FINISHED.has(actor.status)),
    );
    const victim = idle ?? this.rooms.values().next().value;
    if (victim) this.rooms.delete(victim.name);
  }
}

function evictActor(room: RoomView): void {
  const finished = [...room.actors.values()].find((actor) => FINISHED.has(actor.status));
  const victim = finished ?? room.actors.values().next().value;
  if (victim) room.actors.delete(victim.actorId);
}

/** Whether an actor has finished (done, error or stopped). */
export function isFinished(actor: ActorView): boolean {
  return FINISHED.has(actor.status);
}

/** Filters for the timeline; an empty set means "all". */
export interface TimelineFilter {
  readonly actorIds: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
  /** Case-insensitive substring of the event type. */
  readonly text: string;
}

export function filterTimeline(entries: readonly TimelineEntry[], filter: TimelineFilter): TimelineEntry[] {
  const text = filter.text.trim().toLowerCase();
  return entries.filter((entry) => {
    if (entry.kind === 'dropped') return true;
    if (filter.actorIds.size > 0 && !filter.actorIds.has(entry.actorId)) return false;
    if (filter.types.size > 0 && !filter.types.has(entry.kind)) return false;
    return text === '' || entry.type.toLowerCase().includes(text);
  });
}

/** The actor's snapshot as of entry `n`: its latest state entry at or before `n`, if still buffered. */
export function snapshotAt(
  entries: readonly TimelineEntry[],
  actorId: string,
  n: number,
): Extract<TimelineEntry, { kind: 'state' }> | undefined {
  let found: Extract<TimelineEntry, { kind: 'state' }> | undefined;
  for (const entry of entries) {
    if (entry.n > n) break;
    if (entry.kind === 'state' && entry.actorId === actorId) found = entry;
  }
  return found;
}

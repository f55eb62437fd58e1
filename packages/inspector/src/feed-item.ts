import type { JsonValue } from './json-safe.js';

interface FeedItemBase {
  /** Increases by one per item across the whole inspector; gaps mean items were dropped. */
  readonly seq: number;
  /** Milliseconds since the epoch (from the inspector's clock). */
  readonly time: number;
  /** The room (or session) the actor belongs to. */
  readonly room: string;
}

/**
 * A machine definition, sent once per machine and room; `actor` items refer to it by `machineKey`.
 * Functions (inline actions, guards) are dropped: only their names survive.
 */
export interface DefinitionItem extends FeedItemBase {
  readonly kind: 'definition';
  readonly machineKey: string;
  readonly definition: JsonValue;
}

/** An actor appeared. `actorId` is its system-unique session id; `id` is the id it was given. */
export interface ActorItem extends FeedItemBase {
  readonly kind: 'actor';
  readonly actorId: string;
  readonly id: string;
  readonly parentId?: string;
  /** Absent for actors that are not state machines (promises, callbacks, observables). */
  readonly machineKey?: string;
}

/** An actor's state value or status changed (context is not sent: it may hold anything). */
export interface StateItem extends FeedItemBase {
  readonly kind: 'state';
  readonly actorId: string;
  readonly value: JsonValue;
  readonly status: string;
  /** The event that caused the change. */
  readonly eventType: string;
  /** The actor's context at that moment, cut to a small size (media fields stripped). */
  readonly context?: JsonValue;
}

/** An event was delivered to an actor; media fields are stripped and large fields cut. */
export interface EventItem extends FeedItemBase {
  readonly kind: 'event';
  readonly actorId: string;
  readonly sourceId?: string;
  readonly event: { readonly type: string; readonly [key: string]: JsonValue };
}

/** `count` items were dropped before the next item (ring buffer overflow or a slow reader). */
export interface DroppedItem {
  readonly kind: 'dropped';
  readonly count: number;
  readonly room?: string;
}

/** One entry of the inspection feed. */
export type FeedItem = DefinitionItem | ActorItem | StateItem | EventItem | DroppedItem;

import type { FeedItem, Inspector } from '@chorus/inspector';
import type { Subscription } from 'rxjs';
import type { GuardedSocket } from './guarded-socket.js';
import { readStatelyMessage, type StatelyRelay } from './stately-relay.js';

/**
 * One client of `/inspect`: a catch-up `inspector_snapshot` first, then `inspector_item` frames, live.
 * Items are droppable: a slow reader gets `{kind:'dropped'}` notices instead of an ever-growing queue.
 * A client may also send `@statelyai/inspect` messages, which reach the other clients of the same
 * user (see {@link StatelyRelay}), so plain XState apps show up in the inspector page too.
 */
export class InspectConnection {
  readonly #subscription: Subscription;
  readonly #relayReader = (message: string) => this.socket.channel.sendDroppable(message);
  readonly #leaveRelay: () => void;

  constructor(
    private readonly socket: GuardedSocket,
    inspector: Inspector,
    private readonly room: string | undefined,
    private readonly mayRead: (room: string) => boolean,
    private readonly relay: StatelyRelay,
    /** The relay scope: the connection's user (see {@link StatelyRelay}). */
    private readonly relayScope: string,
  ) {
    const snapshot = inspector.snapshot(room);
    const visible = <T extends { room?: string }>(items: readonly T[]) =>
      items.filter((item) => item.room === undefined || this.mayRead(item.room));
    socket.channel.send(
      JSON.stringify({
        type: 'inspector_snapshot',
        room: room ?? null,
        definitions: visible(snapshot.definitions),
        actors: visible(snapshot.actors),
        states: visible(snapshot.states),
        recent: visible(snapshot.recent),
      }),
    );
    this.#subscription = inspector.feed$.subscribe((item) => this.#forward(item));
    const { replay, leave } = relay.join(relayScope, this.#relayReader);
    for (const message of replay) socket.channel.sendDroppable(message);
    this.#leaveRelay = leave;
  }

  onFrame(data: Uint8Array): void {
    const read = readStatelyMessage(data);
    const refused = read.ok
      ? this.relay.publish(this.relayScope, read.text, this.#relayReader)
      : read.message;
    if (refused !== undefined) this.socket.channel.send(JSON.stringify({ type: 'error', message: refused }));
  }

  close(): void {
    this.#subscription.unsubscribe();
    this.#leaveRelay();
  }

  #forward(item: FeedItem): void {
    if (item.kind === 'dropped') return;
    if (this.room !== undefined && item.room !== this.room) return;
    if (!this.mayRead(item.room)) return;
    const json = JSON.stringify({ type: 'inspector_item', item });
    // Definitions and actors are needed to read everything after them; states and events can be dropped.
    if (item.kind === 'definition' || item.kind === 'actor') this.socket.channel.send(json);
    else this.socket.channel.sendDroppable(json);
  }
}

export function inspectDroppedNotice(dropped: number): string {
  return JSON.stringify({ type: 'inspector_item', item: { kind: 'dropped', count: dropped } });
}

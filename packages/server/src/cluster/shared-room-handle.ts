import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import { EMPTY } from 'rxjs';
import type { RoomLease, RoomListener } from '../room-host.js';
import type { RoomUser, Servable } from '../servable.js';
import { OpenResponses } from './lost-responses.js';

/** Where a session's shared room runs now, as its process sees it. */
export type Placement =
  | { readonly at: 'local'; readonly lease: RoomLease }
  | {
      readonly at: 'remote';
      /** The owner's lease value (`process#epoch`). */
      readonly owner: string;
      readonly epoch: number;
      readonly present: ServerEvent[];
    }
  | { readonly at: 'none' };

/** What a handle asks of its host. */
export interface HandleHost {
  inputLocal(handle: SharedRoomHandle, lease: RoomLease, event: ClientEvent, user?: RoomUser): unknown;
  sendToOwner(handle: SharedRoomHandle, event: ClientEvent): boolean;
  releaseHandle(handle: SharedRoomHandle): Promise<void>;
}

/**
 * One session's hold on a shared room that may run in this process or in another one. The session
 * sees one `RoomLease` whose room stays the same object while the room moves between processes:
 * input goes to wherever the room runs now, and the events come back through the same listener.
 */
export class SharedRoomHandle implements RoomLease {
  readonly shared = true;
  readonly key: string;
  placement: Placement = { at: 'none' };
  /** Bumped by every move, so that a move overtaken by a newer one gives up. */
  generation = 0;
  readonly open = new OpenResponses();
  readonly listener: RoomListener;
  released = false;
  /** History items the room's agents restarted with at its owner's last takeover. */
  restored = 0;
  readonly room: Servable;

  constructor(
    readonly name: string,
    /** This handle's id on the bus: `process/n`. */
    readonly member: string,
    readonly user: RoomUser | undefined,
    session: RoomListener,
    private readonly host: HandleHost,
  ) {
    this.key = name;
    // Every event the session gets passes here, so the handle knows which replies are open.
    this.listener = {
      event: (event, json) => {
        this.open.see(event);
        session.event(event, json);
      },
      ended: (reason) => session.ended(reason),
    };
    this.room = {
      events$: EMPTY,
      start: async () => undefined,
      stop: async () => undefined,
      handleInput: (event: ClientEvent, user?: RoomUser) => this.#input(event, user),
      present: () => this.#present(),
    };
  }

  #input(event: ClientEvent, user: RoomUser | undefined): unknown {
    const placement = this.placement;
    if (placement.at === 'local') return this.host.inputLocal(this, placement.lease, event, user);
    if (placement.at === 'remote' && this.host.sendToOwner(this, event)) return true;
    const json = JSON.stringify({
      type: 'server_error',
      code: 'room_unreachable',
      message: `room "${this.name}" is moving between gateway processes or the bus is down: ${event.type} was not delivered; send it again shortly`,
      path: 'type',
      ...(event.event_id === undefined ? {} : { event_id: event.event_id }),
    });
    this.listener.event(JSON.parse(json) as ServerEvent, () => json);
    return false;
  }

  #present(): ServerEvent[] {
    const placement = this.placement;
    if (placement.at === 'local') return placement.lease.room.present?.() ?? [];
    if (placement.at === 'remote') return placement.present;
    return [];
  }

  release(): Promise<void> {
    return this.host.releaseHandle(this);
  }
}

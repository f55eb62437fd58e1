import type { ServerEvent } from '@chorus/protocol';
import type { ReplayBuffer } from './replay-buffer.js';
import type { RoomListener } from './room-host.js';

/**
 * A session's listener on its room, kept by the session rather than by one socket: while a client is
 * connected it passes events to that connection; while the client is away (socket dropped, within
 * the grace) it keeps them in a bounded buffer; a connection that resumes the session takes the
 * buffer and the live stream from there, in order.
 */
export class SessionRelay implements RoomListener {
  #live: RoomListener | undefined;
  #buffer: ReplayBuffer | undefined;
  /** What to do when the room ends while nobody is connected (set by the connection that holds it). */
  #endedWhileAway: (reason: string) => void;

  constructor(live: RoomListener, endedWhileAway: (reason: string) => void) {
    this.#live = live;
    this.#endedWhileAway = endedWhileAway;
  }

  event(event: ServerEvent, json: () => string): void {
    if (this.#live) this.#live.event(event, json);
    else this.#buffer?.push(event, json);
  }

  ended(reason: string): void {
    if (this.#live) this.#live.ended(reason);
    else this.#endedWhileAway(reason);
  }

  /** The client went away: keep events in `buffer` until someone resumes. */
  detach(buffer: ReplayBuffer): void {
    this.#live = undefined;
    this.#buffer = buffer;
  }

  /** A connection resumes: it gets what was kept (to replay first) and everything after. */
  attach(live: RoomListener, endedWhileAway: (reason: string) => void): ReplayBuffer | undefined {
    const buffer = this.#buffer;
    this.#buffer = undefined;
    this.#live = live;
    this.#endedWhileAway = endedWhileAway;
    return buffer;
  }
}

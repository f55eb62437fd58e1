import type { ServerEvent } from '@chorus/protocol';

interface Held {
  readonly event: ServerEvent;
  readonly bytes: number;
}

/**
 * The events a session missed while its client was away, bounded by bytes (their JSON size): past
 * the bound the oldest go first, and what went is counted, so the client is told
 * (`server_events_dropped`) instead of losing events silently.
 */
export class ReplayBuffer {
  readonly #events: Held[] = [];
  #head = 0;
  #bytes = 0;
  #dropped = 0;
  #droppedBytes = 0;

  constructor(readonly maxBytes: number) {}

  push(event: ServerEvent, json: () => string): void {
    const bytes = Buffer.byteLength(json());
    this.#events.push({ event, bytes });
    this.#bytes += bytes;
    while (this.#bytes > this.maxBytes && this.#head < this.#events.length) {
      const oldest = this.#events[this.#head++] as Held;
      this.#bytes -= oldest.bytes;
      this.#dropped++;
      this.#droppedBytes += oldest.bytes;
    }
    // Compact now and then, so a long absence does not keep a long array of dropped slots.
    if (this.#head > 1024 && this.#head * 2 > this.#events.length) {
      this.#events.splice(0, this.#head);
      this.#head = 0;
    }
  }

  get bytes(): number {
    return this.#bytes;
  }

  get dropped(): { readonly events: number; readonly bytes: number } {
    return { events: this.#dropped, bytes: this.#droppedBytes };
  }

  /** The kept events, oldest first; the buffer is empty afterwards. */
  drain(): ServerEvent[] {
    const kept = this.#events.slice(this.#head).map((held) => held.event);
    this.#events.length = 0;
    this.#head = 0;
    this.#bytes = 0;
    return kept;
  }
}

interface SentMark {
  readonly name: string;
  readonly itemId: string;
  /** The item's audio sent up to this mark, in milliseconds: what the caller heard once it echoes. */
  readonly endMs: number;
}

/** Marks awaiting Twilio's echo, oldest first; a call that never hears back keeps at most this many. */
const MAX_PENDING_MARKS = 4096;

/**
 * The marks a call sent after each chunk of agent audio, in order. Twilio plays a stream in order
 * and echoes each mark when the audio before it has played, so an echo settles that mark and every
 * older one; `clear` makes Twilio echo the remaining ones at once, which is why they are forgotten
 * here first (their audio was never heard).
 */
export class MarkLedger {
  readonly #pending: SentMark[] = [];
  /** Milliseconds of audio sent per item (so a call also knows an item's first chunk). */
  readonly #items = new Map<string, number>();
  #seq = 0;

  /** Records a mark sent after `addedMs` more of `itemId`; returns its name. */
  sent(itemId: string, addedMs: number): string {
    const name = `chorus-${++this.#seq}`;
    const endMs = (this.#items.get(itemId) ?? 0) + addedMs;
    this.#items.set(itemId, endMs);
    this.#pending.push({ name, itemId, endMs });
    if (this.#pending.length > MAX_PENDING_MARKS) this.#pending.shift();
    if (this.#items.size > MAX_PENDING_MARKS) {
      for (const oldest of this.#items.keys()) {
        this.#items.delete(oldest);
        break;
      }
    }
    return name;
  }

  /** Whether audio of `itemId` was sent before. */
  has(itemId: string): boolean {
    return this.#items.has(itemId);
  }

  /** Marks not echoed yet. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Twilio echoed `name`: the heard position it stands for, or undefined for a mark not pending. */
  echoed(name: string): { itemId: string; heardMs: number } | undefined {
    const index = this.#pending.findIndex((mark) => mark.name === name);
    if (index < 0) return undefined;
    const mark = this.#pending[index] as SentMark;
    this.#pending.splice(0, index + 1);
    return { itemId: mark.itemId, heardMs: mark.endMs };
  }

  /** Forgets every pending mark (their audio is being cleared); returns the items they were in. */
  clear(): string[] {
    const items = [...new Set(this.#pending.map((mark) => mark.itemId))];
    this.#pending.length = 0;
    return items;
  }
}

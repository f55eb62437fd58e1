type Json = Record<string, unknown>;

/** Bytes of items one connection keeps for `conversation.item.retrieve` (as serialized JSON). */
export const MAX_CONVERSATION_STORE_BYTES = 8 * 1024 * 1024;

/**
 * The conversation items an OpenAI client may ask about (`conversation.item.retrieve`), newest last,
 * capped by count and by bytes so a long session, or a flood of large items, cannot grow it without
 * bound (the oldest items are forgotten first).
 */
export class ConversationStore {
  readonly #items = new Map<string, Json>();
  readonly #sizes = new Map<string, number>();
  #bytes = 0;
  #last: string | null = null;

  constructor(
    private readonly capacity = 512,
    private readonly maxBytes = MAX_CONVERSATION_STORE_BYTES,
  ) {}

  /** Bytes held now (serialized JSON length of every item). */
  get bytes(): number {
    return this.#bytes;
  }

  /** The id of the newest item, or null (what `previous_item_id` of the next item is). */
  get lastId(): string | null {
    return this.#last;
  }

  get size(): number {
    return this.#items.size;
  }

  /** Adds or replaces an item; returns the id of the item before it. */
  put(item: Json & { id: string }): string | null {
    const previous = this.#items.has(item.id) ? this.#previousOf(item.id) : this.#last;
    if (!this.#items.has(item.id)) this.#last = item.id;
    this.#items.set(item.id, item);
    const size = JSON.stringify(item).length;
    this.#bytes += size - (this.#sizes.get(item.id) ?? 0);
    this.#sizes.set(item.id, size);
    while (this.#items.size > this.capacity || (this.#bytes > this.maxBytes && this.#items.size > 1)) {
      const oldest = this.#items.keys().next().value as string;
      this.#forget(oldest);
    }
    return previous;
  }

  get(id: string): (Json & { id: string }) | undefined {
    return this.#items.get(id) as (Json & { id: string }) | undefined;
  }

  delete(id: string): boolean {
    const existed = this.#forget(id);
    if (existed && this.#last === id) this.#last = [...this.#items.keys()].at(-1) ?? null;
    return existed;
  }

  #forget(id: string): boolean {
    this.#bytes -= this.#sizes.get(id) ?? 0;
    this.#sizes.delete(id);
    return this.#items.delete(id);
  }

  #previousOf(id: string): string | null {
    let previous: string | null = null;
    for (const key of this.#items.keys()) {
      if (key === id) return previous;
      previous = key;
    }
    return previous;
  }
}

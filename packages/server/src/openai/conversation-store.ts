type Json = Record<string, unknown>;

/**
 * The conversation items an OpenAI client may ask about (`conversation.item.retrieve`), newest last,
 * capped so a long session cannot grow it without bound (the oldest items are forgotten first).
 */
export class ConversationStore {
  readonly #items = new Map<string, Json>();
  #last: string | null = null;

  constructor(private readonly capacity = 512) {}

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
    while (this.#items.size > this.capacity) {
      const oldest = this.#items.keys().next().value as string;
      this.#items.delete(oldest);
    }
    return previous;
  }

  get(id: string): (Json & { id: string }) | undefined {
    return this.#items.get(id) as (Json & { id: string }) | undefined;
  }

  delete(id: string): boolean {
    const existed = this.#items.delete(id);
    if (existed && this.#last === id) this.#last = [...this.#items.keys()].at(-1) ?? null;
    return existed;
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

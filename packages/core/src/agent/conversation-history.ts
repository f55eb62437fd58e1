import type { ConversationItem } from '../model/realtime-model.js';

/** What one `upsert` did, so that clients following the history can do the same. */
export interface UpsertResult {
  readonly kind: 'added' | 'updated';
  /** Ids dropped from the front to stay within the bound. */
  readonly dropped: readonly string[];
}

/**
 * The conversation as the agent knows it: user, assistant, tool call and tool result items, with
 * interruptions applied so it holds what was really heard. Bounded: past `maxItems` the oldest
 * items are dropped (not summarized) and counted in `droppedCount`. This is what a reconnect
 * replays to the model.
 */
export class ConversationHistory {
  private entries: ConversationItem[] = [];
  private dropped = 0;

  constructor(readonly maxItems = 200) {
    if (!Number.isInteger(maxItems) || maxItems < 1) {
      throw new RangeError(`history maxItems must be an integer >= 1, got ${maxItems}`);
    }
  }

  get items(): readonly ConversationItem[] {
    return this.entries;
  }

  /** Items dropped from the front to stay within `maxItems`. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Adds an item, or replaces the one with the same id (an assistant item as it completes). */
  upsert(item: ConversationItem): UpsertResult {
    const index = this.entries.findIndex((existing) => existing.id === item.id);
    if (index >= 0) {
      this.entries = this.entries.map((existing, i) => (i === index ? item : existing));
      return { kind: 'updated', dropped: [] };
    }
    this.entries = [...this.entries, item];
    const excess = this.entries.length - this.maxItems;
    if (excess <= 0) return { kind: 'added', dropped: [] };
    const dropped = this.entries.slice(0, excess).map((gone) => gone.id);
    this.entries = this.entries.slice(excess);
    this.dropped += excess;
    return { kind: 'added', dropped };
  }

  /** Replaces the whole history (an edit through `updateHistory`, or a seed); already checked. */
  replace(items: readonly ConversationItem[]): void {
    this.entries = [...items];
  }

  get(id: string): ConversationItem | undefined {
    return this.entries.find((item) => item.id === id);
  }
}

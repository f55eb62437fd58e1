import type { ConversationItem } from '@chorus/core';

/**
 * The conversation as the adapter saw it on the wire (typed input, transcripts, model output, tool
 * calls and results), with truncations applied. Used to replay the context into a fresh session when
 * the adapter renews a session before the provider's cap.
 */
export class ConversationLog {
  private readonly items: ConversationItem[] = [];
  private readonly byId = new Map<string, number>();

  /** Adds or replaces an item (keyed by id). Empty messages are not kept. */
  upsert(item: ConversationItem): void {
    if (item.type === 'message' && item.text.trim() === '') return;
    const index = this.byId.get(item.id);
    if (index !== undefined) {
      this.items[index] = item;
      return;
    }
    this.byId.set(item.id, this.items.length);
    this.items.push(item);
  }

  /** Cuts an assistant message to the share of it that was heard (by audio time). */
  truncate(id: string, heardFraction: number): void {
    const index = this.byId.get(id);
    if (index === undefined) return;
    const item = this.items[index];
    if (item?.type !== 'message') return;
    const words = item.text.split(/\s+/).filter((w) => w !== '');
    const kept = words.slice(0, Math.floor(words.length * Math.min(1, Math.max(0, heardFraction))));
    this.items[index] = { ...item, text: kept.join(' ') };
  }

  /** The items in conversation order. */
  snapshot(): readonly ConversationItem[] {
    return this.items.filter((item) => item.type !== 'message' || item.text !== '');
  }

  /** Replaces the whole log (the agent edited its history). */
  replace(items: readonly ConversationItem[]): void {
    this.clear();
    for (const item of items) this.upsert(item);
  }

  clear(): void {
    this.items.length = 0;
    this.byId.clear();
  }
}

/**
 * A bounded FIFO for input that arrives while the model is not connected. When full, the newest
 * item is refused (the caller reports it): keeping the oldest keeps the conversation in order,
 * and a consumer would rather hear the start of an utterance than a tail without its beginning.
 */
export class InputBuffer<T> {
  private items: T[] = [];
  private refused = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`input buffer capacity must be an integer >= 0, got ${capacity}`);
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Items refused since the last drain. */
  get refusedCount(): number {
    return this.refused;
  }

  /** Adds an item; false when the buffer is full (the item was not kept). */
  offer(item: T): boolean {
    if (this.items.length >= this.capacity) {
      this.refused++;
      return false;
    }
    this.items.push(item);
    return true;
  }

  /** Takes everything out, oldest first, and resets the refused count. */
  drain(): { items: T[]; refused: number } {
    const drained = { items: this.items, refused: this.refused };
    this.items = [];
    this.refused = 0;
    return drained;
  }
}

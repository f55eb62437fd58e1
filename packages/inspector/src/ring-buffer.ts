/**
 * A fixed-capacity FIFO that overwrites its oldest entry when full and counts what it overwrote, so
 * a reader can say "N items were dropped" instead of silently losing them.
 */
export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #size = 0;
  #dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
    this.#items = new Array(capacity);
  }

  /** Entries currently held. */
  get size(): number {
    return this.#size;
  }

  /** Entries overwritten since creation (or since the last `clear`). */
  get dropped(): number {
    return this.#dropped;
  }

  push(item: T): void {
    const end = (this.#start + this.#size) % this.capacity;
    this.#items[end] = item;
    if (this.#size < this.capacity) {
      this.#size++;
    } else {
      this.#start = (this.#start + 1) % this.capacity;
      this.#dropped++;
    }
  }

  /** The held entries, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(this.#start + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#start = 0;
    this.#size = 0;
    this.#dropped = 0;
  }
}

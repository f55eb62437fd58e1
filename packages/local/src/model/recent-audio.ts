/**
 * The audio just before a turn (the prefix padding and the minimum speech run the turn detector may
 * reach back over), kept in one preallocated ring of whole frames.
 *
 * Frames are copied in, not held. Held as objects for the half second they are needed, they outlived
 * two young-generation collections, were promoted, and died in the old generation: with a hundred
 * silent sessions on the local model that was most of what the collector moved (`--trace-gc` on
 * `test/bench/gateway.ts density`). Copied, every frame of a silent session dies young.
 */
export interface RecentFrame {
  readonly startMs: number;
  readonly samples: Int16Array;
}

export class RecentAudio {
  #ring: Int16Array;
  #starts: Float64Array;
  /** Frames written since the last clear; the newest is at `(#written - 1) % slots`. */
  #written = 0;

  constructor(
    /** Samples in every frame pushed. */
    private readonly frameSamples: number,
    /** How many frames it keeps at first; {@link push} grows it when asked to keep more. */
    slots: number,
  ) {
    this.#ring = new Int16Array(frameSamples * slots);
    this.#starts = new Float64Array(slots);
  }

  get #slots(): number {
    return this.#starts.length;
  }

  /**
   * Adds a frame (copied) and keeps every frame that starts no more than `keepMs` before it, given
   * frames of `frameMs` one after the other.
   */
  push(frame: RecentFrame, keepMs: number, frameMs: number): void {
    if (frame.samples.length !== this.frameSamples)
      throw new Error(
        `RecentAudio takes frames of ${this.frameSamples} samples, got ${frame.samples.length}`,
      );
    const needed = Math.floor(keepMs / frameMs) + 1;
    if (needed > this.#slots) this.#grow(needed);
    const slot = this.#written % this.#slots;
    this.#ring.set(frame.samples, slot * this.frameSamples);
    this.#starts[slot] = frame.startMs;
    this.#written++;
  }

  /**
   * The kept frames that start at or after `fromMs` and no more than `keepMs` before the newest,
   * oldest first, as one frame (a copy); undefined when there are none.
   */
  since(fromMs: number, keepMs: number): RecentFrame | undefined {
    const kept = Math.min(this.#written, this.#slots);
    if (kept === 0) return undefined;
    const newest = this.#starts[(this.#written - 1) % this.#slots] as number;
    const floor = Math.max(fromMs, newest - keepMs);
    const slots: number[] = [];
    for (let k = this.#written - kept; k < this.#written; k++) {
      const slot = k % this.#slots;
      if ((this.#starts[slot] as number) >= floor) slots.push(slot);
    }
    const first = slots[0];
    if (first === undefined) return undefined;
    const samples = new Int16Array(slots.length * this.frameSamples);
    for (const [i, slot] of slots.entries()) {
      const at = slot * this.frameSamples;
      samples.set(this.#ring.subarray(at, at + this.frameSamples), i * this.frameSamples);
    }
    return { startMs: this.#starts[first] as number, samples };
  }

  clear(): void {
    this.#written = 0;
  }

  /** More slots, keeping the frames held (oldest first from slot 0). */
  #grow(slots: number): void {
    const kept = Math.min(this.#written, this.#slots);
    const ring = new Int16Array(this.frameSamples * slots);
    const starts = new Float64Array(slots);
    for (let i = 0; i < kept; i++) {
      const slot = (this.#written - kept + i) % this.#slots;
      ring.set(
        this.#ring.subarray(slot * this.frameSamples, (slot + 1) * this.frameSamples),
        i * this.frameSamples,
      );
      starts[i] = this.#starts[slot] as number;
    }
    this.#ring = ring;
    this.#starts = starts;
    this.#written = kept;
  }
}

/** One chunk placed on the audio clock. */
export interface ScheduledChunk {
  /** Audio-clock time (seconds) at which the chunk starts playing. */
  readonly startAt: number;
  readonly duration: number;
  readonly itemId: string;
  /** Where in its item the chunk starts, in milliseconds. */
  readonly itemOffsetMs: number;
}

export interface PlaybackSchedulerOptions {
  /** Audio held back before playback starts or restarts after running dry (default 0.08 s). */
  readonly prebufferSeconds?: number;
  /** Items whose positions are remembered (default 8). */
  readonly rememberItems?: number;
}

/**
 * The jitter buffer's bookkeeping, on the audio clock and free of Web Audio, so it can be tested with
 * plain numbers. Chunks are queued back to back; when the queue has run dry (the network was late),
 * playback restarts `prebufferSeconds` ahead of now instead of playing each late chunk the moment it
 * lands, which would stutter. It also knows how much of each item has really been played, which is
 * what `client_playback_position` reports.
 */
export class PlaybackScheduler {
  readonly #prebuffer: number;
  readonly #remember: number;
  #cursor = 0;
  readonly #chunks: ScheduledChunk[] = [];
  readonly #itemLength = new Map<string, number>();
  /** How much of each item was played by chunks already forgotten (finished or cleared). */
  readonly #playedBefore = new Map<string, number>();

  constructor(options: PlaybackSchedulerOptions = {}) {
    this.#prebuffer = options.prebufferSeconds ?? 0.08;
    this.#remember = options.rememberItems ?? 8;
  }

  /** Places a chunk of `duration` seconds of item `itemId`; returns when it must start. */
  schedule(now: number, duration: number, itemId: string): ScheduledChunk {
    const startAt = this.#cursor < now ? now + this.#prebuffer : this.#cursor;
    const offsetMs = this.#itemLength.get(itemId) ?? 0;
    if (!this.#itemLength.has(itemId)) {
      this.#itemLength.set(itemId, 0);
      while (this.#itemLength.size > this.#remember) {
        const oldest = this.#itemLength.keys().next().value as string;
        this.#itemLength.delete(oldest);
      }
    }
    this.#itemLength.set(itemId, offsetMs + duration * 1000);
    const chunk: ScheduledChunk = { startAt, duration, itemId, itemOffsetMs: offsetMs };
    this.#chunks.push(chunk);
    this.#cursor = startAt + duration;
    this.#forgetPlayed(now);
    return chunk;
  }

  /** Seconds of audio queued but not yet played. */
  pending(now: number): number {
    return Math.max(0, this.#cursor - now);
  }

  /** Whether audio is playing or queued at `now`. */
  isPlaying(now: number): boolean {
    return this.#cursor > now;
  }

  /** Milliseconds of item `itemId` played by `now` (0 if unknown). */
  playedMs(itemId: string, now: number): number {
    let played = this.#playedBefore.get(itemId) ?? 0;
    for (const chunk of this.#chunks) {
      if (chunk.itemId !== itemId || now <= chunk.startAt) continue;
      played = Math.max(played, chunk.itemOffsetMs + Math.min(now - chunk.startAt, chunk.duration) * 1000);
    }
    return Math.round(played);
  }

  /** The item playing at `now`, if any. */
  currentItem(now: number): string | undefined {
    return this.#chunks.find((c) => c.startAt <= now && now < c.startAt + c.duration)?.itemId;
  }

  /**
   * Drops everything queued (barge-in): returns the chunks that had not finished, so the caller can
   * stop their sources, and the items cut with how much of each was heard.
   */
  clear(now: number): { readonly stopped: ScheduledChunk[]; readonly heard: Map<string, number> } {
    const stopped = this.#chunks.filter((c) => c.startAt + c.duration > now);
    const heard = new Map<string, number>();
    for (const chunk of stopped) heard.set(chunk.itemId, this.playedMs(chunk.itemId, now));
    for (const [itemId, ms] of heard) this.#playedBefore.set(itemId, ms);
    this.#chunks.length = 0;
    this.#cursor = now;
    for (const itemId of heard.keys()) this.#itemLength.set(itemId, heard.get(itemId) ?? 0);
    return { stopped, heard };
  }

  #forgetPlayed(now: number): void {
    while (this.#chunks.length > 0) {
      const first = this.#chunks[0] as ScheduledChunk;
      if (first.startAt + first.duration > now) break;
      this.#chunks.shift();
      const end = first.itemOffsetMs + first.duration * 1000;
      this.#playedBefore.set(first.itemId, Math.max(this.#playedBefore.get(first.itemId) ?? 0, end));
      if (this.#playedBefore.size > this.#remember) {
        const oldest = this.#playedBefore.keys().next().value as string;
        this.#playedBefore.delete(oldest);
      }
    }
  }
}

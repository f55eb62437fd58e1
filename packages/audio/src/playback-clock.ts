/** Options for {@link PlaybackClock}. */
export interface PlaybackClockOptions {
  /**
   * Current time in milliseconds from any fixed origin; must not go backwards. Defaults to
   * `performance.now()`. Inject a fake clock in tests.
   */
  now?: () => number;
  /** How many items to remember before forgetting the oldest (default 256), so memory stays bounded. */
  maxItems?: number;
}

interface ItemPlayback {
  /** Milliseconds of audio sent to the listener for this item. */
  sentMs: number;
  /** When the listener started hearing it: its first audio, or when the audio queued before it ran out. */
  startedAt: number;
  /** What the client said it played, which beats any estimate. */
  reportedMs: number | undefined;
  /** The heard position fixed when the listener's buffer was cleared. */
  stoppedAtMs: number | undefined;
}

/**
 * Estimates how much of each output item (an agent's spoken reply) a listener has actually heard, so
 * an interrupted reply can be truncated where the listener stopped hearing it rather than where the
 * model stopped generating it.
 *
 * The estimate for an item is `min(audio sent for it, time since its playback started)`, the same
 * approximation the OpenAI Agents SDK uses for `conversation.item.truncate`, refined in two ways:
 * items queue behind one another (an item's playback starts when the audio sent before it has had time
 * to play, not when its first byte was sent), and a position the client reports itself
 * (`client_playback_position`) replaces the estimate for that item.
 *
 * @example
 * ```ts
 * const clock = new PlaybackClock();
 * clock.appended(itemId, durationMs(frame, format)); // for each frame sent to the listener
 * // on barge-in:
 * const audioEndMs = Math.floor(clock.heardMs(itemId));
 * clock.cleared();
 * ```
 */
export class PlaybackClock {
  readonly #now: () => number;
  readonly #maxItems: number;
  readonly #items = new Map<string, ItemPlayback>();
  /** When everything sent so far will have finished playing. */
  #queueEndsAt = Number.NEGATIVE_INFINITY;

  constructor(options: PlaybackClockOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#maxItems = options.maxItems ?? 256;
    if (!Number.isInteger(this.#maxItems) || this.#maxItems < 1) {
      throw new Error(`maxItems must be a positive integer, got ${String(options.maxItems)}`);
    }
  }

  /**
   * Records that `durationMs` of audio for `itemId` was sent to the listener now. The first call for
   * an item starts its playback (after any audio still queued ahead of it).
   *
   * @throws Error when `durationMs` is negative or not finite.
   */
  appended(itemId: string, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) {
      throw new Error(
        `durationMs for item ${JSON.stringify(itemId)} must be a non-negative finite number, got ${durationMs}`,
      );
    }
    const now = this.#now();
    const startsAt = Math.max(now, this.#queueEndsAt);
    let item = this.#items.get(itemId);
    if (!item) {
      item = { sentMs: 0, startedAt: startsAt, reportedMs: undefined, stoppedAtMs: undefined };
      this.#items.set(itemId, item);
      if (this.#items.size > this.#maxItems) {
        const oldest = this.#items.keys().next().value;
        if (oldest !== undefined) this.#items.delete(oldest);
      }
    }
    item.sentMs += durationMs;
    this.#queueEndsAt = startsAt + durationMs;
  }

  /**
   * Records the playback position the client itself reported for `itemId`. From then on
   * {@link PlaybackClock.heardMs} returns the latest report (capped at the audio sent) instead of the
   * estimate.
   *
   * @throws Error when the position is negative or not finite, or no audio was appended for the item.
   */
  reported(itemId: string, audioEndMs: number): void {
    if (!Number.isFinite(audioEndMs) || audioEndMs < 0) {
      throw new Error(
        `audioEndMs for item ${JSON.stringify(itemId)} must be a non-negative finite number, got ${audioEndMs}`,
      );
    }
    const item = this.#items.get(itemId);
    if (!item)
      throw new Error(
        `playback reported for unknown item ${JSON.stringify(itemId)}: no audio was sent for it`,
      );
    item.reportedMs = audioEndMs;
  }

  /**
   * Milliseconds of `itemId` the listener has heard: the client's report if there is one, else the
   * position fixed by {@link PlaybackClock.cleared}, else `min(sent, now - playback start)`. Never
   * more than the audio sent; 0 for an unknown item or one whose playback has not started yet.
   */
  heardMs(itemId: string): number {
    const item = this.#items.get(itemId);
    if (!item) return 0;
    if (item.reportedMs !== undefined) return Math.min(item.reportedMs, item.sentMs);
    if (item.stoppedAtMs !== undefined) return item.stoppedAtMs;
    return this.#estimate(item, this.#now());
  }

  /** Milliseconds of audio sent for `itemId` (0 if unknown). */
  sentMs(itemId: string): number {
    return this.#items.get(itemId)?.sentMs ?? 0;
  }

  /** Milliseconds of sent audio the listener has not heard yet, over all items. */
  bufferedMs(): number {
    return Math.max(0, this.#queueEndsAt - this.#now());
  }

  /**
   * Records that the listener's playback buffer was dropped now (barge-in: Twilio `clear`,
   * `output_audio_buffer.clear`): every item stops where the listener is, and audio sent afterwards
   * plays from now. Audio appended later for a stopped item counts as sent but does not move its
   * heard position.
   */
  cleared(): void {
    const now = this.#now();
    for (const item of this.#items.values()) {
      if (item.stoppedAtMs === undefined) item.stoppedAtMs = this.#estimate(item, now);
    }
    this.#queueEndsAt = now;
  }

  /** Forgets an item (for example once its truncation has been sent). */
  forget(itemId: string): void {
    this.#items.delete(itemId);
  }

  #estimate(item: ItemPlayback, now: number): number {
    return Math.max(0, Math.min(item.sentMs, now - item.startedAt));
  }
}

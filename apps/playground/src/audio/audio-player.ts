import { pcm16BytesToFloat } from './pcm.js';
import { PlaybackScheduler } from './playback-scheduler.js';

/** Counters the page shows and the browser tests read. */
export interface PlayerStats {
  chunksReceived: number;
  chunksStarted: number;
  chunksFinished: number;
  chunksStopped: number;
  clears: number;
  /** Sources the last clear stopped (queued or playing at that moment). */
  lastClearStopped: number;
  secondsPlayed: number;
}

/**
 * Plays agent audio through a small jitter buffer (`PlaybackScheduler`) on one AudioContext. Chunks
 * may arrive at any rate: each becomes an AudioBuffer at its own rate and the browser resamples.
 */
export class AudioPlayer {
  readonly #context: AudioContext;
  readonly #scheduler: PlaybackScheduler;
  readonly #sources = new Set<AudioBufferSourceNode>();
  readonly stats: PlayerStats = {
    chunksReceived: 0,
    chunksStarted: 0,
    chunksFinished: 0,
    chunksStopped: 0,
    clears: 0,
    lastClearStopped: 0,
    secondsPlayed: 0,
  };

  constructor(prebufferSeconds = 0.08) {
    this.#context = new AudioContext({ latencyHint: 'interactive' });
    this.#scheduler = new PlaybackScheduler({ prebufferSeconds });
  }

  /** Call from a user gesture: browsers start audio contexts suspended. */
  async resume(): Promise<void> {
    if (this.#context.state !== 'running') await this.#context.resume();
  }

  get now(): number {
    return this.#context.currentTime;
  }

  enqueue(pcm16: Uint8Array, rate: number, itemId: string): void {
    this.stats.chunksReceived++;
    const samples = pcm16BytesToFloat(pcm16);
    if (samples.length === 0) return;
    const buffer = this.#context.createBuffer(1, samples.length, rate);
    buffer.copyToChannel(samples, 0);
    const chunk = this.#scheduler.schedule(this.#context.currentTime, buffer.duration, itemId);
    const source = this.#context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.#context.destination);
    source.onended = () => {
      source.disconnect();
      // A source stopped by `clear` was already removed from the set: it does not count as played.
      if (!this.#sources.delete(source)) return;
      this.stats.chunksFinished++;
      this.stats.secondsPlayed += chunk.duration;
    };
    this.#sources.add(source);
    source.start(chunk.startAt);
    this.stats.chunksStarted++;
  }

  /** Stops everything queued at once; returns how much of each cut item was heard (ms). */
  clear(): Map<string, number> {
    const { heard } = this.#scheduler.clear(this.#context.currentTime);
    for (const source of this.#sources) {
      try {
        source.stop();
      } catch {
        // Already stopped.
      }
      this.stats.chunksStopped++;
    }
    this.stats.lastClearStopped = this.#sources.size;
    this.#sources.clear();
    this.stats.clears++;
    return heard;
  }

  /** Seconds of audio queued and not yet played. */
  get pendingSeconds(): number {
    return this.#scheduler.pending(this.#context.currentTime);
  }

  playedMs(itemId: string): number {
    return this.#scheduler.playedMs(itemId, this.#context.currentTime);
  }

  currentItem(): string | undefined {
    return this.#scheduler.currentItem(this.#context.currentTime);
  }

  async close(): Promise<void> {
    this.clear();
    await this.#context.close();
  }
}

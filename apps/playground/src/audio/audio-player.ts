import {
  MIXER_PROCESSOR_NAME,
  MIXER_WORKLET_SOURCE,
  type MixerCommand,
  type MixerReport,
} from './mixer-worklet-source.js';
import { pcm16BytesToFloat } from './pcm.js';
import { PlaybackScheduler } from './playback-scheduler.js';
import { StreamResampler } from './resampler.js';

/** Counters the page shows and the browser tests read. */
export interface PlayerStats {
  chunksReceived: number;
  chunksStarted: number;
  chunksFinished: number;
  chunksStopped: number;
  clears: number;
  /** Chunks the last clear stopped (queued or playing at that moment). */
  lastClearStopped: number;
  secondsPlayed: number;
  /** The most voices (agents) the mixer played in one render quantum. */
  maxVoicesMixed: number;
}

export interface AudioPlayerOptions {
  /** Audio held back before a voice starts or restarts after running dry (default 0.08 s). */
  readonly prebufferSeconds?: number;
  /** The context to play on (an OfflineAudioContext in tests); a new interactive AudioContext by default. */
  readonly context?: BaseAudioContext;
}

interface Voice {
  readonly scheduler: PlaybackScheduler;
  resampler: StreamResampler | undefined;
}

/**
 * Plays agent audio, every agent at once: each voice (agent) has its own jitter buffer
 * (`PlaybackScheduler`) that places its chunks back to back on the audio clock, and one AudioWorklet
 * mixes whatever overlaps. Before, one queue for all agents played a second agent's words only after
 * the first had finished. Chunks may arrive at any rate: each voice's stream is resampled to the
 * context's rate on the page, continuously across chunks.
 */
export class AudioPlayer {
  readonly #context: BaseAudioContext;
  readonly #prebuffer: number;
  readonly #voices = new Map<string, Voice>();
  /** Which voice an item belongs to, for its played position. */
  readonly #itemVoice = new Map<string, string>();
  /** Chunks sent to the mixer and not finished: their length in seconds. */
  readonly #live = new Map<number, number>();
  readonly #backlog: MixerCommand[] = [];
  #node: AudioWorkletNode | undefined;
  #nextId = 1;
  readonly ready: Promise<void>;
  readonly stats: PlayerStats = {
    chunksReceived: 0,
    chunksStarted: 0,
    chunksFinished: 0,
    chunksStopped: 0,
    clears: 0,
    lastClearStopped: 0,
    secondsPlayed: 0,
    maxVoicesMixed: 0,
  };

  constructor(options: AudioPlayerOptions = {}) {
    this.#context = options.context ?? new AudioContext({ latencyHint: 'interactive' });
    this.#prebuffer = options.prebufferSeconds ?? 0.08;
    this.ready = this.#start();
  }

  async #start(): Promise<void> {
    const url = URL.createObjectURL(new Blob([MIXER_WORKLET_SOURCE], { type: 'text/javascript' }));
    try {
      await this.#context.audioWorklet.addModule(url);
    } finally {
      URL.revokeObjectURL(url);
    }
    const node = new AudioWorkletNode(this.#context, MIXER_PROCESSOR_NAME, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    node.port.onmessage = (event: MessageEvent<MixerReport>) => this.#report(event.data);
    node.connect(this.#context.destination);
    this.#node = node;
    for (const command of this.#backlog.splice(0)) this.#post(command);
  }

  /** Call from a user gesture: browsers start audio contexts suspended. */
  async resume(): Promise<void> {
    if (this.#context instanceof AudioContext && this.#context.state !== 'running')
      await this.#context.resume();
  }

  get now(): number {
    return this.#context.currentTime;
  }

  /** Queues a chunk of `voice` (an agent id; one queue per voice, voices mixed). */
  enqueue(pcm16: Uint8Array, rate: number, itemId: string, voice = 'agent'): void {
    this.stats.chunksReceived++;
    const state = this.#voice(voice);
    if (state.resampler?.fromRate !== rate)
      state.resampler = new StreamResampler(rate, this.#context.sampleRate);
    const samples = state.resampler.process(pcm16BytesToFloat(pcm16));
    if (samples.length === 0) return;
    const duration = samples.length / this.#context.sampleRate;
    const chunk = state.scheduler.schedule(this.#context.currentTime, duration, itemId);
    this.#itemVoice.set(itemId, voice);
    while (this.#itemVoice.size > 64) this.#itemVoice.delete(this.#itemVoice.keys().next().value as string);
    const id = this.#nextId++;
    this.#live.set(id, duration);
    const startFrame = Math.round(chunk.startAt * this.#context.sampleRate);
    this.#post({ type: 'chunk', id, voice, startFrame, samples });
  }

  /** Stops everything queued at once; returns how much of each cut item was heard (ms). */
  clear(): Map<string, number> {
    const heard = new Map<string, number>();
    for (const { scheduler } of this.#voices.values()) {
      for (const [itemId, ms] of scheduler.clear(this.#context.currentTime).heard) heard.set(itemId, ms);
    }
    this.#post({ type: 'clear' });
    this.stats.chunksStopped += this.#live.size;
    this.stats.lastClearStopped = this.#live.size;
    this.#live.clear();
    this.stats.clears++;
    return heard;
  }

  /** Seconds of audio queued and not yet played (the longest voice). */
  get pendingSeconds(): number {
    let pending = 0;
    for (const { scheduler } of this.#voices.values())
      pending = Math.max(pending, scheduler.pending(this.#context.currentTime));
    return pending;
  }

  playedMs(itemId: string): number {
    const voice = this.#voices.get(this.#itemVoice.get(itemId) ?? '');
    return voice ? voice.scheduler.playedMs(itemId, this.#context.currentTime) : 0;
  }

  /** The item playing now (of the voice that has one first, when several speak at once). */
  currentItem(): string | undefined {
    for (const { scheduler } of this.#voices.values()) {
      const item = scheduler.currentItem(this.#context.currentTime);
      if (item !== undefined) return item;
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.clear();
    this.#node?.disconnect();
    if (this.#context instanceof AudioContext) await this.#context.close();
  }

  #voice(voice: string): Voice {
    let state = this.#voices.get(voice);
    if (!state) {
      state = {
        scheduler: new PlaybackScheduler({ prebufferSeconds: this.#prebuffer }),
        resampler: undefined,
      };
      this.#voices.set(voice, state);
    }
    return state;
  }

  #post(command: MixerCommand): void {
    if (!this.#node) {
      this.#backlog.push(command);
      return;
    }
    // Copied, not transferred: a resampler may hand back a view of a buffer it still uses.
    this.#node.port.postMessage(command);
  }

  #report(report: MixerReport): void {
    if (report.type === 'voices') {
      this.stats.maxVoicesMixed = Math.max(this.stats.maxVoicesMixed, report.mixed);
      return;
    }
    for (const id of report.ids) {
      const duration = this.#live.get(id);
      // A chunk already cleared counts as stopped, not as started or played.
      if (duration === undefined) continue;
      if (report.type === 'started') this.stats.chunksStarted++;
      else {
        this.#live.delete(id);
        this.stats.chunksFinished++;
        this.stats.secondsPlayed += duration;
      }
    }
  }
}

import type { ChorusClock } from '@chorus/core';
import type { SynthesizedSpeech, Tts } from '../tts/tts.js';

/** A word as it went out: its transcript text and where its audio starts in the item, in ms. */
export interface SpokenWord {
  readonly audioMs: number;
  readonly text: string;
}

export interface SpeakerOptions {
  readonly clock: Required<ChorusClock>;
  /** 1 is real time; 10 sends ten seconds of audio per second (tests, benchmarks). */
  readonly speed: number;
  /** Length of each audio delta. */
  readonly chunkMs: number;
  readonly tts: Tts;
  readonly voice?: string;
  /** One audio chunk out, as PCM16 at the synthesizer's rate; `startMs` is its position in the item. */
  readonly onAudio: (samples: Int16Array, sampleRate: number, startMs: number) => void;
  /** Transcript text of words whose audio just went out. */
  readonly onTranscript: (delta: string) => void;
  /** Synthesis failed; the speaker stops. */
  readonly onError: (error: Error) => void;
}

interface Segment {
  readonly text: string;
  speech?: SynthesizedSpeech;
  failed?: Error;
  readonly ready: Promise<void>;
}

/**
 * Speaks one response item: synthesizes sentence after sentence (the next one while the current one
 * plays) and sends the audio paced to the clock, so that what was sent is what a listener has heard.
 * Each word's transcript goes out with the chunk that holds its first sample.
 */
export class Speaker {
  private readonly segments: Segment[] = [];
  private readonly abort = new AbortController();
  private current = 0;
  private offsetInSegment = 0;
  private sentMs = 0;
  private wordsSent = 0;
  private baseTime = 0;
  private timer: unknown;
  private waiting = false;
  private ended = false;
  private finished = false;
  private readonly words: SpokenWord[] = [];
  private transcript = '';
  private resolveDone!: (outcome: 'completed' | 'stopped') => void;
  /** Settles once every sentence was sent (`completed`) or on {@link stop} (`stopped`). */
  readonly done: Promise<'completed' | 'stopped'>;

  constructor(private readonly options: SpeakerOptions) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Milliseconds of audio sent so far. */
  get audioMs(): number {
    return this.sentMs;
  }

  /** Transcript of everything sent so far. */
  get spokenText(): string {
    return this.transcript;
  }

  /** Every word sent so far, with its position. */
  get spokenWords(): readonly SpokenWord[] {
    return this.words;
  }

  /** Queues a sentence; its synthesis starts now. */
  say(text: string): void {
    if (this.finished || this.ended) return;
    const segment: Segment = {
      text,
      ready: this.options.tts.synthesize(text, { voice: this.options.voice, signal: this.abort.signal }).then(
        (speech) => {
          segment.speech = speech;
        },
        (error: unknown) => {
          segment.failed = error instanceof Error ? error : new Error(String(error));
        },
      ),
    };
    this.segments.push(segment);
    if (this.segments.length === this.current + 1) this.pump();
  }

  /** No more sentences will come; `done` settles when the last one was sent. */
  end(): void {
    this.ended = true;
    this.pump();
  }

  /** Stops sending at once (barge-in, cancel). */
  stop(): void {
    if (this.finished) return;
    this.finish('stopped');
  }

  private finish(outcome: 'completed' | 'stopped'): void {
    this.finished = true;
    this.abort.abort();
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.resolveDone(outcome);
  }

  private pump(): void {
    if (this.finished || this.waiting || this.timer !== undefined) return;
    const { clock, speed, chunkMs } = this.options;
    for (;;) {
      const segment = this.segments[this.current];
      if (!segment) {
        if (this.ended) this.finish('completed');
        return;
      }
      if (!segment.speech && !segment.failed) {
        this.waiting = true;
        void segment.ready.then(() => {
          this.waiting = false;
          // Audio resumes from now: a late sentence must not be sent in a catch-up burst.
          this.baseTime = clock.now() - this.sentMs / speed;
          this.pump();
        });
        return;
      }
      if (segment.failed) {
        this.options.onError(segment.failed);
        this.finish('stopped');
        return;
      }
      const speech = segment.speech as SynthesizedSpeech;
      if (this.current === 0 && this.offsetInSegment === 0 && this.sentMs === 0) this.baseTime = clock.now();
      const dueAt = this.baseTime + this.sentMs / speed;
      const now = clock.now();
      if (dueAt > now) {
        this.timer = clock.setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, dueAt - now);
        return;
      }
      this.sendChunk(segment, speech, chunkMs);
      if (this.finished) return;
    }
  }

  private sendChunk(segment: Segment, speech: SynthesizedSpeech, chunkMs: number): void {
    const rate = speech.sampleRate;
    const chunkSamples = Math.max(1, Math.round((rate * chunkMs) / 1000));
    const start = this.offsetInSegment;
    const end = Math.min(speech.audio.length, start + chunkSamples);
    const segmentStartMs = this.sentMs - (start / rate) * 1000;
    if (end > start) this.options.onAudio(speech.audio.subarray(start, end), rate, this.sentMs);
    this.offsetInSegment = end;
    this.sentMs += ((end - start) / rate) * 1000;
    const last = end >= speech.audio.length;
    this.sendWords(segment, speech, last ? Number.POSITIVE_INFINITY : (end / rate) * 1000, segmentStartMs);
    if (last) {
      this.current++;
      this.offsetInSegment = 0;
      this.wordsSent = 0;
    }
  }

  // Sends the transcript of every word of the segment whose audio starts before `untilMs`.
  private sendWords(
    segment: Segment,
    speech: SynthesizedSpeech,
    untilMs: number,
    segmentStartMs: number,
  ): void {
    const text = segment.text;
    const words = speech.words.length > 0 ? speech.words : [{ textOffset: 0, audioMs: 0 }];
    while (this.wordsSent < words.length) {
      const word = words[this.wordsSent];
      if (!word || word.audioMs >= untilMs) return;
      const next = words[this.wordsSent + 1];
      const from = this.wordsSent === 0 ? 0 : word.textOffset;
      const to = next ? next.textOffset : text.length;
      let delta = text.slice(from, to);
      if (this.wordsSent === 0 && this.transcript !== '') delta = ` ${delta}`;
      this.wordsSent++;
      if (delta === '') continue;
      this.transcript += delta;
      this.words.push({ audioMs: segmentStartMs + word.audioMs, text: delta });
      this.options.onTranscript(delta);
    }
  }
}

/** The transcript of the words whose audio started before `audioEndMs`: what the listener heard. */
export function heardText(words: readonly SpokenWord[], audioEndMs: number): string {
  let text = '';
  for (const word of words) {
    if (word.audioMs >= audioEndMs) break;
    text += word.text;
  }
  return text.trim();
}

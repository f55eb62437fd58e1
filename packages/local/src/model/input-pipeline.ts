import { AudioConverter, type AudioFormat, FrameChunker, pcm16FromBytes } from '@chorus/audio';
import { energyGated } from '../vad/energy-gate.js';
import { SpeechOnsetDetector, type SpeechOnsetOptions } from '../vad/speech-onset.js';
import { TurnDetector, type TurnDetectorOptions, type TurnEvent } from '../vad/turn-detector.js';
import type { Vad } from '../vad/vad.js';
import { VoicingDetector, type VoicingOptions } from '../vad/voicing.js';
import { RecentAudio, type RecentFrame } from './recent-audio.js';

/** The rate everything on the input side runs at: what the VAD and speech recognisers want. */
export const INPUT_RATE = 16000;
/** Length of the frames the VAD classifies. */
export const INPUT_FRAME_MS = 20;
const FRAME_MS = INPUT_FRAME_MS;
const FRAME_SAMPLES = (INPUT_RATE * FRAME_MS) / 1000;

export interface InputTurn {
  /** 16 kHz mono PCM16 from `audio_start_ms` to `audio_end_ms`. */
  readonly audio: Int16Array;
  readonly audioStartMs: number;
  readonly audioEndMs: number;
  /**
   * False for a turn started by an interrupt onset that never reached the minimum speech (a cough,
   * a click, echo): it interrupted, but is not speech to answer.
   */
  readonly confirmed: boolean;
}

export interface InputPipelineEvents {
  readonly onSpeechStarted: (audioStartMs: number) => void;
  readonly onSpeechStopped: (turn: InputTurn) => void;
  /** A chunk could not be converted (bad format); the chunk is dropped and this says why. */
  readonly onError: (error: Error) => void;
  /** Whether a response is playing that speech would interrupt (turns may then start sooner). */
  readonly isInterruptible?: () => boolean;
}

type Frame = RecentFrame;

function formatKey(format: AudioFormat): string {
  return `${format.type}@${format.rate}`;
}

/**
 * The input side of the local model: converts audio from any wire format to 16 kHz PCM16, cuts it into
 * 20 ms frames, classifies them with the VAD and finds turns. Keeps the audio of the turn in progress
 * (plus the prefix padding) for the speech recogniser. Positions are on the stream's own clock: the
 * milliseconds of audio received, not wall time.
 */
export class InputPipeline {
  private readonly converters = new Map<string, AudioConverter>();
  private readonly chunker = new FrameChunker({ rate: INPUT_RATE, frameMs: FRAME_MS });
  private detector: TurnDetector;
  private receivedSamples = 0;
  /** The audio before a turn, which the turn reaches back over when it starts. */
  private readonly recent = new RecentAudio(FRAME_SAMPLES, 32);
  private turnFrames: Frame[] = [];
  private turnStartMs = 0;
  private chain: Promise<void> | undefined;
  private disposed = false;
  /** Audio since the last commit or turn, for turn detection `none` (manual commit). */
  private uncommitted: Frame[] = [];
  /** Tells voiced frames from noise for the interrupt onset; made on first use. */
  private voicing: VoicingDetector | undefined;
  /** Confirms speech onsets while a response plays (`confirmedOnset`); made on first use. */
  private onset: SpeechOnsetDetector | undefined;
  /** The frame before the current one, which lengthens the voicing window. */
  private previousFrame: Frame | undefined;

  /** The VAD behind an energy gate: a silent session does not run it on every frame. */
  private readonly vad: Vad | undefined;

  constructor(
    vad: Vad | undefined,
    detector: Omit<TurnDetectorOptions, 'frameMs'>,
    private readonly events: InputPipelineEvents,
    /** Whether turns come from the VAD (server_vad) or from explicit commits. */
    private autoTurns: boolean,
    /** Settings of the voicing test that gates the interrupt onset (`onsetVoicedFrames`). */
    private readonly voicingOptions: VoicingOptions = {},
    /** Settings of the speech onset rule (`confirmedOnset`). */
    private readonly onsetOptions: SpeechOnsetOptions = {},
  ) {
    if (vad && (vad.sampleRate !== INPUT_RATE || vad.frameSamples !== FRAME_SAMPLES)) {
      throw new Error(`the VAD must take ${FRAME_MS} ms frames at ${INPUT_RATE} Hz`);
    }
    this.vad = vad && energyGated(vad);
    this.detector = new TurnDetector({ ...detector, frameMs: FRAME_MS });
  }

  /** Milliseconds of audio received so far. */
  get positionMs(): number {
    return (this.receivedSamples / INPUT_RATE) * 1000;
  }

  /** Whether the user is speaking (a turn has started and not ended). */
  get inSpeech(): boolean {
    return this.detector.inSpeech;
  }

  /** Changes the turn settings; a turn in progress ends without an event. */
  configure(detector: Omit<TurnDetectorOptions, 'frameMs'>, autoTurns: boolean): void {
    this.detector = new TurnDetector({ ...detector, frameMs: FRAME_MS });
    this.autoTurns = autoTurns;
    this.turnFrames = [];
  }

  /** Prepares the converter for a format ahead of its first chunk. */
  async prepare(format: AudioFormat): Promise<void> {
    await this.converterFor(format);
  }

  /**
   * Adds a chunk. Processed at once when the format's converter is ready, otherwise after it loads,
   * always in arrival order.
   */
  push(audio: Uint8Array, format: AudioFormat): void {
    if (this.disposed) return;
    const converter = this.converters.get(formatKey(format));
    if (converter && !this.chain) {
      this.process(converter, audio);
      return;
    }
    const previous = this.chain ?? Promise.resolve();
    const next = previous
      .then(() => this.converterFor(format))
      .then(
        (ready) => {
          if (!this.disposed) this.process(ready, audio);
        },
        (error: unknown) => this.events.onError(error instanceof Error ? error : new Error(String(error))),
      )
      .finally(() => {
        if (this.chain === next) this.chain = undefined;
      });
    this.chain = next;
  }

  /** Settles once every chunk pushed so far was processed. */
  async drained(): Promise<void> {
    while (this.chain) await this.chain;
  }

  /** Ends the current input by hand (turn detection off): returns everything since the last commit. */
  commit(): InputTurn | undefined {
    const frames = this.detector.inSpeech ? this.turnFrames : this.uncommitted;
    const pending = this.chunker.flush();
    const all = pending ? [...frames, { startMs: this.positionMs, samples: pending }] : frames;
    this.uncommitted = [];
    this.turnFrames = [];
    this.detector.reset();
    if (all.length === 0) return undefined;
    const first = all[0] as Frame;
    const endMs = this.positionMs;
    return { audio: joinFrames(all), audioStartMs: first.startMs, audioEndMs: endMs, confirmed: true };
  }

  /** Drops buffered audio (input_audio_buffer.clear). */
  clear(): void {
    this.uncommitted = [];
    this.turnFrames = [];
    this.recent.clear();
    this.previousFrame = undefined;
    this.onset?.reset();
    this.chunker.reset();
    this.detector.reset();
  }

  dispose(): void {
    this.disposed = true;
    for (const converter of this.converters.values()) converter.dispose();
    this.converters.clear();
  }

  private voicingDetector(): VoicingDetector {
    this.voicing ??= new VoicingDetector({ ...this.voicingOptions, sampleRate: INPUT_RATE });
    return this.voicing;
  }

  private async converterFor(format: AudioFormat): Promise<AudioConverter> {
    const key = formatKey(format);
    const existing = this.converters.get(key);
    if (existing) return existing;
    const created = await AudioConverter.create(format, { type: 'audio/pcm', rate: INPUT_RATE });
    this.converters.set(key, created);
    return created;
  }

  private process(converter: AudioConverter, audio: Uint8Array): void {
    let bytes: Uint8Array;
    try {
      bytes = converter.convert(audio);
    } catch (error) {
      this.events.onError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    // A view where the bytes allow it, not a copy: the chunker copies every frame it hands out.
    const samples = pcm16Samples(bytes);
    for (const samplesOfFrame of this.chunker.push(samples)) {
      const frame: Frame = { startMs: this.positionMs, samples: samplesOfFrame };
      this.receivedSamples += samplesOfFrame.length;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Frame): void {
    const previous = this.previousFrame;
    this.previousFrame = frame;
    if (!this.autoTurns || !this.vad) {
      this.uncommitted.push(frame);
      return;
    }
    const isSpeech = this.vad.isSpeech(frame.samples);
    const interrupting = this.events.isInterruptible?.() ?? false;
    let voiced: boolean;
    if (this.detector.confirmedOnset) {
      // Every frame feeds the onset rule's noise floor; it judges only where a barge-in is possible.
      this.onset ??= new SpeechOnsetDetector(this.onsetOptions);
      if (interrupting && !this.detector.inSpeech) voiced = this.onset.push(frame.samples);
      else {
        this.onset.observe(frame.samples);
        voiced = false;
      }
    } else {
      // The voicing test runs only where it decides something: a possible barge-in onset.
      voiced =
        this.detector.needsVoicing(isSpeech, interrupting) &&
        this.voicingDetector().isVoiced(
          frame.samples,
          previous && previous.startMs + FRAME_MS === frame.startMs ? previous.samples : undefined,
        );
    }
    const event: TurnEvent | undefined = this.detector.push(isSpeech, frame.startMs, interrupting, voiced);
    // Enough audio to reach back over the prefix padding and the minimum speech run.
    const keepMs = this.detector.prefixPaddingMs + this.detector.minSpeechMs + 2 * FRAME_MS;
    if (this.detector.inSpeech || event?.type === 'speech_stopped') this.turnFrames.push(frame);
    else this.recent.push(frame, keepMs, FRAME_MS);
    if (event?.type === 'speech_started') {
      this.turnStartMs = event.audioStartMs;
      const before = this.recent.since(event.audioStartMs, keepMs);
      if (before) this.turnFrames.unshift(before);
      this.recent.clear();
      this.events.onSpeechStarted(event.audioStartMs);
    } else if (event?.type === 'speech_stopped') {
      const frames = this.turnFrames;
      this.turnFrames = [];
      this.events.onSpeechStopped({
        audio: joinFrames(frames),
        audioStartMs: this.turnStartMs,
        audioEndMs: event.audioEndMs,
        confirmed: event.confirmed,
      });
    }
  }
}

function joinFrames(frames: readonly Frame[]): Int16Array {
  let length = 0;
  for (const f of frames) length += f.samples.length;
  const out = new Int16Array(length);
  let offset = 0;
  for (const f of frames) {
    out.set(f.samples, offset);
    offset += f.samples.length;
  }
  return out;
}

/**
 * 16 kHz PCM16 bytes as samples (a view when aligned); an odd last byte, which the converter holds
 * back for PCM16 input, can only come here from a pass-through and is dropped as before.
 */
export function pcm16Samples(bytes: Uint8Array): Int16Array {
  return pcm16FromBytes(bytes.byteLength % 2 === 0 ? bytes : bytes.subarray(0, bytes.byteLength - 1));
}

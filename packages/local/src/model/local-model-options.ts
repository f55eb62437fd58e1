import type { ChorusClock } from '@chorus/core';
import type { Brain } from '../brain/brain.js';
import type { Transcriber } from '../stt/transcriber.js';
import type { Tts } from '../tts/tts.js';
import type { Vad } from '../vad/vad.js';

/** How to build the local model; every stage is optional but the brain. */
export interface LocalModelOptions {
  /** Text in, reply or tool calls out: `rulesBrain(...)` or `chatCompletionsBrain(...)`. */
  readonly brain: Brain;
  /**
   * Frame VAD for turn detection and barge-in, 16 kHz, 20 ms frames. Default `'fvad'` (WebRTC VAD,
   * aggressiveness from the session's `threshold`); a function makes one per connection; `null` turns
   * voice detection off (audio is then only transcribed on `audio_commit`).
   */
  readonly vad?: 'fvad' | (() => Vad | Promise<Vad>) | null;
  /**
   * Speech to text. `'auto'` (default) uses pocketsphinx when installed; `null` means none (spoken
   * turns get one `model_error` saying how to enable recognition).
   */
  readonly transcriber?: 'auto' | Transcriber | null;
  /**
   * Text to speech. `'auto'` (default) is espeak-ng in wasm on a worker thread shared by all models in
   * the process; `null` answers in text only, even for audio sessions.
   */
  readonly tts?: 'auto' | Tts | null;
  /** Playback speed: 1 is real time (default); tests and benchmarks go faster. */
  readonly speed?: number;
  /** Time source for pacing; it must tell time (`now()`). Default: the system clock. */
  readonly clock?: Required<ChorusClock>;
  /** Length of each audio delta in ms (default 40). */
  readonly chunkMs?: number;
  /** Minimum speech before a turn starts, in ms (default 200). */
  readonly minSpeechMs?: number;
  /**
   * While a response is playing, speech lasting this long interrupts it, in ms (default: `minSpeechMs`).
   * 40-60 ms brings barge-in within about 60 ms of the first speech frame, at the price of cutting a
   * response off on a cough or a click (the turn is then not answered, but the response stays
   * cancelled); the default keeps the same confirmation as a turn start.
   */
  readonly interruptOnsetMs?: number;
  /** Stream start ignored while the VAD adapts to the noise, in ms (default 120). */
  readonly vadWarmupMs?: number;
}

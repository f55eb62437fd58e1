import type { ChorusClock } from '@chorus/core';
import type { Brain } from '../brain/brain.js';
import type { Transcriber } from '../stt/transcriber.js';
import type { Tts } from '../tts/tts.js';
import type { SpeechOnsetDetector, SpeechOnsetOptions } from '../vad/speech-onset.js';
import type { Vad } from '../vad/vad.js';
import type { VoicingOptions } from '../vad/voicing.js';

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
   * Speech to text. `'auto'` (default) uses Moonshine when its model is installed (`npx chorus speech
   * install`), with pocketsphinx for the room's requests when that is installed too; else pocketsphinx
   * alone; `null` means none (spoken turns get one `model_error` saying how to enable recognition).
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
   * How speech heard while a response plays interrupts it (barge-in):
   * - `'speech-onset'` (default): the onset rule of {@link SpeechOnsetDetector} confirms speech on its
   *   first hiss (s, sh, th, t) or its first voiced frames at a gliding pitch, typically 40-80 ms after
   *   the word starts, whatever the voice; coughs, clicks, knocks, slams and music do not interrupt, however
   *   long. `interruptOnsetMs` and `voicedOnset` play no part. Whispered speech does not interrupt.
   * - `'voiced-share'`: the earlier rule: `interruptOnsetMs` of VAD-flagged speech, of which a share
   *   must be voiced (`voicedOnset`), or else `minSpeechMs` of it, whatever the sound.
   * A turn started by a barge-in is answered only once it lasts `minSpeechMs` either way.
   */
  readonly bargeIn?: 'speech-onset' | 'voiced-share';
  /** Settings of the `'speech-onset'` rule (`SpeechOnsetDetector`). */
  readonly speechOnset?: SpeechOnsetOptions;
  /**
   * With `bargeIn: 'voiced-share'`: while a response is playing, speech lasting this long interrupts it, in ms (default 60: barge-in
   * about 60 ms after the first speech frame). With the default `voicedOnset`, the onset counts only when
   * at least two thirds of its frames (2 of 3 at 60 ms) are voiced, so a cough, a knock or a click,
   * which the WebRTC VAD flags as speech, does not cut the response off; such a sound (or a word that
   * begins unvoiced, like 'stop') interrupts only after `minSpeechMs`, as any turn start. A turn started
   * by the onset is answered only once it lasts `minSpeechMs` (a short 'mm' interrupts but is not a
   * turn). `interruptOnsetMs: 200` (= `minSpeechMs`) brings back the conservative behaviour: no
   * shortcut, no voicing test.
   */
  readonly interruptOnsetMs?: number;
  /**
   * With `bargeIn: 'voiced-share'`: whether the interrupt onset needs voiced (periodic) frames, checked with a cheap pitch
   * autocorrelation (`VoicingDetector`, run only on the frames of a possible barge-in), default true.
   * An object tunes that test (`threshold`, `minRms`, pitch range). `false` lets any sound the VAD
   * flags interrupt after `interruptOnsetMs`: faster on words that begin unvoiced, at the price of
   * stopping on every cough and click.
   */
  readonly voicedOnset?: boolean | Omit<VoicingOptions, 'sampleRate'>;
  /** Stream start ignored while the VAD adapts to the noise, in ms (default 120). */
  readonly vadWarmupMs?: number;
}

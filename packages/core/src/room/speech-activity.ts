import {
  type AudioFormat,
  aLawDecode,
  bytesPerSample,
  dbfs,
  muLawDecode,
  pcm16FromBytes,
} from '@chorus/audio';

/** What one chunk of a user's audio tells about their speech. */
export interface SpeechActivity {
  /** The user is speaking (after this chunk). */
  readonly speaking: boolean;
  /** Speech started with this chunk. */
  readonly started: boolean;
  /** Speech ended with this chunk. */
  readonly ended: boolean;
}

/**
 * Tells when one user speaks, from their audio alone. A room keeps one per user, so that each
 * person's speech is found on their own stream before any of it reaches a model.
 */
export interface SpeechDetector {
  push(audio: Uint8Array, format: AudioFormat): SpeechActivity;
}

export interface EnergySpeechOptions {
  /** Level above which a chunk counts as voice, in dBFS. Default -40 (speech is -40 to -10). */
  readonly thresholdDbfs?: number;
  /** Voice needed before speech starts, in ms of audio. Default 60. */
  readonly startMs?: number;
  /** Quiet needed before speech ends, in ms of audio. Default 500 (OpenAI's `silence_duration_ms`). */
  readonly endMs?: number;
}

/** Milliseconds of audio in `bytes` of `format`. */
export function audioMs(bytes: number, format: AudioFormat): number {
  return (bytes / bytesPerSample(format) / format.rate) * 1000;
}

function samplesOf(audio: Uint8Array, format: AudioFormat): Int16Array {
  switch (format.type) {
    case 'audio/pcmu':
      return muLawDecode(audio);
    case 'audio/pcma':
      return aLawDecode(audio);
    default:
      // An odd trailing byte is half a sample: leave it out rather than refuse the chunk.
      return pcm16FromBytes(audio.byteLength % 2 === 0 ? audio : audio.subarray(0, audio.byteLength - 1));
  }
}

/**
 * A level detector with hysteresis on the stream's own time (ms of audio received, never the wall
 * clock): cheap enough to run on every frame of every user, and deterministic in tests. It only
 * decides which user's audio a model hears when; the model's own VAD still finds the turn's words.
 */
export function energySpeechDetector(options: EnergySpeechOptions = {}): SpeechDetector {
  const threshold = options.thresholdDbfs ?? -40;
  const startMs = options.startMs ?? 60;
  const endMs = options.endMs ?? 500;
  let speaking = false;
  let voicedMs = 0;
  let quietMs = 0;
  return {
    push(audio, format) {
      const ms = audioMs(audio.byteLength, format);
      const voiced = dbfs(samplesOf(audio, format)) > threshold;
      if (voiced) {
        voicedMs += ms;
        quietMs = 0;
      } else {
        quietMs += ms;
        voicedMs = 0;
      }
      if (!speaking && voicedMs >= startMs) {
        speaking = true;
        return { speaking, started: true, ended: false };
      }
      if (speaking && quietMs >= endMs) {
        speaking = false;
        return { speaking, started: false, ended: true };
      }
      return { speaking, started: false, ended: false };
    },
  };
}

import { bytesFromPcm16, generateSilence, generateTone } from '@chorus/audio';
import type { ModelInput } from '@chorus/core/provider';
import type { GeminiRealtimeModel } from '../src/gemini-realtime-model.js';

const FORMAT = { type: 'audio/pcm', rate: 24000 } as const;

/** Sends `ms` of speech-like tone then `silenceMs` of silence, in 20 ms frames of 24 kHz PCM16. */
export function speak(model: GeminiRealtimeModel, ms: number, silenceMs = 0): void {
  for (let t = 0; t < ms; t += 20) model.send(frame(generateTone(300, 20, 24000, 0.5)));
  for (let t = 0; t < silenceMs; t += 20) model.send(frame(generateSilence(20, 24000)));
}

function frame(samples: Int16Array): ModelInput {
  return { type: 'audio', audio: new Uint8Array(bytesFromPcm16(samples)), format: FORMAT };
}

export { AudioConverter } from './audio-converter.js';
export { type AudioFormat, assertAudioFormat, bytesPerSample, G711_RATE } from './audio-format.js';
export {
  base64FromBytes,
  bytesFromBase64,
  bytesFromBase64Quick,
  describeInvalidBase64,
  isBase64,
  looksLikeBase64,
} from './base64.js';
export { durationMs, samplesForMs } from './duration.js';
export { dbfs, rms } from './energy.js';
export { FrameChunker, type FrameChunkerOptions } from './frame-chunker.js';
export { aLawDecode, aLawEncode, muLawDecode, muLawEncode } from './g711.js';
export {
  bytesFromPcm16,
  concatPcm16,
  float32FromPcm16,
  pcm16FromBytes,
  pcm16FromFloat32,
} from './pcm16.js';
export { PlaybackClock, type PlaybackClockOptions } from './playback-clock.js';
export { DEFAULT_RESAMPLER_QUALITY, Resampler, type ResamplerOptions, resamplePcm16 } from './resampler.js';
export { seededRandom } from './seeded-random.js';
export { addNoise, generateSilence, generateTone } from './test-signals.js';
export { type DecodedWav, decodeWav } from './wav-decode.js';
export { encodeWav } from './wav-encode.js';

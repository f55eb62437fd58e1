export type { Brain, BrainOutput, BrainRequest } from './brain/brain.js';
export {
  ChatCompletionsBrain,
  type ChatCompletionsBrainOptions,
  chatCompletionsBrain,
  chatMessages,
} from './brain/chat-completions-brain.js';
export {
  handoffToolName,
  type Intent,
  normalizeUtterance,
  type RuleContext,
  RulesBrain,
  type RulesBrainOptions,
  rulesBrain,
  type ToolResultContext,
} from './brain/rules-brain.js';
export { spokenDate, spokenTime } from './brain/spoken.js';
export { readSseData } from './brain/sse.js';
export { LocalModel } from './model/local-model.js';
export type { LocalModelOptions } from './model/local-model-options.js';
export { heardText, type SpokenWord } from './model/speaker.js';
export { findExecutable } from './stt/find-executable.js';
export {
  autoTranscriber,
  chooseFromHeard,
  DEFAULT_MIN_REQUEST_SIMILARITY,
  findMoonshineModel,
  type HeardChoiceContext,
  type InstallMoonshineOptions,
  installMoonshineModel,
  MAX_WAITING_TURNS,
  MOONSHINE_MODEL,
  MOONSHINE_RUNTIME_PACKAGES,
  type MoonshineChoice,
  MoonshineLoadError,
  type MoonshineModelFiles,
  type MoonshineOptions,
  MoonshineRecognizer,
  MoonshineTranscriber,
  moonshineAvailable,
  moonshineModelDir,
  moonshineRuntimeInstalled,
  moonshineRuntimeUrls,
  moonshineTranscriber,
} from './stt/moonshine.js';
export { fillHighBand, highBandDb, isNarrowband } from './stt/narrowband.js';
export { type Pronunciations, parsePronunciations, phoneSimilarity } from './stt/phone-similarity.js';
export {
  chooseTranscript,
  DEBIAN_POCKETSPHINX_DICTIONARY,
  DEFAULT_MIN_COVERAGE,
  DEFAULT_MIN_FIT,
  DEFAULT_MIN_SIMILARITY,
  detectPocketsphinx,
  type PocketsphinxCli,
  type PocketsphinxOptions,
  PocketsphinxTranscriber,
  pocketsphinxTranscriber,
  type TurnDecodes,
} from './stt/pocketsphinx.js';
export {
  editDistance,
  editSimilarity,
  keepSlots,
  letterSimilarity,
  nearestRequest,
  type SlotContext,
  slotValues,
  spokenForm,
} from './stt/request-match.js';
export type { SpeechFramingOptions } from './stt/speech-framing.js';
export {
  INSTALL_POCKETSPHINX,
  INSTALL_SPEECH_RECOGNITION,
  NO_TRANSCRIBER_MESSAGE,
  NOT_TRANSCRIBED_MESSAGE,
  type TranscribeOptions,
  type Transcriber,
} from './stt/transcriber.js';
export {
  TranscriptionEndpoint,
  type TranscriptionEndpointOptions,
  transcriptionEndpoint,
} from './stt/transcription-endpoint.js';
export { EspeakCliTts, espeakCliTts } from './tts/espeak-cli-tts.js';
export { EspeakWasmTts, sharedEspeakWasmTts } from './tts/espeak-wasm-tts.js';
export { SentenceSplitter } from './tts/sentence-splitter.js';
export {
  type SpeechEndpointOptions,
  SpeechEndpointTts,
  speechEndpointTts,
} from './tts/speech-endpoint-tts.js';
export type { SynthesisOptions, SynthesizedSpeech, Tts, WordMark } from './tts/tts.js';
export { estimateWordMarks } from './tts/tts.js';
export { type EspeakVoice, espeakVoiceFor } from './tts/voices.js';
export { createFvad, FVAD_SAMPLE_RATES, type FvadOptions, fvadModeForThreshold } from './vad/fvad-vad.js';
export { SpeechOnsetDetector, type SpeechOnsetOptions } from './vad/speech-onset.js';
export { TurnDetector, type TurnDetectorOptions, type TurnEvent } from './vad/turn-detector.js';
export type { Vad } from './vad/vad.js';
export { type Voicing, VoicingDetector, type VoicingOptions } from './vad/voicing.js';

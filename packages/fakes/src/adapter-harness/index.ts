/**
 * A small harness for testing realtime adapters built on the OpenAI-style fakes: a rig that opens a
 * fake and a model per test and closes both, a recorder of model events, protocol checks for the
 * frames on the wire, and PCM16 test audio.
 */
export { AdapterRig, type AdapterRun, type ModelUnderTest } from './adapter-rig.js';
export { invalidFrames } from './invalid-frames.js';
export { ModelEventRecorder, type ModelEventSource } from './model-event-recorder.js';
export { pcm16, pcm16Frames } from './pcm16.js';

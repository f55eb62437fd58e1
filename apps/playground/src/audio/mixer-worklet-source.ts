/**
 * The AudioWorklet processor that mixes every agent's voice into the page's output. The page places
 * each chunk on the audio clock (a start frame, per voice back to back, see `PlaybackScheduler`) and
 * posts it already at the context's rate; the processor adds every chunk that overlaps the render
 * quantum, so two agents speaking at once are heard at once instead of one after the other. It
 * reports when chunks start and finish, and how many voices it mixed at most in one quantum.
 * Kept as source text and loaded from a Blob URL, like the capture worklet.
 */
export const MIXER_PROCESSOR_NAME = 'chorus-mixer';

/** Page -> worklet. */
export type MixerCommand =
  | {
      readonly type: 'chunk';
      readonly id: number;
      readonly voice: string;
      readonly startFrame: number;
      readonly samples: Float32Array;
    }
  | { readonly type: 'clear' };

/** Worklet -> page. */
export type MixerReport =
  | { readonly type: 'started'; readonly ids: readonly number[] }
  | { readonly type: 'finished'; readonly ids: readonly number[] }
  | { readonly type: 'voices'; readonly mixed: number };

export const MIXER_WORKLET_SOURCE = `
class ChorusMixer extends AudioWorkletProcessor {
  constructor() {
    super();
    this.chunks = [];
    this.maxVoices = 0;
    this.port.onmessage = (event) => {
      const command = event.data;
      if (command.type === 'chunk') {
        command.started = false;
        this.chunks.push(command);
      } else if (command.type === 'clear') {
        this.chunks = [];
      }
    };
  }
  process(inputs, outputs) {
    const output = outputs[0];
    const first = output && output[0];
    if (!first) return true;
    const start = currentFrame;
    const end = start + first.length;
    const started = [];
    const finished = [];
    const voices = new Set();
    for (const chunk of this.chunks) {
      const chunkEnd = chunk.startFrame + chunk.samples.length;
      if (chunkEnd <= start) {
        finished.push(chunk.id);
        continue;
      }
      if (chunk.startFrame >= end) continue;
      if (!chunk.started) {
        chunk.started = true;
        started.push(chunk.id);
      }
      voices.add(chunk.voice);
      const from = Math.max(start, chunk.startFrame);
      const to = Math.min(end, chunkEnd);
      for (let frame = from; frame < to; frame++) first[frame - start] += chunk.samples[frame - chunk.startFrame];
      if (chunkEnd <= end) finished.push(chunk.id);
    }
    for (let i = 0; i < first.length; i++) first[i] = Math.max(-1, Math.min(1, first[i]));
    for (let channel = 1; channel < output.length; channel++) output[channel].set(first);
    if (started.length > 0) this.port.postMessage({ type: 'started', ids: started });
    if (finished.length > 0) {
      const done = new Set(finished);
      this.chunks = this.chunks.filter((chunk) => !done.has(chunk.id));
      this.port.postMessage({ type: 'finished', ids: finished });
    }
    if (voices.size > this.maxVoices) {
      this.maxVoices = voices.size;
      this.port.postMessage({ type: 'voices', mixed: voices.size });
    }
    return true;
  }
}
registerProcessor('${MIXER_PROCESSOR_NAME}', ChorusMixer);
`;

import { CAPTURE_PROCESSOR_NAME, CAPTURE_WORKLET_SOURCE } from './capture-worklet-source.js';
import { FrameChunker } from './frame-chunker.js';
import { floatToPcm16 } from './pcm.js';
import { StreamResampler } from './resampler.js';

export interface MicrophoneOptions {
  /** The room's input rate (PCM16 frames are produced at this rate). */
  readonly rate: number;
  /** Frame length sent to the gateway (default 40 ms). */
  readonly frameMs?: number;
  /** Browser echo cancellation (default true: the agent's voice must not barge in on itself). */
  readonly echoCancellation?: boolean;
  readonly onFrame: (pcm: Int16Array) => void;
  /** RMS level of each block, 0..1, for the meter. */
  readonly onLevel?: (level: number) => void;
}

export interface Microphone {
  readonly deviceRate: number;
  stop(): Promise<void>;
}

/**
 * Opens the microphone and streams it as PCM16 frames at `rate`: getUserMedia -> AudioWorklet ->
 * resampler -> fixed-size frames. The returned `stop` releases the device, the worklet and the context.
 */
export async function startMicrophone(options: MicrophoneOptions): Promise<Microphone> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      channelCount: 1,
      echoCancellation: options.echoCancellation ?? true,
      noiseSuppression: true,
      autoGainControl: true,
    },
  });
  const context = new AudioContext();
  const moduleUrl = URL.createObjectURL(new Blob([CAPTURE_WORKLET_SOURCE], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(moduleUrl);
  } finally {
    URL.revokeObjectURL(moduleUrl);
  }
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
  });
  // A silent sink keeps the node pulled by the graph without playing the microphone back.
  const sink = context.createGain();
  sink.gain.value = 0;
  source.connect(node).connect(sink).connect(context.destination);
  const resampler = new StreamResampler(context.sampleRate, options.rate);
  const chunker = new FrameChunker(Math.round((options.rate * (options.frameMs ?? 40)) / 1000));
  node.port.onmessage = (message: MessageEvent<Float32Array>) => {
    const block = message.data;
    if (options.onLevel) {
      let sum = 0;
      for (let i = 0; i < block.length; i++) sum += (block[i] ?? 0) ** 2;
      options.onLevel(Math.sqrt(sum / Math.max(1, block.length)));
    }
    for (const frame of chunker.push(resampler.process(block))) options.onFrame(floatToPcm16(frame));
  };
  await context.resume();
  return {
    deviceRate: context.sampleRate,
    async stop() {
      node.port.onmessage = null;
      source.disconnect();
      node.disconnect();
      for (const track of stream.getTracks()) track.stop();
      chunker.reset();
      await context.close();
    },
  };
}

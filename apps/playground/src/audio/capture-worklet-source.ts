/**
 * The AudioWorklet processor that taps the microphone. It only copies the render quantum (128 samples)
 * of the first channel and posts it to the page in blocks of about 20 ms; resampling and PCM16
 * conversion happen on the page, in tested code. Kept as source text and loaded from a Blob URL so
 * the bundle stays one file and works under any base path.
 */
export const CAPTURE_PROCESSOR_NAME = 'chorus-capture';

export const CAPTURE_WORKLET_SOURCE = `
class ChorusCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.size = Math.max(128, Math.round(sampleRate / 50));
    this.block = new Float32Array(this.size);
    this.fill = 0;
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      let offset = 0;
      while (offset < channel.length) {
        const take = Math.min(this.block.length - this.fill, channel.length - offset);
        this.block.set(channel.subarray(offset, offset + take), this.fill);
        this.fill += take;
        offset += take;
        if (this.fill === this.block.length) {
          // Transferring detaches the block (its length becomes 0), so the size is kept apart.
          this.port.postMessage(this.block, [this.block.buffer]);
          this.block = new Float32Array(this.size);
          this.fill = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor('${CAPTURE_PROCESSOR_NAME}', ChorusCapture);
`;

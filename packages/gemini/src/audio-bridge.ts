import { AudioConverter, bytesFromBase64Quick, durationMs } from '@chorus/audio';
import type { AudioFormat } from '@chorus/protocol';

/** What Gemini Live takes in and gives out: 16 kHz and 24 kHz PCM16. */
export const GEMINI_INPUT_FORMAT: AudioFormat = { type: 'audio/pcm', rate: 16000 };
export const GEMINI_OUTPUT_FORMAT: AudioFormat = { type: 'audio/pcm', rate: 24000 };

const keyOf = (format: AudioFormat) => `${format.type}@${format.rate}`;
const same = (a: AudioFormat, b: AudioFormat) => a.type === b.type && a.rate === b.rate;

/**
 * The audio conversions between a client and Gemini, one streaming converter per input format (so
 * filter state carries across frames) and one for the output. Converters load wasm, so they are
 * prepared ahead (`prepareInput`, `prepareOutput`) and then used synchronously on every frame.
 */
export class AudioBridge {
  private readonly inputs = new Map<string, AudioConverter>();
  private output: { format: AudioFormat; converter: AudioConverter | undefined } = {
    format: GEMINI_OUTPUT_FORMAT,
    converter: undefined,
  };

  /** Whether `format` can be converted right now without waiting. */
  inputReady(format: AudioFormat): boolean {
    return same(format, GEMINI_INPUT_FORMAT) || this.inputs.has(keyOf(format));
  }

  async prepareInput(format: AudioFormat): Promise<void> {
    if (this.inputReady(format)) return;
    const converter = await AudioConverter.create(format, GEMINI_INPUT_FORMAT);
    if (this.inputReady(format)) converter.dispose();
    else this.inputs.set(keyOf(format), converter);
  }

  async prepareOutput(format: AudioFormat): Promise<void> {
    if (same(format, this.output.format)) return;
    const converter = same(format, GEMINI_OUTPUT_FORMAT)
      ? undefined
      : await AudioConverter.create(GEMINI_OUTPUT_FORMAT, format);
    this.output.converter?.dispose();
    this.output = { format, converter };
  }

  /** Client audio in `format` to 16 kHz PCM16 bytes (call only when `inputReady(format)`). */
  toGemini(bytes: Uint8Array, format: AudioFormat): Uint8Array {
    const converter = this.inputs.get(keyOf(format));
    return converter ? converter.convert(bytes) : bytes;
  }

  get outputFormat(): AudioFormat {
    return this.output.format;
  }

  /**
   * Base64 24 kHz PCM16 from Gemini to bytes in the client's output format: decoded once, here,
   * and carried as bytes from then on (no base64 is made again unless a listener reads it).
   *
   * @throws Error when the audio is not base64.
   */
  fromGemini(base64: string): Uint8Array {
    const converter = this.output.converter;
    const bytes = bytesFromBase64Quick(base64);
    return converter ? converter.convert(bytes) : bytes;
  }

  /** Milliseconds of Gemini input audio in `bytes` (16 kHz PCM16). */
  static inputMs(bytes: number): number {
    return durationMs(bytes, GEMINI_INPUT_FORMAT);
  }

  dispose(): void {
    for (const converter of this.inputs.values()) converter.dispose();
    this.inputs.clear();
    this.output.converter?.dispose();
    this.output = { format: GEMINI_OUTPUT_FORMAT, converter: undefined };
  }
}

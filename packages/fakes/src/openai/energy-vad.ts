/** The audio encodings the fakes take in. */
export type FakeAudioEncoding = 'pcm16' | 'pcmu' | 'pcma';

function muLawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function aLawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

/** Decodes wire audio to linear samples in [-1, 1]; a trailing odd PCM byte is ignored. */
export function decodeSamples(bytes: Uint8Array, encoding: FakeAudioEncoding): Float32Array {
  if (encoding === 'pcm16') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float32Array(bytes.byteLength >> 1);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true) / 32768;
    return out;
  }
  const decode = encoding === 'pcmu' ? muLawToLinear : aLawToLinear;
  const out = new Float32Array(bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i++) out[i] = decode(bytes[i] ?? 0) / 32768;
  return out;
}

/** What the VAD saw in one chunk of appended audio. */
export type VadTransition =
  | { readonly kind: 'speech_started'; readonly audioStartMs: number }
  | { readonly kind: 'speech_stopped'; readonly audioEndMs: number };

export interface EnergyVadOptions {
  /** RMS (0..1) at or above which a 10 ms frame counts as speech. */
  readonly energyThreshold: number;
  readonly prefixPaddingMs: number;
  readonly silenceDurationMs: number;
}

const FRAME_MS = 10;

/**
 * A deterministic energy VAD: 10 ms frames, speech when RMS >= threshold, a turn ends after
 * `silenceDurationMs` of frames below it. Positions are audio time (not wall time), so tests are exact.
 */
export class EnergyVad {
  private positionMs = 0;
  private speaking = false;
  private lastSpeechEndMs = 0;
  private pending = new Float32Array(0);

  constructor(
    private readonly options: EnergyVadOptions,
    private readonly rate: number,
  ) {}

  /** Audio received so far, in ms. */
  get audioMs(): number {
    return this.positionMs;
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Feeds samples; returns the transitions they caused, in order. */
  push(samples: Float32Array): VadTransition[] {
    const frame = Math.round((this.rate * FRAME_MS) / 1000);
    const all = new Float32Array(this.pending.length + samples.length);
    all.set(this.pending);
    all.set(samples, this.pending.length);
    const out: VadTransition[] = [];
    let offset = 0;
    for (; offset + frame <= all.length; offset += frame) {
      let sum = 0;
      for (let i = offset; i < offset + frame; i++) sum += (all[i] ?? 0) ** 2;
      const rms = Math.sqrt(sum / frame);
      const start = this.positionMs;
      this.positionMs += FRAME_MS;
      if (rms >= this.options.energyThreshold) {
        if (!this.speaking) {
          this.speaking = true;
          out.push({
            kind: 'speech_started',
            audioStartMs: Math.max(0, start - this.options.prefixPaddingMs),
          });
        }
        this.lastSpeechEndMs = this.positionMs;
      } else if (this.speaking && this.positionMs - this.lastSpeechEndMs >= this.options.silenceDurationMs) {
        this.speaking = false;
        out.push({ kind: 'speech_stopped', audioEndMs: this.lastSpeechEndMs });
      }
    }
    this.pending = all.slice(offset);
    return out;
  }
}

/** A tone of `ms` milliseconds as wire bytes: what the fakes send as model audio. */
export function toneBytes(
  ms: number,
  rate: number,
  encoding: FakeAudioEncoding,
  amplitude = 0.3,
): Uint8Array {
  const count = Math.round((rate * ms) / 1000);
  if (encoding !== 'pcm16') {
    // G.711 codes for a coarse square wave; the fakes never decode their own output.
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = (i >> 3) & 1 ? 0x9f : 0x1f;
    return out;
  }
  const out = new Uint8Array(count * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    view.setInt16(i * 2, Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * amplitude * 32767), true);
  }
  return out;
}

import { z } from 'zod';

/** The canonical audio encodings: 16-bit little-endian PCM, G.711 u-law and G.711 A-law. */
export const AUDIO_TYPES = ['audio/pcm', 'audio/pcmu', 'audio/pcma'] as const;

/** Sample rates a PCM stream may use: what the providers and common capture devices produce. */
export const PCM_SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

/** G.711 (telephony) is defined at 8 kHz only. */
export const G711_SAMPLE_RATE = 8000;

/**
 * The rate assumed for PCM when a client names no rate. 16 kHz is what the AgentScope seed's
 * frontend sends, what Gemini Live and DashScope take as input, and what speech VADs run at; OpenAI
 * GA wants 24 kHz, but its adapter resamples, so a missing rate should mean the common capture rate.
 */
export const DEFAULT_PCM_SAMPLE_RATE = 16000;

/** The canonical audio format schema: what Chorus always emits. */
export const canonicalAudioFormatSchema = z.object({
  type: z.enum(AUDIO_TYPES),
  rate: z.number().int(),
});

/** An audio format in canonical form: `{ type: 'audio/pcm', rate: 16000 }`. */
export type AudioFormat = z.infer<typeof canonicalAudioFormatSchema>;

type AudioType = AudioFormat['type'];

// Every spelling accepted on input, each mapped to the canonical type and, where the name fixes it,
// a rate (`pcm24` is DashScope's name for 24 kHz PCM16).
const TYPE_ALIASES: ReadonlyMap<string, { type: AudioType; rate?: number }> = new Map([
  ['audio/pcm', { type: 'audio/pcm' }],
  ['pcm', { type: 'audio/pcm' }],
  ['pcm16', { type: 'audio/pcm' }],
  ['pcm24', { type: 'audio/pcm', rate: 24000 }],
  ['audio/pcmu', { type: 'audio/pcmu' }],
  ['pcmu', { type: 'audio/pcmu' }],
  ['g711_ulaw', { type: 'audio/pcmu' }],
  ['mulaw', { type: 'audio/pcmu' }],
  ['audio/pcma', { type: 'audio/pcma' }],
  ['pcma', { type: 'audio/pcma' }],
  ['g711_alaw', { type: 'audio/pcma' }],
  ['alaw', { type: 'audio/pcma' }],
]);

const KNOWN_TYPE_NAMES = [...TYPE_ALIASES.keys(), 'audio/pcm;rate=<n>'].join(', ');

// Gemini's MIME form, `audio/pcm;rate=16000`.
const MIME_WITH_RATE = /^audio\/pcm\s*;\s*rate=(\d{1,6})$/;

function resolveType(name: string): { type: AudioType; rate?: number } | undefined {
  const lower = name.trim().toLowerCase();
  const alias = TYPE_ALIASES.get(lower);
  if (alias) return alias;
  const mime = MIME_WITH_RATE.exec(lower);
  if (mime?.[1]) return { type: 'audio/pcm', rate: Number(mime[1]) };
  return undefined;
}

const rawAudioFormatSchema = z.object({
  type: z.string().max(64).optional(),
  encoding: z.string().max(64).optional(),
  rate: z.number().optional(),
  sample_rate: z.number().optional(),
});

/** An audio format as accepted on input, before normalization (aliases allowed). */
export type AudioFormatInput = z.input<typeof rawAudioFormatSchema>;

/**
 * An audio format as accepted on the wire. Accepts the canonical `{ type, rate }` and the aliases
 * (`encoding` for `type`, `sample_rate` for `rate`, `pcm16`/`pcm`/`pcm24`, `g711_ulaw`/`pcmu`/`mulaw`,
 * `g711_alaw`/`pcma`/`alaw`, `audio/pcm;rate=N`) and always outputs the canonical form.
 */
export const audioFormatSchema = rawAudioFormatSchema.transform((raw, ctx): AudioFormat => {
  const fail = (path: string, message: string, input: unknown): never => {
    ctx.issues.push({ code: 'custom', message, path: [path], input });
    return z.NEVER as never;
  };
  if (raw.type !== undefined && raw.encoding !== undefined) {
    const a = resolveType(raw.type);
    const b = resolveType(raw.encoding);
    if (a && b && a.type !== b.type) {
      return fail(
        'encoding',
        `conflicts with type "${raw.type}"; send only one of type/encoding`,
        raw.encoding,
      );
    }
  }
  const typeName = raw.type ?? raw.encoding;
  const typePath = raw.type !== undefined ? 'type' : 'encoding';
  if (typeName === undefined) {
    return fail('type', `missing; expected one of ${AUDIO_TYPES.join(', ')}`, undefined);
  }
  const resolved = resolveType(typeName);
  if (!resolved) {
    return fail(typePath, `unknown audio type "${typeName}"; expected one of ${KNOWN_TYPE_NAMES}`, typeName);
  }
  if (raw.rate !== undefined && raw.sample_rate !== undefined && raw.rate !== raw.sample_rate) {
    return fail(
      'sample_rate',
      `conflicts with rate ${raw.rate}; send only one of rate/sample_rate`,
      raw.sample_rate,
    );
  }
  const ratePath = raw.rate !== undefined ? 'rate' : 'sample_rate';
  const givenRate = raw.rate ?? raw.sample_rate;
  if (givenRate !== undefined && resolved.rate !== undefined && givenRate !== resolved.rate) {
    return fail(ratePath, `conflicts with type "${typeName}", which implies ${resolved.rate} Hz`, givenRate);
  }
  if (resolved.type !== 'audio/pcm') {
    if (givenRate !== undefined && givenRate !== G711_SAMPLE_RATE) {
      return fail(
        ratePath,
        `G.711 (${resolved.type}) is ${G711_SAMPLE_RATE} Hz only, got ${givenRate}`,
        givenRate,
      );
    }
    return { type: resolved.type, rate: G711_SAMPLE_RATE };
  }
  const rate = givenRate ?? resolved.rate ?? DEFAULT_PCM_SAMPLE_RATE;
  if (!(PCM_SAMPLE_RATES as readonly number[]).includes(rate)) {
    return fail(
      ratePath,
      `unsupported PCM sample rate ${rate}; allowed: ${PCM_SAMPLE_RATES.join(', ')}`,
      rate,
    );
  }
  return { type: 'audio/pcm', rate };
});

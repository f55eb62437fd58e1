import { z } from 'zod';
import { MAX_ID_CHARS, MAX_INSTRUCTIONS_CHARS } from '../limits.js';
import { openaiItemSchema } from './items.js';
import {
  openaiAudioFormatSchema,
  openaiMaxTokensSchema,
  openaiNoiseReductionSchema,
  openaiToolChoiceSchema,
  openaiToolSchema,
  openaiTranscriptionSchema,
  openaiTurnDetectionSchema,
} from './shared.js';

/** The modalities a response may use. GA allows `['audio']` (with transcript) or `['text']`. */
export const openaiModalitiesSchema = z
  .array(z.enum(['text', 'audio']))
  .min(1)
  .max(2);

export const openaiAudioInputSchema = z.object({
  format: openaiAudioFormatSchema.optional(),
  transcription: openaiTranscriptionSchema.optional(),
  noise_reduction: openaiNoiseReductionSchema.optional(),
  turn_detection: openaiTurnDetectionSchema.optional(),
});

export const openaiVoiceSchema = z.union([
  z.string().max(MAX_ID_CHARS),
  z.looseObject({ id: z.string().min(1).max(MAX_ID_CHARS) }),
]);
export type OpenAIVoice = z.infer<typeof openaiVoiceSchema>;

/** The voice's name (a custom voice's id). */
export function openaiVoiceName(voice: OpenAIVoice): string {
  return typeof voice === 'string' ? voice : voice.id;
}

export const openaiAudioOutputSchema = z.object({
  format: openaiAudioFormatSchema.optional(),
  /** A built-in voice name, or a custom voice as `{id}` (both allowed by the GA types). */
  voice: openaiVoiceSchema.optional(),
  speed: z.number().min(0.25).max(1.5).optional(),
});

/**
 * The GA session object (`session.update`, `session.created`, `session.updated`). Unknown fields
 * are kept, so a newer service's session echoes through unchanged.
 */
export const openaiSessionSchema = z.looseObject({
  type: z.literal('realtime'),
  id: z.string().max(MAX_ID_CHARS).optional(),
  object: z.literal('realtime.session').optional(),
  model: z.string().max(MAX_ID_CHARS).optional(),
  output_modalities: openaiModalitiesSchema.optional(),
  instructions: z.string().max(MAX_INSTRUCTIONS_CHARS).optional(),
  audio: z
    .object({ input: openaiAudioInputSchema.optional(), output: openaiAudioOutputSchema.optional() })
    .optional(),
  include: z.array(z.string()).nullable().optional(),
  tools: z.array(openaiToolSchema).max(128).optional(),
  tool_choice: openaiToolChoiceSchema.optional(),
  max_output_tokens: openaiMaxTokensSchema.optional(),
  tracing: z.unknown().optional(),
  truncation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  expires_at: z.number().optional(),
});
export type OpenAISession = z.infer<typeof openaiSessionSchema>;

/** Response options for `response.create` (GA). */
export const openaiResponseParamsSchema = z.looseObject({
  /** `auto` adds the response to the conversation; `none` makes an out-of-band response. */
  conversation: z.union([z.enum(['auto', 'none']), z.string().max(MAX_ID_CHARS)]).optional(),
  output_modalities: openaiModalitiesSchema.optional(),
  instructions: z.string().max(MAX_INSTRUCTIONS_CHARS).optional(),
  tools: z.array(openaiToolSchema).max(128).optional(),
  tool_choice: openaiToolChoiceSchema.optional(),
  /** Items forming the context of an out-of-band response (instead of the conversation). */
  input: z.array(openaiItemSchema).max(1024).optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  audio: z.object({ output: openaiAudioOutputSchema.optional() }).optional(),
  max_output_tokens: openaiMaxTokensSchema.optional(),
  prompt: z.unknown().optional(),
});
export type OpenAIResponseParams = z.infer<typeof openaiResponseParamsSchema>;

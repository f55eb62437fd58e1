import { z } from 'zod';
import { MAX_ID_CHARS, MAX_INSTRUCTIONS_CHARS } from '../limits.js';
import { openaiItemSchema } from './items.js';
import {
  openaiAudioFormatSchema,
  openaiIdSchema,
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

/**
 * A transcription session (`session.type: "transcription"`): what OpenAI serves on a connection
 * opened with `?intent=transcription`. A realtime connection refuses to become one, so only its
 * discriminant is read here; the rest is kept as sent.
 */
export const openaiTranscriptionSessionSchema = z.looseObject({ type: z.literal('transcription') });
export type OpenAITranscriptionSession = z.infer<typeof openaiTranscriptionSessionSchema>;

/**
 * What OpenAI answers a `session.update` with `session.type: "transcription"` on a realtime
 * connection (`?model=`): an `invalid_request_error` with this code and message, as users of the
 * live service report it (crmitchelmore/justspeaktoit PR 427, 2026); the session goes on. The
 * `param` is not in that report (unverified).
 */
export const OPENAI_TRANSCRIPTION_ON_REALTIME = {
  type: 'invalid_request_error',
  code: 'invalid_parameter',
  message: 'Passing a transcription session update event to a realtime session is not allowed.',
  param: 'session.type',
} as const;

/** A reference to an item of the session, accepted only in `response.create{response.input}`. */
export const openaiItemReferenceSchema = z.object({ type: z.literal('item_reference'), id: openaiIdSchema });

/** Response options for `response.create` (GA). */
export const openaiResponseParamsSchema = z.looseObject({
  /** `auto` adds the response to the conversation; `none` makes an out-of-band response. */
  conversation: z.union([z.enum(['auto', 'none']), z.string().max(MAX_ID_CHARS)]).optional(),
  output_modalities: openaiModalitiesSchema.optional(),
  instructions: z.string().max(MAX_INSTRUCTIONS_CHARS).optional(),
  tools: z.array(openaiToolSchema).max(128).optional(),
  tool_choice: openaiToolChoiceSchema.optional(),
  /**
   * Items forming this response's context instead of the conversation (`[]`: none); an
   * `item_reference` names an item of the session by id.
   */
  input: z
    .array(z.union([openaiItemSchema, openaiItemReferenceSchema]))
    .max(1024)
    .optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  audio: z.object({ output: openaiAudioOutputSchema.optional() }).optional(),
  max_output_tokens: openaiMaxTokensSchema.optional(),
  prompt: z.unknown().optional(),
});
export type OpenAIResponseParams = z.infer<typeof openaiResponseParamsSchema>;

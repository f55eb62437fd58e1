import { z } from 'zod';
import { idField, textField } from './fields.js';
import {
  errorShape,
  inputDoneShape,
  inputStartedShape,
  inputTranscriptionDeltaShape,
  inputTranscriptionDoneShape,
  rateLimitsShape,
  responseAudioDeltaShape,
  responseCreatedShape,
  responseDoneShape,
  responseItemShape,
  responseTextDeltaShape,
  responseTextDoneShape,
  responseToolUseShape,
  responseTranscriptDoneShape,
  toolCallCancelledShape,
} from './response-shapes.js';

// ModelEvents: what a provider adapter emits towards its agent, in AgentScope's names.

export const modelSessionCreatedSchema = z.object({
  type: z.literal('model_session_created'),
  session_id: idField,
});

export const modelSessionEndedSchema = z.object({
  type: z.literal('model_session_ended'),
  session_id: idField,
  reason: textField(4096),
  /**
   * Chorus addition: whether reconnecting may succeed (a dropped socket, a provider `goAway`) as
   * opposed to a deliberate or permanent end. The adapter knows; the connection actor decides.
   */
  retryable: z.boolean().default(false),
});

export const modelResponseCreatedSchema = z.object({
  type: z.literal('model_response_created'),
  ...responseCreatedShape,
});

export const modelResponseDoneSchema = z.object({
  type: z.literal('model_response_done'),
  ...responseDoneShape,
});

export const modelResponseAudioDeltaSchema = z.object({
  type: z.literal('model_response_audio_delta'),
  ...responseAudioDeltaShape,
});

export const modelResponseAudioDoneSchema = z.object({
  type: z.literal('model_response_audio_done'),
  ...responseItemShape,
});

export const modelResponseAudioTranscriptDeltaSchema = z.object({
  type: z.literal('model_response_audio_transcript_delta'),
  ...responseTextDeltaShape,
});

export const modelResponseAudioTranscriptDoneSchema = z.object({
  type: z.literal('model_response_audio_transcript_done'),
  ...responseTranscriptDoneShape,
});

/**
 * Chorus addition: text output in text-only modality. AgentScope folds it into nothing (it assumes
 * audio), so a text agent had no way to stream its words.
 */
export const modelResponseTextDeltaSchema = z.object({
  type: z.literal('model_response_text_delta'),
  ...responseTextDeltaShape,
});

/** Chorus addition: the full text of a text-modality response item. */
export const modelResponseTextDoneSchema = z.object({
  type: z.literal('model_response_text_done'),
  ...responseTextDoneShape,
});

export const modelResponseToolUseDeltaSchema = z.object({
  type: z.literal('model_response_tool_use_delta'),
  ...responseToolUseShape,
});

export const modelResponseToolUseDoneSchema = z.object({
  type: z.literal('model_response_tool_use_done'),
  ...responseToolUseShape,
});

/**
 * Chorus addition: the provider withdrew tool calls it had asked for (Gemini `toolCallCancellation`,
 * sent on interruption). Without it a running tool would answer a call the model no longer expects.
 */
export const modelToolCallCancelledSchema = z.object({
  type: z.literal('model_tool_call_cancelled'),
  ...toolCallCancelledShape,
});

export const modelInputTranscriptionDeltaSchema = z.object({
  type: z.literal('model_input_transcription_delta'),
  ...inputTranscriptionDeltaShape,
});

export const modelInputTranscriptionDoneSchema = z.object({
  type: z.literal('model_input_transcription_done'),
  ...inputTranscriptionDoneShape,
});

export const modelInputStartedSchema = z.object({
  type: z.literal('model_input_started'),
  ...inputStartedShape,
});

export const modelInputDoneSchema = z.object({ type: z.literal('model_input_done'), ...inputDoneShape });

export const modelErrorSchema = z.object({ type: z.literal('model_error'), ...errorShape });

/** Chorus addition: the provider's rate limits changed (see `rateLimitsShape`). */
export const modelRateLimitsUpdatedSchema = z.object({
  type: z.literal('model_rate_limits_updated'),
  ...rateLimitsShape,
});

/**
 * Chorus addition: a provider event with no mapping, passed on whole. AgentScope dropped these
 * silently; here observers can still see them, and an unmapped event is visible in traces.
 */
export const modelRawSchema = z.object({
  type: z.literal('model_raw'),
  provider: textField(64),
  event: z.unknown(),
});

/** Every model event (provider -> agent), discriminated on `type`. */
export const modelEventSchema = z.discriminatedUnion('type', [
  modelSessionCreatedSchema,
  modelSessionEndedSchema,
  modelResponseCreatedSchema,
  modelResponseDoneSchema,
  modelResponseAudioDeltaSchema,
  modelResponseAudioDoneSchema,
  modelResponseAudioTranscriptDeltaSchema,
  modelResponseAudioTranscriptDoneSchema,
  modelResponseTextDeltaSchema,
  modelResponseTextDoneSchema,
  modelResponseToolUseDeltaSchema,
  modelResponseToolUseDoneSchema,
  modelToolCallCancelledSchema,
  modelInputTranscriptionDeltaSchema,
  modelInputTranscriptionDoneSchema,
  modelInputStartedSchema,
  modelInputDoneSchema,
  modelErrorSchema,
  modelRateLimitsUpdatedSchema,
  modelRawSchema,
]);

/** A model event in canonical form (defaults applied, aliases normalized). */
export type ModelEvent = z.infer<typeof modelEventSchema>;

/** A model event as accepted on input (optional defaults, audio format aliases). */
export type ModelEventInput = z.input<typeof modelEventSchema>;

/** The model event with the given `type`. */
export type ModelEventOf<T extends ModelEvent['type']> = Extract<ModelEvent, { type: T }>;

/** Every model event type string. */
export const MODEL_EVENT_TYPES = [
  'model_session_created',
  'model_session_ended',
  'model_response_created',
  'model_response_done',
  'model_response_audio_delta',
  'model_response_audio_done',
  'model_response_audio_transcript_delta',
  'model_response_audio_transcript_done',
  'model_response_text_delta',
  'model_response_text_done',
  'model_response_tool_use_delta',
  'model_response_tool_use_done',
  'model_tool_call_cancelled',
  'model_input_transcription_delta',
  'model_input_transcription_done',
  'model_input_started',
  'model_input_done',
  'model_error',
  'model_rate_limits_updated',
  'model_raw',
] as const satisfies readonly ModelEvent['type'][];

import { z } from 'zod';
import { openaiItemSchema, openaiResponsePartSchema } from './items.js';
import { openaiModalitiesSchema, openaiSessionSchema } from './session.js';
import {
  openaiErrorDetailSchema,
  openaiIdSchema,
  openaiJsonObjectSchema,
  openaiUsageSchema,
} from './shared.js';

// Server events of the OpenAI Realtime GA API. Every server event carries `event_id`.

const envelope = <T extends string>(type: T) => ({ type: z.literal(type), event_id: openaiIdSchema });

export const OPENAI_RESPONSE_STATUSES = [
  'in_progress',
  'completed',
  'cancelled',
  'failed',
  'incomplete',
] as const;

/** The response object of `response.created` / `response.done`. */
export const openaiResponseSchema = z.looseObject({
  id: openaiIdSchema,
  object: z.literal('realtime.response').optional(),
  status: z.enum(OPENAI_RESPONSE_STATUSES),
  /** Why a response was cancelled, failed or incomplete, e.g. `{type:'cancelled', reason:'turn_detected'}`. */
  status_details: z
    .looseObject({
      type: z.string(),
      reason: z.string().nullable().optional(),
      error: openaiErrorDetailSchema.nullable().optional(),
    })
    .nullable()
    .optional(),
  output: z.array(openaiItemSchema).max(1024).optional(),
  usage: openaiUsageSchema.nullable().optional(),
  conversation_id: z.string().nullable().optional(),
  output_modalities: openaiModalitiesSchema.optional(),
  metadata: openaiJsonObjectSchema.nullable().optional(),
});
export type OpenAIResponse = z.infer<typeof openaiResponseSchema>;

/** What a transcription cost: tokens, or seconds of audio. */
export const openaiTranscriptionUsageSchema = z.union([
  z.looseObject({
    type: z.literal('tokens'),
    input_tokens: z.number().nonnegative(),
    output_tokens: z.number().nonnegative(),
    total_tokens: z.number().nonnegative(),
  }),
  z.looseObject({ type: z.literal('duration'), seconds: z.number().nonnegative() }),
]);

const contentRef = {
  response_id: openaiIdSchema,
  item_id: openaiIdSchema,
  output_index: z.number().int().nonnegative(),
  content_index: z.number().int().nonnegative(),
};

export const openaiServerEventSchemas = {
  error: z.object({ ...envelope('error'), error: openaiErrorDetailSchema }),
  'session.created': z.object({ ...envelope('session.created'), session: openaiSessionSchema }),
  'session.updated': z.object({ ...envelope('session.updated'), session: openaiSessionSchema }),
  'conversation.created': z.object({
    ...envelope('conversation.created'),
    conversation: z.looseObject({ id: openaiIdSchema }),
  }),
  'conversation.item.added': z.object({
    ...envelope('conversation.item.added'),
    previous_item_id: openaiIdSchema.nullable().optional(),
    item: openaiItemSchema,
  }),
  'conversation.item.done': z.object({
    ...envelope('conversation.item.done'),
    previous_item_id: openaiIdSchema.nullable().optional(),
    item: openaiItemSchema,
  }),
  'conversation.item.created': z.object({
    ...envelope('conversation.item.created'),
    previous_item_id: openaiIdSchema.nullable().optional(),
    item: openaiItemSchema,
  }),
  'conversation.item.retrieved': z.object({
    ...envelope('conversation.item.retrieved'),
    item: openaiItemSchema,
  }),
  'conversation.item.truncated': z.object({
    ...envelope('conversation.item.truncated'),
    item_id: openaiIdSchema,
    content_index: z.number().int().nonnegative(),
    audio_end_ms: z.number().int().nonnegative(),
  }),
  'conversation.item.deleted': z.object({
    ...envelope('conversation.item.deleted'),
    item_id: openaiIdSchema,
  }),
  'conversation.item.input_audio_transcription.delta': z.object({
    ...envelope('conversation.item.input_audio_transcription.delta'),
    item_id: openaiIdSchema,
    content_index: z.number().int().nonnegative().optional(),
    delta: z.string(),
    logprobs: z.array(z.unknown()).nullable().optional(),
  }),
  'conversation.item.input_audio_transcription.completed': z.object({
    ...envelope('conversation.item.input_audio_transcription.completed'),
    item_id: openaiIdSchema,
    content_index: z.number().int().nonnegative().optional(),
    transcript: z.string(),
    /** Required by the GA types; beta-dialect peers (DashScope) leave it out. */
    usage: openaiTranscriptionUsageSchema.optional(),
    logprobs: z.array(z.unknown()).nullable().optional(),
  }),
  'conversation.item.input_audio_transcription.segment': z.object({
    ...envelope('conversation.item.input_audio_transcription.segment'),
    item_id: openaiIdSchema,
    content_index: z.number().int().nonnegative().optional(),
    text: z.string(),
    id: z.string().optional(),
    speaker: z.string().optional(),
    start: z.number().optional(),
    end: z.number().optional(),
  }),
  'conversation.item.input_audio_transcription.failed': z.object({
    ...envelope('conversation.item.input_audio_transcription.failed'),
    item_id: openaiIdSchema,
    content_index: z.number().int().nonnegative().optional(),
    error: openaiErrorDetailSchema,
  }),
  'input_audio_buffer.committed': z.object({
    ...envelope('input_audio_buffer.committed'),
    previous_item_id: openaiIdSchema.nullable().optional(),
    item_id: openaiIdSchema,
  }),
  'input_audio_buffer.cleared': z.object(envelope('input_audio_buffer.cleared')),
  'input_audio_buffer.speech_started': z.object({
    ...envelope('input_audio_buffer.speech_started'),
    audio_start_ms: z.number().int().nonnegative(),
    item_id: openaiIdSchema,
  }),
  'input_audio_buffer.speech_stopped': z.object({
    ...envelope('input_audio_buffer.speech_stopped'),
    audio_end_ms: z.number().int().nonnegative(),
    item_id: openaiIdSchema,
  }),
  'input_audio_buffer.timeout_triggered': z.object({
    ...envelope('input_audio_buffer.timeout_triggered'),
    audio_start_ms: z.number().int().nonnegative(),
    audio_end_ms: z.number().int().nonnegative(),
    item_id: openaiIdSchema,
  }),
  'output_audio_buffer.started': z.object({
    ...envelope('output_audio_buffer.started'),
    response_id: openaiIdSchema,
  }),
  'output_audio_buffer.stopped': z.object({
    ...envelope('output_audio_buffer.stopped'),
    response_id: openaiIdSchema,
  }),
  'output_audio_buffer.cleared': z.object({
    ...envelope('output_audio_buffer.cleared'),
    response_id: openaiIdSchema,
  }),
  'response.created': z.object({ ...envelope('response.created'), response: openaiResponseSchema }),
  'response.done': z.object({ ...envelope('response.done'), response: openaiResponseSchema }),
  'response.output_item.added': z.object({
    ...envelope('response.output_item.added'),
    response_id: openaiIdSchema,
    output_index: z.number().int().nonnegative(),
    item: openaiItemSchema,
  }),
  'response.output_item.done': z.object({
    ...envelope('response.output_item.done'),
    response_id: openaiIdSchema,
    output_index: z.number().int().nonnegative(),
    item: openaiItemSchema,
  }),
  'response.content_part.added': z.object({
    ...envelope('response.content_part.added'),
    ...contentRef,
    part: openaiResponsePartSchema,
  }),
  'response.content_part.done': z.object({
    ...envelope('response.content_part.done'),
    ...contentRef,
    part: openaiResponsePartSchema,
  }),
  'response.output_text.delta': z.object({
    ...envelope('response.output_text.delta'),
    ...contentRef,
    delta: z.string(),
  }),
  'response.output_text.done': z.object({
    ...envelope('response.output_text.done'),
    ...contentRef,
    text: z.string(),
  }),
  'response.output_audio.delta': z.object({
    ...envelope('response.output_audio.delta'),
    ...contentRef,
    /** Base64 audio in the session's output format. */
    delta: z.string(),
  }),
  'response.output_audio.done': z.object({ ...envelope('response.output_audio.done'), ...contentRef }),
  'response.output_audio_transcript.delta': z.object({
    ...envelope('response.output_audio_transcript.delta'),
    ...contentRef,
    delta: z.string(),
  }),
  'response.output_audio_transcript.done': z.object({
    ...envelope('response.output_audio_transcript.done'),
    ...contentRef,
    transcript: z.string(),
  }),
  'response.function_call_arguments.delta': z.object({
    ...envelope('response.function_call_arguments.delta'),
    response_id: openaiIdSchema,
    item_id: openaiIdSchema,
    output_index: z.number().int().nonnegative(),
    call_id: openaiIdSchema,
    delta: z.string(),
  }),
  'response.function_call_arguments.done': z.object({
    ...envelope('response.function_call_arguments.done'),
    response_id: openaiIdSchema,
    item_id: openaiIdSchema,
    output_index: z.number().int().nonnegative(),
    call_id: openaiIdSchema,
    name: z.string().optional(),
    arguments: z.string(),
  }),
  'rate_limits.updated': z.object({
    ...envelope('rate_limits.updated'),
    rate_limits: z.array(
      z.looseObject({
        name: z.string(),
        limit: z.number().optional(),
        remaining: z.number().optional(),
        reset_seconds: z.number().optional(),
      }),
    ),
  }),
} as const;

type ServerSchemas = typeof openaiServerEventSchemas;

/** Every OpenAI Realtime server event type this package validates (GA names). */
export type OpenAIServerEventType = keyof ServerSchemas;

/** One OpenAI Realtime server event in GA form, discriminated on `type`. */
export type OpenAIServerEvent = {
  [K in OpenAIServerEventType]: z.infer<ServerSchemas[K]>;
}[OpenAIServerEventType];

/** The server event with the given `type`. */
export type OpenAIServerEventOf<T extends OpenAIServerEventType> = z.infer<ServerSchemas[T]>;

/** The GA server event types. */
export const OPENAI_SERVER_EVENT_TYPES = Object.keys(openaiServerEventSchemas) as OpenAIServerEventType[];

/** Whether `type` names a GA server event this package validates. */
export function isOpenAIServerEventType(type: string): type is OpenAIServerEventType {
  return Object.hasOwn(openaiServerEventSchemas, type);
}

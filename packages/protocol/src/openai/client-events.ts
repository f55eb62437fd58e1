import { z } from 'zod';
import { MAX_AUDIO_BASE64_CHARS } from '../limits.js';
import { openaiItemSchema } from './items.js';
import {
  openaiResponseParamsSchema,
  openaiSessionSchema,
  openaiTranscriptionSessionSchema,
} from './session.js';
import { openaiIdSchema } from './shared.js';

// Client events of the OpenAI Realtime GA API. `event_id` is optional; the service echoes it in errors.

const envelope = <T extends string>(type: T) => ({
  type: z.literal(type),
  event_id: openaiIdSchema.optional(),
});

// Standard base64, padded; checked because a corrupted frame must not become shorter audio.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const openaiClientEventSchemas = {
  'session.update': z.object({
    ...envelope('session.update'),
    /** A realtime session, or a transcription session (which a realtime connection refuses). */
    session: z.discriminatedUnion('type', [openaiSessionSchema, openaiTranscriptionSessionSchema]),
  }),
  'input_audio_buffer.append': z.object({
    ...envelope('input_audio_buffer.append'),
    /** Base64 audio in the session's input format. */
    audio: z
      .string()
      .max(MAX_AUDIO_BASE64_CHARS, {
        message: `too long: at most ${MAX_AUDIO_BASE64_CHARS} base64 characters`,
      })
      .regex(BASE64, { message: 'must be standard padded base64' }),
  }),
  'input_audio_buffer.commit': z.object(envelope('input_audio_buffer.commit')),
  'input_audio_buffer.clear': z.object(envelope('input_audio_buffer.clear')),
  'output_audio_buffer.clear': z.object(envelope('output_audio_buffer.clear')),
  'conversation.item.create': z.object({
    ...envelope('conversation.item.create'),
    /** Insert after this item; `null` prepends, `root` too, absent appends. */
    previous_item_id: openaiIdSchema.nullable().optional(),
    item: openaiItemSchema,
  }),
  'conversation.item.retrieve': z.object({
    ...envelope('conversation.item.retrieve'),
    item_id: openaiIdSchema,
  }),
  'conversation.item.truncate': z.object({
    ...envelope('conversation.item.truncate'),
    item_id: openaiIdSchema,
    content_index: z.number().int().nonnegative(),
    /** Audio the listener heard, in ms; the service drops audio and transcript after it. */
    audio_end_ms: z.number().int().nonnegative(),
  }),
  'conversation.item.delete': z.object({ ...envelope('conversation.item.delete'), item_id: openaiIdSchema }),
  'response.create': z.object({
    ...envelope('response.create'),
    response: openaiResponseParamsSchema.optional(),
  }),
  'response.cancel': z.object({ ...envelope('response.cancel'), response_id: openaiIdSchema.optional() }),
} as const;

type ClientSchemas = typeof openaiClientEventSchemas;

/** Every OpenAI Realtime client event type (GA names). */
export type OpenAIClientEventType = keyof ClientSchemas;

/** One OpenAI Realtime client event in GA form, discriminated on `type`. */
export type OpenAIClientEvent = {
  [K in OpenAIClientEventType]: z.infer<ClientSchemas[K]>;
}[OpenAIClientEventType];

/** The client event with the given `type`. */
export type OpenAIClientEventOf<T extends OpenAIClientEventType> = z.infer<ClientSchemas[T]>;

/** The GA client event types. */
export const OPENAI_CLIENT_EVENT_TYPES = Object.keys(openaiClientEventSchemas) as OpenAIClientEventType[];

/** Whether `type` names a GA client event. */
export function isOpenAIClientEventType(type: string): type is OpenAIClientEventType {
  return Object.hasOwn(openaiClientEventSchemas, type);
}

import { z } from 'zod';
import { MAX_AUDIO_BASE64_CHARS, MAX_IMAGE_BASE64_CHARS, MAX_INSTRUCTIONS_CHARS } from '../limits.js';
import {
  decodeFrame,
  errorFromZod,
  itemFromBeta,
  openaiClientEventSchemas,
  openaiIdSchema,
  openaiServerEventSchemas,
  type ProviderParseResult,
} from '../openai/index.js';
import { dashscopeSessionSchema } from './session.js';

// DashScope speaks the OpenAI beta dialect: the same events under beta names, a flat session, and
// `input_image_buffer.append` for video frames. Schemas are the OpenAI ones wherever they agree.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64(max: number) {
  return z
    .string()
    .max(max, { message: `too long: at most ${max} base64 characters` })
    .regex(BASE64, { message: 'must be standard padded base64' });
}

const s = openaiServerEventSchemas;

const contentRef = {
  event_id: openaiIdSchema,
  response_id: openaiIdSchema,
  item_id: openaiIdSchema,
  output_index: z.number().int().nonnegative(),
  content_index: z.number().int().nonnegative(),
};

export const dashscopeServerEventSchemas = {
  error: s.error,
  'session.created': z.object({
    type: z.literal('session.created'),
    event_id: openaiIdSchema,
    session: dashscopeSessionSchema,
  }),
  'session.updated': z.object({
    type: z.literal('session.updated'),
    event_id: openaiIdSchema,
    session: dashscopeSessionSchema,
  }),
  'input_audio_buffer.speech_started': s['input_audio_buffer.speech_started'],
  'input_audio_buffer.speech_stopped': s['input_audio_buffer.speech_stopped'],
  'input_audio_buffer.committed': s['input_audio_buffer.committed'],
  'input_audio_buffer.cleared': s['input_audio_buffer.cleared'],
  'conversation.item.created': s['conversation.item.created'],
  'conversation.item.input_audio_transcription.delta': s['conversation.item.input_audio_transcription.delta'],
  'conversation.item.input_audio_transcription.completed':
    s['conversation.item.input_audio_transcription.completed'],
  /**
   * As DashScope's own example shows it: no `event_id`, and an `error` with `code` and `message`
   * but no `type`. Both are optional here, so the documented event and the OpenAI shape both parse.
   */
  'conversation.item.input_audio_transcription.failed': z.object({
    type: z.literal('conversation.item.input_audio_transcription.failed'),
    event_id: openaiIdSchema.optional(),
    item_id: openaiIdSchema,
    content_index: z.number().int().nonnegative().optional(),
    error: z.looseObject({
      type: z.string().max(256).optional(),
      code: z.string().max(256).nullable().optional(),
      message: z.string().max(4096).nullable().optional(),
      param: z.string().max(256).nullable().optional(),
    }),
  }),
  'response.created': s['response.created'],
  'response.done': s['response.done'],
  'response.output_item.added': s['response.output_item.added'],
  'response.output_item.done': s['response.output_item.done'],
  'response.content_part.added': s['response.content_part.added'],
  'response.content_part.done': s['response.content_part.done'],
  /** Base64 PCM16 at 24 kHz. */
  'response.audio.delta': z.object({
    type: z.literal('response.audio.delta'),
    ...contentRef,
    delta: z.string(),
  }),
  'response.audio.done': z.object({ type: z.literal('response.audio.done'), ...contentRef }),
  'response.audio_transcript.delta': z.object({
    type: z.literal('response.audio_transcript.delta'),
    ...contentRef,
    delta: z.string(),
  }),
  'response.audio_transcript.done': z.object({
    type: z.literal('response.audio_transcript.done'),
    ...contentRef,
    transcript: z.string(),
  }),
  'response.text.delta': z.object({
    type: z.literal('response.text.delta'),
    ...contentRef,
    delta: z.string(),
  }),
  'response.text.done': z.object({ type: z.literal('response.text.done'), ...contentRef, text: z.string() }),
  'response.function_call_arguments.delta': s['response.function_call_arguments.delta'],
  'response.function_call_arguments.done': s['response.function_call_arguments.done'],
  /** The answer to `session.finish`: the session is over and the server will close the socket. */
  'session.finished': z.object({ type: z.literal('session.finished'), event_id: openaiIdSchema.optional() }),
} as const;

const c = openaiClientEventSchemas;
const clientEnvelope = <T extends string>(type: T) => ({
  type: z.literal(type),
  event_id: openaiIdSchema.optional(),
});

export const dashscopeClientEventSchemas = {
  'session.update': z.object({ ...clientEnvelope('session.update'), session: dashscopeSessionSchema }),
  'input_audio_buffer.append': z.object({
    ...clientEnvelope('input_audio_buffer.append'),
    /** Base64 PCM16 at 16 kHz. */
    audio: base64(MAX_AUDIO_BASE64_CHARS),
  }),
  'input_audio_buffer.commit': c['input_audio_buffer.commit'],
  'input_audio_buffer.clear': c['input_audio_buffer.clear'],
  'input_image_buffer.append': z.object({
    ...clientEnvelope('input_image_buffer.append'),
    /** Base64 JPEG, at most 500 KB; send audio before the first image. */
    image: base64(MAX_IMAGE_BASE64_CHARS),
  }),
  /** Not in DashScope's documented client events (its Python SDK has `create_item`): sent only on opt-in. */
  'conversation.item.create': c['conversation.item.create'],
  'response.create': z.object({
    ...clientEnvelope('response.create'),
    response: z
      .looseObject({
        instructions: z.string().max(MAX_INSTRUCTIONS_CHARS).optional(),
        modalities: z
          .array(z.enum(['text', 'audio']))
          .min(1)
          .max(2)
          .optional(),
      })
      .optional(),
  }),
  'response.cancel': c['response.cancel'],
  /** Ends the session; the server answers `session.finished` (what the official SDK waits for). */
  'session.finish': z.object({ ...clientEnvelope('session.finish') }),
} as const;

type ServerSchemas = typeof dashscopeServerEventSchemas;
type ClientSchemas = typeof dashscopeClientEventSchemas;

/** Every DashScope server event type (OpenAI beta names). */
export type DashScopeServerEventType = keyof ServerSchemas;
/** One DashScope server event, discriminated on `type`; items carry GA content part types. */
export type DashScopeServerEvent = {
  [K in DashScopeServerEventType]: z.infer<ServerSchemas[K]>;
}[DashScopeServerEventType];
/** Every DashScope client event type. */
export type DashScopeClientEventType = keyof ClientSchemas;
/** One DashScope client event, discriminated on `type`. */
export type DashScopeClientEvent = {
  [K in DashScopeClientEventType]: z.infer<ClientSchemas[K]>;
}[DashScopeClientEventType];

export const DASHSCOPE_SERVER_EVENT_TYPES = Object.keys(
  dashscopeServerEventSchemas,
) as DashScopeServerEventType[];
export const DASHSCOPE_CLIENT_EVENT_TYPES = Object.keys(
  dashscopeClientEventSchemas,
) as DashScopeClientEventType[];

function normalizeItems(value: { type: string } & Record<string, unknown>) {
  const out: { type: string } & Record<string, unknown> = { ...value };
  if ('item' in out) out.item = itemFromBeta(out.item);
  const response = out.response;
  if (
    response !== null &&
    typeof response === 'object' &&
    Array.isArray((response as { output?: unknown }).output)
  ) {
    const r = response as { output: unknown[] };
    out.response = { ...r, output: r.output.map(itemFromBeta) };
  }
  // Response parts keep `text` / `audio`: the GA names of response parts are the same.
  return out;
}

/**
 * Parses one frame from DashScope. Event names stay as DashScope sends them (OpenAI beta names);
 * item content types are renamed to GA (`output_text`, `output_audio`). Never throws.
 */
export function parseDashScopeServerEvent(input: unknown): ProviderParseResult<DashScopeServerEvent> {
  const decoded = decodeFrame(input);
  if (!decoded.ok) return decoded;
  const type = decoded.value.type;
  if (!Object.hasOwn(dashscopeServerEventSchemas, type)) {
    return { ok: true, unknown: true, event: { ...decoded.value, type, unknown: true } };
  }
  const schema = dashscopeServerEventSchemas[type as DashScopeServerEventType] as z.ZodType;
  const parsed = schema.safeParse(normalizeItems(decoded.value));
  if (!parsed.success) return { ok: false, error: errorFromZod(parsed.error, type) };
  return { ok: true, unknown: false, event: parsed.data as DashScopeServerEvent, dialect: 'beta' };
}

/** Parses one DashScope client frame (what an adapter sends, or what a fake receives). Never throws. */
export function parseDashScopeClientEvent(input: unknown): ProviderParseResult<DashScopeClientEvent> {
  const decoded = decodeFrame(input);
  if (!decoded.ok) return decoded;
  const type = decoded.value.type;
  if (!Object.hasOwn(dashscopeClientEventSchemas, type)) {
    return { ok: true, unknown: true, event: { ...decoded.value, type, unknown: true } };
  }
  const schema = dashscopeClientEventSchemas[type as DashScopeClientEventType] as z.ZodType;
  const parsed = schema.safeParse(normalizeItems(decoded.value));
  if (!parsed.success) return { ok: false, error: errorFromZod(parsed.error, type) };
  return { ok: true, unknown: false, event: parsed.data as DashScopeClientEvent, dialect: 'beta' };
}

import { z } from 'zod';
import { MAX_ID_CHARS, MAX_INSTRUCTIONS_CHARS } from '../limits.js';

// Building blocks shared by the OpenAI Realtime session, item, response and event schemas (GA names).

/** An id (event, item, response, call, session). */
export const openaiIdSchema = z.string().max(MAX_ID_CHARS);

/** A JSON object with string keys (tool parameters, metadata). */
export const openaiJsonObjectSchema = z.record(z.string(), z.unknown());

/** GA audio formats: PCM16 (24 kHz only in GA), G.711 u-law and A-law (8 kHz). */
export const openaiAudioFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('audio/pcm'), rate: z.number().int().positive().optional() }),
  z.object({ type: z.literal('audio/pcmu') }),
  z.object({ type: z.literal('audio/pcma') }),
]);
export type OpenAIAudioFormat = z.infer<typeof openaiAudioFormatSchema>;

/** The only PCM rate the GA service accepts. */
export const OPENAI_PCM_RATE = 24000;

/** Beta (and DashScope-like) flat format names. */
export const OPENAI_BETA_AUDIO_FORMATS = ['pcm16', 'g711_ulaw', 'g711_alaw'] as const;
export type OpenAIBetaAudioFormat = (typeof OPENAI_BETA_AUDIO_FORMATS)[number];

export const openaiServerVadSchema = z.object({
  type: z.literal('server_vad'),
  /** Activation threshold 0..1 (default 0.5). */
  threshold: z.number().min(0).max(1).optional(),
  /** Audio kept before detected speech (default 300). */
  prefix_padding_ms: z.number().int().nonnegative().optional(),
  /** Silence that ends a turn (default 500). */
  silence_duration_ms: z.number().int().nonnegative().optional(),
  idle_timeout_ms: z.number().int().nonnegative().nullable().optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

export const openaiSemanticVadSchema = z.object({
  type: z.literal('semantic_vad'),
  /** low|medium|high|auto: max waits of 8 / 4 / 2 s (auto = medium). */
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

/** Turn detection; `null` turns it off (the client commits and asks for responses itself). */
export const openaiTurnDetectionSchema = z
  .discriminatedUnion('type', [openaiServerVadSchema, openaiSemanticVadSchema])
  .nullable();
export type OpenAITurnDetection = z.infer<typeof openaiTurnDetectionSchema>;

/** server_vad defaults the service applies when a field is left out. */
export const OPENAI_SERVER_VAD_DEFAULTS = {
  threshold: 0.5,
  prefix_padding_ms: 300,
  silence_duration_ms: 500,
} as const;

export const openaiTranscriptionSchema = z
  .object({
    model: z.string().max(MAX_ID_CHARS).optional(),
    language: z.string().max(32).optional(),
    prompt: z.string().max(MAX_INSTRUCTIONS_CHARS).optional(),
  })
  .nullable();

export const openaiNoiseReductionSchema = z.object({ type: z.enum(['near_field', 'far_field']) }).nullable();

export const openaiFunctionToolSchema = z.object({
  type: z.literal('function'),
  name: z.string().min(1).max(MAX_ID_CHARS),
  description: z.string().max(MAX_INSTRUCTIONS_CHARS).optional(),
  /** JSON Schema of the arguments. */
  parameters: openaiJsonObjectSchema.optional(),
});
export type OpenAIFunctionTool = z.infer<typeof openaiFunctionToolSchema>;

/** Remote MCP servers as tools: passed through whole (Chorus never generates them). */
export const openaiMcpToolSchema = z.looseObject({ type: z.literal('mcp'), server_label: z.string() });

export const openaiToolSchema = z.discriminatedUnion('type', [openaiFunctionToolSchema, openaiMcpToolSchema]);
export type OpenAITool = z.infer<typeof openaiToolSchema>;

export const openaiToolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('function'), name: z.string().max(MAX_ID_CHARS) }),
  z.looseObject({ type: z.literal('mcp'), server_label: z.string() }),
]);

/** Output token cap: a number or `inf`. */
export const openaiMaxTokensSchema = z.union([z.number().int().positive(), z.literal('inf')]);

/** The `error` object of an error event or a failed response. */
export const openaiErrorDetailSchema = z.looseObject({
  type: z.string(),
  code: z.string().nullable().optional(),
  message: z.string().optional(),
  param: z.string().nullable().optional(),
  /** The client event that caused it, when there was one. */
  event_id: z.string().nullable().optional(),
});
export type OpenAIErrorDetail = z.infer<typeof openaiErrorDetailSchema>;

export const openaiUsageSchema = z.looseObject({
  total_tokens: z.number().int().nonnegative().optional(),
  input_tokens: z.number().int().nonnegative().optional(),
  output_tokens: z.number().int().nonnegative().optional(),
  input_token_details: openaiJsonObjectSchema.optional(),
  output_token_details: openaiJsonObjectSchema.optional(),
});
export type OpenAIUsage = z.infer<typeof openaiUsageSchema>;

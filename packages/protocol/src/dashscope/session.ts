import { z } from 'zod';
import { MAX_ID_CHARS, MAX_INSTRUCTIONS_CHARS } from '../limits.js';
import { openaiToolChoiceSchema, openaiToolSchema } from '../openai/index.js';

/** DashScope input audio: 16 kHz PCM16, named `pcm16` (older docs) or `pcm` (newer). */
export const DASHSCOPE_INPUT_AUDIO_FORMATS = ['pcm16', 'pcm'] as const;
/**
 * DashScope output audio: `pcm24` (24 kHz PCM16, qwen3-omni-flash-realtime), `pcm16` (16 kHz PCM16,
 * qwen-omni-turbo-realtime, as AgentScope v1 sends it), or `pcm` (newer docs' name).
 */
export const DASHSCOPE_OUTPUT_AUDIO_FORMATS = ['pcm24', 'pcm16', 'pcm'] as const;
/** The rate DashScope takes audio in. */
export const DASHSCOPE_INPUT_RATE = 16000;
/** The rate DashScope sends audio out. */
export const DASHSCOPE_OUTPUT_RATE = 24000;

/** DashScope's VAD (`server_vad`; `semantic_vad` on newer models); `null` turns it off. */
export const dashscopeTurnDetectionSchema = z
  .object({
    type: z.enum(['server_vad', 'semantic_vad']),
    threshold: z.number().min(-1).max(1).optional(),
    prefix_padding_ms: z.number().int().nonnegative().optional(),
    /** Silence that ends a turn (default 800). */
    silence_duration_ms: z.number().int().nonnegative().optional(),
    idle_timeout_ms: z.number().int().nonnegative().nullable().optional(),
    create_response: z.boolean().optional(),
    interrupt_response: z.boolean().optional(),
  })
  .nullable();
export type DashScopeTurnDetection = z.infer<typeof dashscopeTurnDetectionSchema>;

/** DashScope's server VAD defaults. */
export const DASHSCOPE_SERVER_VAD_DEFAULTS = {
  threshold: 0.5,
  prefix_padding_ms: 300,
  silence_duration_ms: 800,
} as const;

/** The DashScope session: flat, like the OpenAI beta session. Unknown fields are kept. */
export const dashscopeSessionSchema = z.looseObject({
  id: z.string().max(MAX_ID_CHARS).optional(),
  object: z.literal('realtime.session').optional(),
  model: z.string().max(MAX_ID_CHARS).optional(),
  /** `['text']` or `['text','audio']` (audio alone is refused). */
  modalities: z
    .array(z.enum(['text', 'audio']))
    .min(1)
    .max(2)
    .optional(),
  voice: z.string().max(MAX_ID_CHARS).optional(),
  input_audio_format: z.enum(DASHSCOPE_INPUT_AUDIO_FORMATS).optional(),
  output_audio_format: z.enum(DASHSCOPE_OUTPUT_AUDIO_FORMATS).optional(),
  instructions: z.string().max(MAX_INSTRUCTIONS_CHARS).optional(),
  input_audio_transcription: z
    .object({ model: z.string().max(MAX_ID_CHARS).optional() })
    .nullable()
    .optional(),
  turn_detection: dashscopeTurnDetectionSchema.optional(),
  tools: z.array(openaiToolSchema).max(128).optional(),
  tool_choice: openaiToolChoiceSchema.optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.number().nullable().optional(),
  max_tokens: z.number().int().positive().optional(),
  repetition_penalty: z.number().optional(),
  presence_penalty: z.number().optional(),
  seed: z.number().int().optional(),
  smooth_output: z.boolean().nullable().optional(),
  enable_search: z.boolean().optional(),
});
export type DashScopeSession = z.infer<typeof dashscopeSessionSchema>;

import { z } from 'zod';
import {
  MAX_AUDIO_BASE64_CHARS,
  MAX_IMAGE_BASE64_CHARS,
  MAX_TEXT_CHARS,
  MAX_TOOL_TEXT_CHARS,
} from '../limits.js';
import { openaiIdSchema } from './shared.js';

// Conversation items in GA form. Beta content types (`text`, `audio`) are renamed before parsing
// (see beta.ts), so one schema serves both dialects.

const ITEM_STATUSES = ['completed', 'incomplete', 'in_progress'] as const;

export const openaiContentPartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input_text'), text: z.string().max(MAX_TEXT_CHARS) }),
  z.object({
    type: z.literal('input_audio'),
    audio: z.string().max(MAX_AUDIO_BASE64_CHARS).nullable().optional(),
    transcript: z.string().nullable().optional(),
  }),
  z.object({
    type: z.literal('input_image'),
    image_url: z.string().max(MAX_IMAGE_BASE64_CHARS + 64),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
  z.object({ type: z.literal('output_text'), text: z.string().optional() }),
  z.object({
    type: z.literal('output_audio'),
    audio: z.string().nullable().optional(),
    transcript: z.string().nullable().optional(),
  }),
]);
export type OpenAIContentPart = z.infer<typeof openaiContentPartSchema>;

const itemBase = {
  id: openaiIdSchema.optional(),
  object: z.literal('realtime.item').optional(),
  status: z.enum(ITEM_STATUSES).optional(),
};

export const openaiMessageItemSchema = z.object({
  ...itemBase,
  type: z.literal('message'),
  role: z.enum(['user', 'assistant', 'system']),
  content: z.array(openaiContentPartSchema).max(256),
});
export type OpenAIMessageItem = z.infer<typeof openaiMessageItemSchema>;

export const openaiFunctionCallItemSchema = z.object({
  ...itemBase,
  type: z.literal('function_call'),
  call_id: openaiIdSchema,
  name: z.string().max(256),
  arguments: z.string().max(MAX_TOOL_TEXT_CHARS),
});
export type OpenAIFunctionCallItem = z.infer<typeof openaiFunctionCallItemSchema>;

export const openaiFunctionCallOutputItemSchema = z.object({
  ...itemBase,
  type: z.literal('function_call_output'),
  call_id: openaiIdSchema,
  output: z.string().max(MAX_TOOL_TEXT_CHARS),
});
export type OpenAIFunctionCallOutputItem = z.infer<typeof openaiFunctionCallOutputItemSchema>;

// MCP items are produced by the service itself; Chorus passes them on without looking inside.
const mcpItem = <T extends string>(type: T) => z.looseObject({ ...itemBase, type: z.literal(type) });

/** Any conversation item. */
export const openaiItemSchema = z.discriminatedUnion('type', [
  openaiMessageItemSchema,
  openaiFunctionCallItemSchema,
  openaiFunctionCallOutputItemSchema,
  mcpItem('mcp_call'),
  mcpItem('mcp_list_tools'),
  mcpItem('mcp_approval_request'),
  mcpItem('mcp_approval_response'),
]);
export type OpenAIItem = z.infer<typeof openaiItemSchema>;

/**
 * A content part as `response.content_part.added/done` carry it. Unlike item content
 * (`output_text` / `output_audio`), the official GA types name these `text` / `audio`.
 */
export const openaiResponsePartSchema = z.object({
  type: z.enum(['text', 'audio']),
  text: z.string().optional(),
  audio: z.string().optional(),
  transcript: z.string().optional(),
});

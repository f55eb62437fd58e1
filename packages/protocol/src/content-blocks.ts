import { z } from 'zod';
import { textField } from './fields.js';
import { MAX_IMAGE_BASE64_CHARS, MAX_TOOL_BLOCKS, MAX_TOOL_TEXT_CHARS } from './limits.js';

// AgentScope's message content blocks (`agentscope.message`), as far as the realtime wire uses them:
// a tool's output may be a string or a list of text, image, audio and video blocks.

const MAX_URL_CHARS = 8192;

const base64SourceSchema = z.object({
  type: z.literal('base64'),
  media_type: textField(128),
  // AgentScope documents `data` as RFC 2397 text (base64, possibly as a `data:` URL): kept as text.
  data: textField(MAX_IMAGE_BASE64_CHARS + 256),
});

const urlSourceSchema = z.object({ type: z.literal('url'), url: textField(MAX_URL_CHARS) });

/** Where a media block's bytes are: inline base64 or a URL. */
export const mediaSourceSchema = z.discriminatedUnion('type', [base64SourceSchema, urlSourceSchema]);

export const textBlockSchema = z.object({
  type: z.literal('text'),
  text: textField(MAX_TOOL_TEXT_CHARS).optional(),
});
export const imageBlockSchema = z.object({ type: z.literal('image'), source: mediaSourceSchema });
export const audioBlockSchema = z.object({ type: z.literal('audio'), source: mediaSourceSchema });
export const videoBlockSchema = z.object({ type: z.literal('video'), source: mediaSourceSchema });

/** One block of a tool's output. */
export const toolOutputBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  audioBlockSchema,
  videoBlockSchema,
]);

export type ToolOutputBlock = z.infer<typeof toolOutputBlockSchema>;

/** A tool's output: text, or AgentScope's list of blocks (at most {@link MAX_TOOL_BLOCKS}). */
export const toolOutputSchema = z.union([
  textField(MAX_TOOL_TEXT_CHARS),
  z.array(toolOutputBlockSchema).max(MAX_TOOL_BLOCKS, { message: `at most ${MAX_TOOL_BLOCKS} blocks` }),
]);

export type ToolOutput = z.infer<typeof toolOutputSchema>;

/**
 * The text a model is given for a tool's output. Realtime models take a tool result as text, so
 * text blocks are joined and each media block is named in its place (`[image: image/png]`); the
 * media itself does not reach the model.
 */
export function toolResultText(output: ToolOutput): string {
  if (typeof output === 'string') return output;
  return output
    .map((block) => {
      if (block.type === 'text') return block.text ?? '';
      const what = block.source.type === 'base64' ? block.source.media_type : block.source.url;
      return `[${block.type}: ${what}]`;
    })
    .join('\n');
}

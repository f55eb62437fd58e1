import { z } from 'zod';
import { idField, nameField, textField } from './fields.js';
import { MAX_TEXT_CHARS, MAX_TOOL_TEXT_CHARS } from './limits.js';

// A conversation item as clients see it in `agent_history_updated`: the agent's own history items
// (`ConversationItem` in core) in the wire's snake_case.

export const historyMessageItemSchema = z.object({
  type: z.literal('message'),
  id: idField,
  role: z.enum(['user', 'assistant', 'system']),
  text: textField(MAX_TEXT_CHARS * 8),
  speaker: nameField.optional(),
});

export const historyFunctionCallItemSchema = z.object({
  type: z.literal('function_call'),
  id: idField,
  call_id: idField,
  name: nameField,
  arguments: textField(MAX_TOOL_TEXT_CHARS),
});

export const historyFunctionCallOutputItemSchema = z.object({
  type: z.literal('function_call_output'),
  id: idField,
  call_id: idField,
  output: textField(MAX_TOOL_TEXT_CHARS),
});

/** One item of an agent's conversation history. */
export const historyItemSchema = z.discriminatedUnion('type', [
  historyMessageItemSchema,
  historyFunctionCallItemSchema,
  historyFunctionCallOutputItemSchema,
]);

export type HistoryItem = z.infer<typeof historyItemSchema>;

/** Most items one `agent_history_updated` lists in `added` or `updated` (a replace sends several). */
export const MAX_HISTORY_ITEMS_PER_EVENT = 1024;

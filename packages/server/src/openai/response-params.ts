import type { ClientEventInput, ErrorCode, ResponseInputItem } from '@chorus/protocol';
import type { OpenAIResponseParams } from '@chorus/protocol/openai';
import type { Refusal } from './client-bounds.js';
import type { ConversationStore } from './conversation-store.js';

type Json = Record<string, unknown>;
type ResponseCreate = Extract<ClientEventInput, { type: 'client_response_create' }>;

/** What `response.create{response}` becomes for the agent: the request's fields, or a refusal. */
export type ResponseRequest =
  | { readonly ok: true; readonly fields: Omit<ResponseCreate, 'type'> }
  | { readonly ok: false; readonly refusal: Refusal };

const refuse = (code: ErrorCode, message: string, param: string): ResponseRequest => ({
  ok: false,
  refusal: { code, message, param },
});

/**
 * Maps OpenAI's per-response parameters onto a Chorus `client_response_create`: `instructions`,
 * `output_modalities`, `conversation`, `input` (items and `item_reference`s resolved from the
 * conversation the gateway keeps, as words: what the agent's history holds), function `tools` (the
 * client's for this response) and `tool_choice`. What a Chorus agent cannot do is refused by name:
 * MCP tools and choices, a `prompt` template, input items with no words (images, audio never
 * transcribed) and references to items the gateway no longer keeps.
 */
export function responseRequestOf(
  params: OpenAIResponseParams | undefined,
  store: ConversationStore,
): ResponseRequest {
  if (params === undefined) return { ok: true, fields: {} };
  if (params.prompt !== undefined) {
    return refuse(
      'unsupported_parameter',
      'response.prompt is not supported here: prompt templates live on OpenAI, not on the agent',
      'response.prompt',
    );
  }
  const conversation = params.conversation ?? 'auto';
  if (conversation !== 'auto' && conversation !== 'none') {
    return refuse('invalid_value', 'response.conversation must be "auto" or "none"', 'response.conversation');
  }
  const fields: { -readonly [K in keyof Omit<ResponseCreate, 'type'>]: ResponseCreate[K] } = {};
  if (params.instructions !== undefined) fields.instructions = params.instructions;
  if (params.output_modalities !== undefined) fields.modalities = [...params.output_modalities];
  if (conversation === 'none') fields.conversation = conversation;
  if (params.input !== undefined) {
    const input: ResponseInputItem[] = [];
    for (const [index, entry] of params.input.entries()) {
      const param = `response.input[${index}]`;
      const item = entry.type === 'item_reference' ? store.get(entry.id) : (entry as Json);
      if (!item) return refuse('item_not_found', `no item with id "${entry.id ?? ''}"`, `${param}.id`);
      const mapped = inputItemOf(item);
      if (typeof mapped === 'string') return refuse('unsupported_parameter', mapped, param);
      input.push(mapped);
    }
    fields.input = input;
  }
  if (params.tools !== undefined) {
    const tools: NonNullable<ResponseCreate['tools']> = [];
    for (const [index, tool] of params.tools.entries()) {
      if (tool.type !== 'function') {
        return refuse(
          'unsupported_parameter',
          `response.tools[${index}]: only function tools are supported here (the agent takes MCP tools itself)`,
          `response.tools[${index}].type`,
        );
      }
      tools.push({
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        ...(tool.parameters === undefined ? {} : { parameters: tool.parameters as Json }),
      });
    }
    fields.tools = tools;
  }
  const choice = params.tool_choice;
  if (choice !== undefined) {
    if (typeof choice !== 'string' && choice.type !== 'function') {
      return refuse(
        'unsupported_parameter',
        'response.tool_choice: only "auto", "none", "required" or a function are supported here',
        'response.tool_choice',
      );
    }
    fields.tool_choice = typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
  }
  return { ok: true, fields };
}

/** An OpenAI item as the words the agent's history holds, or why it has none. */
function inputItemOf(item: Json): ResponseInputItem | string {
  switch (item.type) {
    case 'function_call':
      return {
        type: 'function_call',
        call_id: String(item.call_id),
        name: String(item.name),
        arguments: String(item.arguments ?? ''),
      };
    case 'function_call_output':
      return { type: 'function_call_output', call_id: String(item.call_id), output: String(item.output) };
    case 'message': {
      const role = item.role;
      if (role !== 'user' && role !== 'assistant' && role !== 'system') return 'a message needs a role';
      const parts = Array.isArray(item.content) ? (item.content as Json[]) : [];
      const words: string[] = [];
      for (const part of parts) {
        const written = part.type === 'input_text' || part.type === 'output_text';
        const text = written ? part.text : part.transcript;
        // Audio counts by its transcript; audio not (yet) transcribed has no words to give.
        if (typeof text !== 'string' || (!written && text === '')) {
          return `${String(part.type)} content without words cannot be part of a response's input here`;
        }
        words.push(text);
      }
      return { type: 'message', role, text: words.join(' ') };
    }
    default:
      return `items of type ${String(item.type)} cannot be part of a response's input here`;
  }
}

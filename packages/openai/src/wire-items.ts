import type { ConversationItem, ToolDefinition } from '@chorus/core/provider';
import type { WireJson } from './wire-dialect.js';

/** A history item as a GA `conversation.item.create` item (assistant text as `output_text`). */
export function toWireItem(item: ConversationItem): WireJson {
  switch (item.type) {
    case 'message':
      return {
        id: item.id,
        type: 'message',
        role: item.role,
        content: [{ type: item.role === 'assistant' ? 'output_text' : 'input_text', text: item.text }],
      };
    case 'function_call':
      return {
        id: item.id,
        type: 'function_call',
        call_id: item.callId,
        name: item.name,
        arguments: item.arguments,
      };
    case 'function_call_output':
      return { id: item.id, type: 'function_call_output', call_id: item.callId, output: item.output };
  }
}

/**
 * An item of a response's own context (`response.input`): no id, since the items are new to the
 * service and the ids the agent gives them are local to the response.
 */
export function toWireInputItem(item: ConversationItem): WireJson {
  const { id: _id, ...rest } = toWireItem(item);
  return rest;
}

/** A tool as GA `tools[]` takes it (session and `response.create`). */
export function toWireTool(tool: ToolDefinition) {
  return {
    type: 'function' as const,
    name: tool.name,
    description: tool.description,
    parameters: { ...tool.parameters },
  };
}

/**
 * The metadata key the adapter tags an out-of-band `response.create` with: the service echoes a
 * response's metadata in `response.created`, OpenAI's documented way to tell such responses apart.
 */
export const OUT_OF_BAND_TAG = 'chorus_conversation';

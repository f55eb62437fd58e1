import type { ConversationItem } from '@chorus/core';
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

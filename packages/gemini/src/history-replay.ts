import type { ConversationItem } from '@chorus/core';
import type { GeminiContent } from '@chorus/protocol/gemini';

/**
 * The conversation so far as Gemini `clientContent` turns, for a fresh session that cannot resume
 * from a handle. System notes and named speakers are written into user text, since Gemini turns
 * have only the `user` and `model` roles. Tool calls keep their ids so results still match.
 */
export function turnsFromHistory(history: readonly ConversationItem[]): GeminiContent[] {
  const callNames = new Map<string, string>();
  const turns: GeminiContent[] = [];
  for (const item of history) {
    if (item.type === 'message') {
      if (item.role === 'assistant') turns.push({ role: 'model', parts: [{ text: item.text }] });
      else {
        const label = item.role === 'system' ? '[system] ' : item.speaker ? `${item.speaker}: ` : '';
        turns.push({ role: 'user', parts: [{ text: `${label}${item.text}` }] });
      }
    } else if (item.type === 'function_call') {
      callNames.set(item.callId, item.name);
      turns.push({
        role: 'model',
        parts: [{ functionCall: { id: item.callId, name: item.name, args: parseArgs(item.arguments) } }],
      });
    } else {
      const name = callNames.get(item.callId) ?? 'unknown_function';
      turns.push({
        role: 'user',
        parts: [{ functionResponse: { id: item.callId, name, response: responseOf(item.output) } }],
      });
    }
  }
  return turns;
}

function parseArgs(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { raw: text };
  }
}

/** A tool output as Gemini's `response` object: a JSON object stays as is, anything else becomes `{ output }`. */
export function responseOf(output: string, isError = false): Record<string, unknown> {
  if (isError) return { error: output };
  try {
    const value: unknown = JSON.parse(output);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
    return { output: value };
  } catch {
    return { output };
  }
}

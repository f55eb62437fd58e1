import type { ModelEventOf, ToolUseBlock } from '@chorus/protocol';

// The agent_* mirrors of model events carry AgentScope's shapes: whole milliseconds, string-only
// metadata, tool calls as `ToolUseBlock`s. Model events stay richer inside Chorus.

/**
 * `agent_response_done.metadata` is `dict[str, str]` in AgentScope: strings pass, other values go
 * as their JSON text (`210.83` -> `"210.83"`, `{ total_tokens: 12 }` -> `'{"total_tokens":12}'`),
 * so nothing is lost and a client can parse them back.
 */
export function stringMetadata(metadata: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** A model's tool call as AgentScope's `ToolUseBlock`: `input` is `{}` until the arguments parse. */
export function toolUseBlock(
  event: ModelEventOf<'model_response_tool_use_delta' | 'model_response_tool_use_done'>,
): ToolUseBlock {
  const { id, name, input, raw_input } = event.tool_use;
  return { type: 'tool_use', id, name, input: input ?? {}, raw_input };
}

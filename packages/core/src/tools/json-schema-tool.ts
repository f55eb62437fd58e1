import type { JsonSchema, ToolDefinition } from '../model/realtime-model.js';
import {
  type AnyTool,
  type ParsedArguments,
  readJsonArguments,
  TOOL_NAME,
  type ToolApprovalContext,
  type ToolContext,
  toolOutputText,
} from './tool.js';

export interface JsonSchemaToolOptions {
  /** Letters, digits, `_` and `-`, at most 64 characters. */
  readonly name: string;
  readonly description: string;
  /** Sent to the model exactly as given (an object schema). */
  readonly parameters: JsonSchema;
  /** Gets the model's arguments as a JSON object; checking them against the schema is its job. */
  execute(args: Readonly<Record<string, unknown>>, context: ToolContext): unknown;
  readonly timeoutMs?: number;
  readonly needsApproval?:
    | boolean
    | ((args: Readonly<Record<string, unknown>>, context: ToolApprovalContext) => boolean | Promise<boolean>);
}

/**
 * A tool whose parameters are a JSON Schema rather than zod: for schemas written elsewhere (an MCP
 * server's `inputSchema`), which must reach the model unchanged. Arguments must be a JSON object;
 * whoever runs the tool validates the rest (an MCP server does).
 */
export function jsonSchemaTool(options: JsonSchemaToolOptions): AnyTool {
  const { name, description, parameters, execute, timeoutMs, needsApproval } = options;
  if (!TOOL_NAME.test(name)) {
    throw new TypeError(`tool name "${name}" must be 1-64 letters, digits, "_" or "-"`);
  }
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(`tool ${name}: timeoutMs must be a positive number, got ${timeoutMs}`);
  }
  const definition: ToolDefinition = { name, description, parameters };
  return {
    kind: 'tool',
    name,
    description,
    definition,
    timeoutMs,
    parseArguments: (raw) => parseObjectArguments(name, raw),
    async requiresApproval(args, context) {
      if (typeof needsApproval === 'function') {
        return needsApproval(args as Readonly<Record<string, unknown>>, context);
      }
      return needsApproval === true;
    },
    async invoke(args, context) {
      return toolOutputText(await execute(args as Readonly<Record<string, unknown>>, context));
    },
  };
}

function parseObjectArguments(name: string, raw: string): ParsedArguments {
  const json = readJsonArguments(name, raw);
  if (!json.ok) return json;
  const value = json.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: `invalid arguments for ${name}: arguments must be a JSON object` };
  }
  return { ok: true, args: value };
}

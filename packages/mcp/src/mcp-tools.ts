import { type AnyTool, jsonSchemaTool } from '@chorus/core';
import type { JsonSchema } from '@chorus/core/provider';
import type { MCPApproval, MCPLimits, MCPToolFilter } from './options.js';
import { passesFilter } from './tool-filter.js';

/** A tool as `tools/list` describes it (the fields Chorus reads). */
export interface ListedTool {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: { readonly type: 'object'; readonly [key: string]: unknown };
}

export interface ToolShaping {
  readonly server: string;
  readonly filter: MCPToolFilter | undefined;
  readonly approval: MCPApproval | undefined;
  readonly timeoutMs: number | undefined;
  readonly limits: MCPLimits;
  /** Calls the server's tool by its own name. */
  readonly call: (
    name: string,
    args: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
  ) => Promise<string>;
}

/**
 * A server's listing as agent tools: filtered, bounded, with names every provider accepts. The input
 * schema goes to the model as the server wrote it, less `$schema`, which providers refuse. What is
 * left out is said in `problems`, never dropped silently.
 */
export function toolsFromListing(
  listed: readonly ListedTool[],
  shaping: ToolShaping,
): { tools: AnyTool[]; problems: string[] } {
  const { server, limits } = shaping;
  const tools: AnyTool[] = [];
  const problems: string[] = [];
  const names = new Set<string>();
  for (const entry of listed) {
    const description = (entry.description ?? '').slice(0, limits.maxDescriptionChars);
    if (!passesFilter(shaping.filter, { name: entry.name, description })) continue;
    if (tools.length >= limits.maxTools) {
      problems.push(
        `MCP server ${server} offers more than ${limits.maxTools} tools; ${entry.name} and later ones are left out`,
      );
      break;
    }
    const { $schema: _dropped, ...parameters } = entry.inputSchema as JsonSchema;
    const schemaBytes = Buffer.byteLength(JSON.stringify(parameters), 'utf8');
    if (schemaBytes > limits.maxSchemaBytes) {
      problems.push(
        `MCP tool ${entry.name} of ${server} is left out: its input schema has ${schemaBytes} bytes (limit ${limits.maxSchemaBytes})`,
      );
      continue;
    }
    const name = modelToolName(entry.name);
    if (name === '' || names.has(name)) {
      problems.push(
        `MCP tool ${entry.name} of ${server} is left out: its name is empty or taken once made model-safe`,
      );
      continue;
    }
    names.add(name);
    tools.push(
      jsonSchemaTool({
        name,
        description,
        parameters,
        timeoutMs: shaping.timeoutMs,
        needsApproval: (args) => approves(shaping.approval, entry.name, args),
        execute: (args, { signal }) => shaping.call(entry.name, args, signal),
      }),
    );
  }
  return { tools, problems };
}

/** MCP allows dots and slashes (and up to 128 characters); providers take `[A-Za-z0-9_-]{1,64}`. */
export function modelToolName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

function approves(
  approval: MCPApproval | undefined,
  name: string,
  args: Readonly<Record<string, unknown>>,
): boolean | Promise<boolean> {
  if (approval === undefined || approval === 'never') return false;
  if (approval === 'always') return true;
  if (typeof approval === 'function') return approval(name, args);
  return approval.includes(name);
}

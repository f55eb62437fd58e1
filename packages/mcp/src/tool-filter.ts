import type { MCPToolFilter } from './options.js';

/** Whether a tool passes the filter: in `allowed` (when given) and not in `blocked`. */
export function passesFilter(
  filter: MCPToolFilter | undefined,
  tool: { readonly name: string; readonly description: string },
): boolean {
  if (!filter) return true;
  if (typeof filter === 'function') return filter(tool);
  if (filter.allowed && !filter.allowed.includes(tool.name)) return false;
  return !filter.blocked?.includes(tool.name);
}

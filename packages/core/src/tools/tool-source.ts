import type { ErrorCode } from '@chorus/protocol';
import type { ChorusClock } from '../clock.js';
import type { AnyTool } from './tool.js';

/**
 * Where tools come from besides code: an MCP server (`@chorus/mcp`) or anything else that offers a
 * changing list of tools. The agent sees only {@link AnyTool}s; each tool's `invoke` gets the call's
 * `AbortSignal`, which fires on timeout, barge-in, cancel and stop.
 */
export interface ToolSource {
  /** Names the source in reports (an MCP server's name). */
  readonly name: string;
  /** The tools offered now; empty before `start` and while the source is unreachable. */
  readonly tools: readonly AnyTool[];
  /**
   * Starts the source, or joins it when another agent of the room started it already. Resolves once
   * the first tools are known or the first attempt failed; a source that cannot be reached keeps
   * trying by itself and reports it, so an agent never fails to start because of one.
   */
  start(context: ToolSourceContext): Promise<void>;
  /** Calls `listener` whenever `tools` changed. Returns the function that unsubscribes. */
  onToolsChanged(listener: () => void): () => void;
  /** Leaves the source; the last agent to leave releases every process, socket and timer it holds. */
  close(): Promise<void>;
}

export interface ToolSourceContext {
  /** Backoff and timeouts run on the agent's clock. */
  readonly clock: ChorusClock;
  /** Problems clients should hear of (a crash, a restart, a tool left out); never fatal. */
  readonly report: (problem: ToolSourceProblem) => void;
}

export interface ToolSourceProblem {
  /** e.g. `tool_source_crashed`, `tool_source_unreachable`, `tool_dropped`. */
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * An agent's own tools followed by its sources' tools. Own tools win a name clash, then the earlier
 * source; the losers are named in `dropped` so the agent can say why a tool is missing.
 */
export function mergeSourceTools(
  own: readonly AnyTool[],
  sources: readonly ToolSource[],
): { tools: readonly AnyTool[]; dropped: readonly string[] } {
  if (sources.length === 0) return { tools: own, dropped: [] };
  const names = new Set(own.map((t) => t.name));
  const tools = [...own];
  const dropped: string[] = [];
  for (const source of sources) {
    for (const t of source.tools) {
      if (names.has(t.name)) {
        dropped.push(`${t.name} from ${source.name}`);
        continue;
      }
      names.add(t.name);
      tools.push(t);
    }
  }
  return { tools, dropped };
}

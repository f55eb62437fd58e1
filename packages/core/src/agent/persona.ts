import type { ToolDefinition } from '../model/realtime-model.js';
import type { AnyTool } from '../tools/tool.js';
import type { ToolSource } from '../tools/tool-source.js';

// What tools, handoffs, guardrails and sessions need to know of an agent: who it is and what it
// offers. `RealtimeAgent` implements it; nothing below the agent depends on the agent class, so
// a low-level concept cannot reach `stop()` or the agent's wiring.
//
// `Persona` and `Handoff` refer to each other (a persona offers handoffs, a handoff leads to a
// persona), so both live here.

/** An agent as a persona: the part a handoff swaps into the session on the same connection. */
export interface Persona {
  /** The name the model, clients and other room members know the agent by. */
  readonly name: string;
  readonly instructions: string;
  readonly voice: string | undefined;
  /** Its tools now: its own, then its tool sources'. */
  readonly tools: readonly AnyTool[];
  /** The handoffs it offers. */
  readonly handoffs: readonly Handoff[];
  /** Sources (MCP servers) whose tools join `tools` while the agent runs. */
  readonly mcpServers: readonly ToolSource[];
}

/**
 * A handoff: to the model, a tool with no arguments named `transfer_to_<name>`. Inside one agent,
 * calling it swaps instructions, tools and voice with one session update on the same connection;
 * in a room where the target is another member, it passes the floor to that member instead.
 */
export interface Handoff {
  readonly kind: 'handoff';
  readonly agent: Persona;
  readonly toolName: string;
  readonly description: string;
  readonly definition: ToolDefinition;
}

/** Tells a handoff from a persona in a list of handoff targets. */
export function isHandoff(target: Persona | Handoff): target is Handoff {
  return (target as Partial<Handoff>).kind === 'handoff';
}

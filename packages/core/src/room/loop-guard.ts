/** How many agent turns a room allows between two user inputs unless told otherwise. */
export const DEFAULT_MAX_AGENT_TURNS = 6;

/** What the loop guard decided about agents asked to answer another agent. */
export interface LoopGuardVerdict {
  /** The agents that may answer, in the order asked. */
  readonly granted: readonly string[];
  /** The agents refused because the budget ran out. */
  readonly refused: readonly string[];
  /** Agent turns used since the last user input, after this verdict. */
  readonly agentTurns: number;
}

/**
 * Caps agent-to-agent turns: each agent asked to answer another agent (or taking the floor by a
 * handoff) spends one turn of the budget; user input resets it. Without the cap two polite agents
 * thank each other forever.
 */
export function applyLoopGuard(
  agentTurns: number,
  maxAgentTurns: number,
  requested: readonly string[],
): LoopGuardVerdict {
  const budget = Math.max(0, maxAgentTurns - agentTurns);
  const granted = requested.slice(0, budget);
  return { granted, refused: requested.slice(budget), agentTurns: agentTurns + granted.length };
}

import type { Handoff, Persona } from '../agent/persona.js';

export type { Handoff } from '../agent/persona.js';

export interface HandoffOptions {
  /** The agent to hand the conversation to. */
  readonly agent: Persona;
  /** Defaults to `transfer_to_<snake_case name>`. */
  readonly toolName?: string;
  /** What the model reads to decide when to hand off. */
  readonly description?: string;
}

/** Creates a {@link Handoff} to another agent. */
export function handoff(target: Persona | HandoffOptions): Handoff {
  const options: HandoffOptions = 'agent' in target ? target : { agent: target };
  const { agent } = options;
  const toolName = options.toolName ?? handoffToolName(agent.name);
  const description =
    options.description ??
    `Transfer the conversation to ${agent.name}. Call it when ${agent.name} should take over.`;
  return {
    kind: 'handoff',
    agent,
    toolName,
    description,
    definition: {
      name: toolName,
      description,
      parameters: { type: 'object', properties: {}, additionalProperties: false },
    },
  };
}

/** `Billing Agent` -> `transfer_to_billing_agent`; `billingAgent` -> `transfer_to_billing_agent`. */
export function handoffToolName(agentName: string): string {
  const snake = agentName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `transfer_to_${snake || 'agent'}`.slice(0, 64);
}

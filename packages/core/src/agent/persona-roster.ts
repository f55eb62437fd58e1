import type { AnyTool } from '../tools/tool.js';
import type { Persona } from './persona.js';

/** A tool and the persona that offers it (the tool runs for that persona). */
export interface FoundTool {
  readonly tool: AnyTool;
  readonly persona: Persona;
}

/**
 * The personas one agent can become through handoffs, by name: the agent itself and every agent
 * reachable through handoffs (cycles allowed). Which one is in charge is the actor's business
 * (`persona` in its context); the roster only resolves the name and finds tools across personas.
 */
export class PersonaRoster {
  private personas = new Map<string, Persona>();

  constructor(
    private readonly root: Persona,
    private readonly activeName: () => string | undefined,
  ) {}

  /** Walks the handoff graph from the root, once per start. */
  collect(): void {
    const queue: Persona[] = [this.root];
    this.personas = new Map();
    for (let agent = queue.shift(); agent; agent = queue.shift()) {
      if (this.personas.has(agent.name)) continue;
      this.personas.set(agent.name, agent);
      for (const h of agent.handoffs) queue.push(h.agent);
    }
  }

  /** Every persona collected. */
  all(): Persona[] {
    return [...this.personas.values()];
  }

  get(name: string): Persona | undefined {
    return this.personas.get(name);
  }

  /** Keeps a target met at call time (a handoff list given as a function may change). */
  include(agent: Persona): void {
    this.personas.set(agent.name, this.personas.get(agent.name) ?? agent);
  }

  /** The persona in charge (the root until a handoff happens). */
  current(): Persona {
    return this.personas.get(this.activeName() ?? this.root.name) ?? this.root;
  }

  findTool(name: string): FoundTool | undefined {
    const persona = this.current();
    const own = persona.tools.find((t) => t.name === name);
    if (own) return { tool: own, persona };
    // A call made just before a handoff still runs with the tool of the persona that offered it.
    for (const other of this.personas.values()) {
      const found = other.tools.find((t) => t.name === name);
      if (found) return { tool: found, persona: other };
    }
    return undefined;
  }
}

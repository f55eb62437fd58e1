interface StateNodeLike {
  readonly id?: unknown;
  readonly states?: Record<string, StateNodeLike>;
  readonly always?: readonly {
    readonly target?: readonly { readonly id?: unknown }[];
    readonly guard?: unknown;
  }[];
}

function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') {
    return (guard as { type: string }).type;
  }
  return undefined;
}

/**
 * XState's resolved `machine.definition` leaves out eventless (`always`) transitions, so a chart built
 * from it would not draw them. This copies each state node's `always` transitions into its definition,
 * in the definition's own shape (targets as `#id`s, event type '').
 */
export function withEventlessTransitions(definition: unknown, node: unknown): unknown {
  if (!definition || typeof definition !== 'object' || !node || typeof node !== 'object') return definition;
  const state = node as StateNodeLike;
  const out: Record<string, unknown> = { ...(definition as Record<string, unknown>) };
  if (state.always && state.always.length > 0) {
    out.always = state.always.map((t) => ({
      target: (t.target ?? []).map((s) => `#${String(s.id)}`),
      source: `#${String(state.id)}`,
      eventType: '',
      ...(guardName(t.guard) !== undefined ? { guard: { type: guardName(t.guard) } } : {}),
    }));
  }
  const states = out.states;
  if (states && typeof states === 'object' && state.states) {
    const copied: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(states as Record<string, unknown>)) {
      copied[key] = withEventlessTransitions(child, state.states[key]);
    }
    out.states = copied;
  }
  return out;
}

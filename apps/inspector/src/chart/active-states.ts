import type { Chart } from './chart-model.js';

/**
 * The ids of the states active in a snapshot `value` (`'idle'`, `{ session: 'listening' }`, or a
 * parallel `{ a: 'x', b: { c: 'y' } }`), ancestors included, root excluded. Keys the chart does not
 * know are ignored, so a stale definition never breaks the lit states.
 */
export function activeStateIds(chart: Chart, value: unknown): Set<string> {
  const active = new Set<string>();
  const walk = (parentId: string, v: unknown) => {
    const parent = chart.states.get(parentId);
    if (!parent) return;
    const enter = (key: string, sub: unknown) => {
      const childId = parent.children.find((id) => chart.states.get(id)?.key === key);
      if (childId === undefined) return;
      active.add(childId);
      walk(childId, sub);
    };
    if (typeof v === 'string') enter(v, undefined);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [key, sub] of Object.entries(v)) enter(key, sub);
    }
  };
  walk(chart.rootId, value);
  return active;
}

/** The innermost active states: what a person reads as "the state it is in". */
export function activeLeaves(chart: Chart, active: ReadonlySet<string>): string[] {
  return [...active].filter((id) => !chart.states.get(id)?.children.some((child) => active.has(child)));
}

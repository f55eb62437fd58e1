/**
 * Renders an XState machine definition as a Mermaid `stateDiagram-v2`, so the charts in the
 * documentation are generated from the machines themselves and cannot drift from them.
 */

/** The parts of an XState v5 state node definition the chart needs (`machine.definition`). */
export interface ChartStateNode {
  readonly id: string;
  readonly key: string;
  readonly type: string;
  readonly initial?: { readonly target?: readonly ChartTarget[] } | undefined;
  readonly states?: { readonly [key: string]: ChartStateNode };
  readonly transitions?: readonly ChartTransition[];
  readonly always?: readonly ChartTransition[] | undefined;
}

export interface ChartTransition {
  readonly eventType: string;
  readonly target?: readonly ChartTarget[] | undefined;
  readonly guard?: unknown;
}

type ChartTarget = string | { readonly id: string };

/** Anything with an XState v5 `definition` (a machine). */
export interface ChartableMachine {
  readonly definition: unknown;
}

/** Returns the Mermaid source of the machine's chart: nested states, labelled transitions, initial states. */
export function machineToMermaid(machine: ChartableMachine): string {
  const root = machine.definition as ChartStateNode;
  const lines = ['stateDiagram-v2'];
  renderChildren(root, lines, '  ');
  return lines.join('\n');
}

function renderChildren(node: ChartStateNode, lines: string[], indent: string): void {
  const children = Object.values(node.states ?? {});
  const initial = targetId(node.initial?.target?.[0]);
  if (initial) lines.push(`${indent}[*] --> ${nodeName(initial)}`);
  for (const child of children) {
    if (child.states && Object.keys(child.states).length > 0) {
      lines.push(`${indent}state "${child.key}" as ${nodeName(child.id)} {`);
      renderChildren(child, lines, `${indent}  `);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${child.key}" as ${nodeName(child.id)}`);
    }
    if (child.type === 'final') lines.push(`${indent}${nodeName(child.id)} --> [*]`);
  }
  for (const child of children) {
    for (const line of transitionLines(child)) lines.push(`${indent}${line}`);
  }
}

function transitionLines(node: ChartStateNode): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const all = [...(node.transitions ?? []), ...(node.always ?? [])];
  for (const transition of all) {
    for (const target of transition.target ?? []) {
      const to = targetId(target);
      if (!to || to === node.id) continue;
      const label = eventLabel(transition);
      const line = `${nodeName(node.id)} --> ${nodeName(to)}${label ? ` : ${label}` : ''}`;
      if (seen.has(line)) continue;
      seen.add(line);
      out.push(line);
    }
  }
  return out;
}

function eventLabel(transition: ChartTransition): string {
  let label = transition.eventType ?? '';
  const after = /^xstate\.after\.([^.]+)\./.exec(label);
  if (after) label = `after ${after[1]}`;
  else if (label.startsWith('xstate.done.actor.')) label = `done ${label.slice('xstate.done.actor.'.length)}`;
  else if (label.startsWith('xstate.error.actor.'))
    label = `error ${label.slice('xstate.error.actor.'.length)}`;
  else if (label === '') label = 'always';
  const guard = guardName(transition.guard);
  // Mermaid treats ':' and ';' as syntax inside labels.
  return `${label}${guard ? ` [${guard}]` : ''}`.replace(/[:;]/g, ' ');
}

function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string')
    return guard.type;
  return undefined;
}

function targetId(target: ChartTarget | undefined): string | undefined {
  if (target === undefined) return undefined;
  const id = typeof target === 'string' ? target : target.id;
  return id.startsWith('#') ? id.slice(1) : id;
}

function nodeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}

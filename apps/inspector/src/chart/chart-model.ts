/**
 * A state chart built from a machine definition, in a shape the layout and the renderer share.
 *
 * Two input shapes are accepted, because two producers send definitions:
 * - the resolved definition XState exposes as `machine.definition` (what `@chorus/inspector` sends):
 *   every node has its full `id`, transitions live in `on` as arrays whose `target` lists `#id`s
 *   (or state-node objects with an `id`, when the producer did not call `toJSON`);
 * - the raw machine config (what `@statelyai/inspect` sends as `definition`): targets are sibling keys,
 *   `.child` paths or `#id`s, and delayed, eventless and done transitions sit in `after`, `always`,
 *   `onDone` and `invoke`.
 */

export type ChartStateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface ChartState {
  readonly id: string;
  readonly key: string;
  readonly type: ChartStateType;
  readonly parentId: string | undefined;
  readonly children: string[];
  /** Id of the initial child, for compound states. */
  initial: string | undefined;
  /** Ids of the actors this state invokes. */
  readonly invokes: string[];
  readonly depth: number;
}

export interface ChartTransition {
  readonly id: string;
  readonly source: string;
  readonly targets: readonly string[];
  /** The event type as XState names it (`''` for eventless transitions). */
  readonly event: string;
  readonly label: string;
  readonly guard: string | undefined;
}

export interface Chart {
  readonly rootId: string;
  readonly states: ReadonlyMap<string, ChartState>;
  /** Transitions with at least one resolved target (targetless ones draw no edge). */
  readonly transitions: readonly ChartTransition[];
}

const STATE_TYPES = new Set<ChartStateType>(['atomic', 'compound', 'parallel', 'final', 'history']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A short label for an XState event type: `after 500ms`, `done: fetch`, `always`. */
export function eventLabel(event: string): string {
  if (event === '') return 'always';
  const after = /^xstate\.after\.([^.]+)\./.exec(event);
  if (after?.[1] !== undefined) return /^\d+$/.test(after[1]) ? `after ${after[1]}ms` : `after ${after[1]}`;
  if (event.startsWith('xstate.done.state.')) return 'done';
  if (event.startsWith('xstate.done.actor.')) return `done: ${event.slice('xstate.done.actor.'.length)}`;
  if (event.startsWith('xstate.error.actor.')) return `error: ${event.slice('xstate.error.actor.'.length)}`;
  return event;
}

function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard;
  if (isObject(guard) && typeof guard.type === 'string') return guard.type;
  return undefined;
}

interface RawTransition {
  readonly source: string;
  readonly event: string;
  readonly label: string;
  readonly guard: string | undefined;
  readonly targets: unknown[];
}

/**
 * Builds a chart from a machine definition (resolved or raw config). Never throws: parts it cannot
 * read are left out, and a definition that is not an object gives a chart with one state.
 */
export function buildChart(definition: unknown, fallbackId = 'machine'): Chart {
  const states = new Map<string, ChartState>();
  const raw: RawTransition[] = [];
  const pendingInitial = new Map<string, unknown>();
  const root = isObject(definition) ? definition : {};
  const rootId = typeof root.id === 'string' && root.id !== '' ? root.id : fallbackId;

  const visit = (node: Json, id: string, key: string, parentId: string | undefined, depth: number) => {
    const childEntries = isObject(node.states)
      ? Object.entries(node.states).filter((entry): entry is [string, Json] => isObject(entry[1]))
      : [];
    const declared = typeof node.type === 'string' ? (node.type as ChartStateType) : undefined;
    const type: ChartStateType =
      declared && STATE_TYPES.has(declared) ? declared : childEntries.length > 0 ? 'compound' : 'atomic';
    const state: ChartState = {
      id,
      key,
      type,
      parentId,
      children: [],
      initial: undefined,
      invokes: [],
      depth,
    };
    states.set(id, state);
    if (node.initial !== undefined) pendingInitial.set(id, node.initial);
    collectTransitions(node, id, raw, state.invokes);
    for (const [childKey, child] of childEntries) {
      const childId = typeof child.id === 'string' && child.id !== '' ? child.id : `${id}.${childKey}`;
      if (states.has(childId)) continue;
      state.children.push(childId);
      visit(child, childId, childKey, id, depth + 1);
    }
  };
  visit(root, rootId, rootId, undefined, 0);

  for (const [id, initial] of pendingInitial) {
    const state = states.get(id);
    if (!state || state.children.length === 0) continue;
    const target = isObject(initial) ? toArray(initial.target)[0] : initial;
    const resolved = target === undefined ? undefined : resolveTarget(states, state.id, target, true);
    state.initial = resolved && state.children.includes(resolved) ? resolved : undefined;
  }

  const transitions: ChartTransition[] = [];
  for (const t of raw) {
    const targets = t.targets
      .map((target) => resolveTarget(states, t.source, target, false))
      .filter((target): target is string => target !== undefined);
    if (targets.length === 0) continue;
    transitions.push({
      id: `${t.source}:${transitions.length}`,
      source: t.source,
      targets,
      event: t.event,
      label: t.label,
      guard: t.guard,
    });
  }
  return { rootId, states, transitions };
}

function collectTransitions(node: Json, source: string, out: RawTransition[], invokes: string[]): void {
  const add = (event: string, config: unknown, label = eventLabel(event)) => {
    for (const item of toArray(config)) {
      if (typeof item === 'string') {
        out.push({ source, event, label, guard: undefined, targets: [item] });
      } else if (isObject(item)) {
        out.push({ source, event, label, guard: guardName(item.guard), targets: toArray(item.target) });
      }
    }
  };
  const on = isObject(node.on) ? node.on : {};
  for (const [event, config] of Object.entries(on)) add(event, config);
  if (node.always !== undefined) add('', node.always);
  if (isObject(node.after)) {
    for (const [delay, config] of Object.entries(node.after)) {
      add(`xstate.after.${delay}.${source}`, config);
    }
  }
  if (node.onDone !== undefined) add(`xstate.done.state.${source}`, node.onDone);
  toArray(node.invoke).forEach((invoke, index) => {
    if (!isObject(invoke)) return;
    const invokeId = typeof invoke.id === 'string' ? invoke.id : `${source}:invocation[${index}]`;
    const src =
      typeof invoke.src === 'string' ? invoke.src : isObject(invoke.src) ? invoke.src.type : undefined;
    invokes.push(typeof src === 'string' && src !== invokeId ? `${invokeId} (${src})` : invokeId);
    // The resolved form already lists these under `on` as `xstate.done.actor.<id>`.
    const done = `xstate.done.actor.${invokeId}`;
    const error = `xstate.error.actor.${invokeId}`;
    if (invoke.onDone !== undefined && !(done in on)) add(done, invoke.onDone);
    if (invoke.onError !== undefined && !(error in on)) add(error, invoke.onError);
  });
}

function childByPath(
  states: ReadonlyMap<string, ChartState>,
  fromId: string,
  path: string,
): string | undefined {
  let current = states.get(fromId);
  for (const key of path.split('.')) {
    if (!current) return undefined;
    const childId: string | undefined = current.children.find((id) => states.get(id)?.key === key);
    current = childId === undefined ? undefined : states.get(childId);
  }
  return current?.id;
}

/**
 * Resolves one transition target to a state id: `#id`, a state-node object with an `id`, `.child`
 * (a descendant of the source) or `sibling.child` (relative to the source's parent). For `initial`,
 * a bare key names a child of the state itself.
 */
function resolveTarget(
  states: ReadonlyMap<string, ChartState>,
  source: string,
  target: unknown,
  isInitial: boolean,
): string | undefined {
  if (isObject(target) && typeof target.id === 'string') return states.has(target.id) ? target.id : undefined;
  if (typeof target !== 'string' || target === '' || target.startsWith('[')) return undefined;
  if (target.startsWith('#')) {
    const id = target.slice(1);
    if (states.has(id)) return id;
    // `#machine.a.b` where the first segment is a custom id: walk the rest as keys.
    const dot = id.indexOf('.');
    return dot > 0 && states.has(id.slice(0, dot))
      ? childByPath(states, id.slice(0, dot), id.slice(dot + 1))
      : undefined;
  }
  if (target.startsWith('.')) return childByPath(states, source, target.slice(1));
  if (isInitial) return childByPath(states, source, target);
  const parent = states.get(source)?.parentId;
  return parent === undefined ? undefined : childByPath(states, parent, target);
}

/** The ids of `id` and all its ancestors, innermost first. */
export function ancestry(chart: Chart, id: string): string[] {
  const out: string[] = [];
  let current = chart.states.get(id);
  while (current) {
    out.push(current.id);
    current = current.parentId === undefined ? undefined : chart.states.get(current.parentId);
  }
  return out;
}

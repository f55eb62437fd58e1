import dagre from '@dagrejs/dagre';
import type { Chart } from './chart-model.js';

/** One drawn edge: every transition between the same two states, merged so labels do not pile up. */
export interface ChartEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
  readonly transitionIds: readonly string[];
}

/** A state box; `x`/`y` are relative to the parent box (or the canvas for top-level states). */
export interface LaidOutState {
  readonly id: string;
  readonly parentId: string | undefined;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An edge with its route on the canvas (absolute coordinates) and where its label goes. */
export interface RoutedEdge extends ChartEdge {
  readonly points: readonly Point[];
  readonly labelAt: Point;
}

export interface ChartLayout {
  readonly states: readonly LaidOutState[];
  readonly edges: readonly RoutedEdge[];
  /** Everything drawn, in canvas coordinates (routes and labels may reach outside the boxes). */
  readonly bounds: {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
  };
}

/** Sizes used for boxes and labels; exported so tests and the renderer agree. */
export const LAYOUT_METRICS = {
  charWidth: 7.2,
  atomicHeight: 38,
  minAtomicWidth: 96,
  padX: 16,
  headerHeight: 34,
  padBottom: 16,
  labelHeight: 18,
  rankSep: 46,
  nodeSep: 28,
} as const;

/** Merges transitions with the same source and target into one edge whose label lists their events. */
export function chartEdges(chart: Chart): ChartEdge[] {
  const edges = new Map<string, { source: string; target: string; labels: string[]; ids: string[] }>();
  for (const t of chart.transitions) {
    for (const target of t.targets) {
      if (target === t.source) continue;
      const key = `${t.source}->${target}`;
      let edge = edges.get(key);
      if (!edge) {
        edge = { source: t.source, target, labels: [], ids: [] };
        edges.set(key, edge);
      }
      if (!edge.labels.includes(t.label)) edge.labels.push(t.label);
      edge.ids.push(t.id);
    }
  }
  return [...edges.entries()].map(([id, e]) => ({
    id,
    source: e.source,
    target: e.target,
    label: e.labels.join(' · '),
    transitionIds: e.ids,
  }));
}

function textWidth(text: string): number {
  return text.length * LAYOUT_METRICS.charWidth;
}

/**
 * Lays a chart out with dagre, one compound state at a time, innermost first: each compound state's
 * children are ranked by the edges between them (edges between deeper states are lifted to the
 * children that contain them), and the compound's box is sized to fit. Dagre's own compound mode is
 * not used because it cannot route edges that end on a compound node, which charts have everywhere.
 */
export function layoutChart(chart: Chart): ChartLayout {
  const edges = chartEdges(chart);
  const placed = new Map<string, LaidOutState>();
  // Each edge is routed once, by dagre, in the innermost state containing both ends (their lowest
  // common ancestor); the route is in that container's inner coordinates until made absolute below.
  const routes = new Map<string, { container: string; points: Point[]; label: Point | undefined }>();
  const sizes = new Map<string, { width: number; height: number }>();
  const m = LAYOUT_METRICS;

  // The child of `containerId` that contains `id` (or is it), if any.
  const childOf = (containerId: string, id: string): string | undefined => {
    let current = chart.states.get(id);
    while (current && current.parentId !== containerId) {
      current = current.parentId === undefined ? undefined : chart.states.get(current.parentId);
    }
    return current?.id;
  };

  const layOut = (containerId: string): { width: number; height: number } => {
    const container = chart.states.get(containerId);
    const children = container?.children ?? [];
    for (const child of children) {
      const state = chart.states.get(child);
      if (state && state.children.length > 0) sizes.set(child, layOut(child));
      else
        sizes.set(child, {
          width: Math.max(m.minAtomicWidth, textWidth(state?.key ?? child) + 32),
          height: m.atomicHeight,
        });
    }
    const graph = new dagre.graphlib.Graph({ multigraph: true });
    graph.setGraph({
      rankdir: 'TB',
      ranksep: m.rankSep,
      nodesep: m.nodeSep,
      edgesep: 12,
      marginx: 0,
      marginy: 0,
    });
    graph.setDefaultEdgeLabel(() => ({}));
    for (const child of children) {
      const size = sizes.get(child) ?? { width: m.minAtomicWidth, height: m.atomicHeight };
      graph.setNode(child, { width: size.width, height: size.height });
    }
    for (const edge of edges) {
      const from = childOf(containerId, edge.source);
      const to = childOf(containerId, edge.target);
      if (from === undefined || to === undefined || from === to) continue;
      graph.setEdge(
        from,
        to,
        { width: Math.min(textWidth(edge.label), 220), height: m.labelHeight, labelpos: 'c', minlen: 1 },
        edge.id,
      );
    }
    if (children.length > 0) dagre.layout(graph);
    const inner = containerId === chart.rootId ? { x: 0, y: 0 } : { x: m.padX, y: m.headerHeight };
    for (const e of graph.edges()) {
      const label = graph.edge(e) as { points?: Point[]; x?: number; y?: number } | undefined;
      if (e.name === undefined || !label?.points) continue;
      routes.set(e.name, {
        container: containerId,
        points: label.points.map((p) => ({ x: p.x + inner.x, y: p.y + inner.y })),
        label:
          label.x !== undefined && label.y !== undefined
            ? { x: label.x + inner.x, y: label.y + inner.y }
            : undefined,
      });
    }
    let width = 0;
    let height = 0;
    for (const child of children) {
      const node = graph.node(child) as { x: number; y: number; width: number; height: number } | undefined;
      const size = sizes.get(child) ?? { width: m.minAtomicWidth, height: m.atomicHeight };
      const left = (node?.x ?? size.width / 2) - size.width / 2;
      const top = (node?.y ?? size.height / 2) - size.height / 2;
      width = Math.max(width, left + size.width);
      height = Math.max(height, top + size.height);
      placed.set(child, {
        id: child,
        parentId: containerId === chart.rootId ? undefined : containerId,
        x: left + (containerId === chart.rootId ? 0 : m.padX),
        y: top + (containerId === chart.rootId ? 0 : m.headerHeight),
        width: size.width,
        height: size.height,
      });
    }
    const title = textWidth(container?.key ?? '') + 2 * m.padX;
    return {
      width: Math.max(width + 2 * m.padX, title, m.minAtomicWidth),
      height: height + m.headerHeight + m.padBottom,
    };
  };

  layOut(chart.rootId);
  // Parents before children: the renderer needs a parent node to exist before its children.
  const states: LaidOutState[] = [];
  const add = (id: string) => {
    const state = placed.get(id);
    if (state) states.push(state);
    for (const child of chart.states.get(id)?.children ?? []) add(child);
  };
  add(chart.rootId);

  const absolute = new Map<string, Point>();
  for (const state of states) {
    const parent =
      state.parentId === undefined ? { x: 0, y: 0 } : (absolute.get(state.parentId) ?? { x: 0, y: 0 });
    absolute.set(state.id, { x: parent.x + state.x, y: parent.y + state.y });
  }
  const box = (id: string) => {
    const at = absolute.get(id) ?? { x: 0, y: 0 };
    const state = placed.get(id);
    return { x: at.x, y: at.y, width: state?.width ?? 0, height: state?.height ?? 0 };
  };
  const routed: RoutedEdge[] = edges.map((edge) => {
    const source = box(edge.source);
    const target = box(edge.target);
    const route = routes.get(edge.id);
    if (!route || route.points.length < 2) {
      // A parent's transition to its own descendant: from the parent's title line to the child's top,
      // labelled on the title line.
      const title = textWidth(chart.states.get(edge.source)?.key ?? '');
      const from = { x: source.x + m.padX + title + 12, y: source.y + m.headerHeight / 2 };
      const to = { x: target.x + target.width / 2, y: target.y };
      return {
        ...edge,
        points: [from, to],
        labelAt: { x: from.x + textWidth(edge.label) / 2 + 4, y: from.y },
      };
    }
    const origin =
      route.container === chart.rootId ? { x: 0, y: 0 } : (absolute.get(route.container) ?? { x: 0, y: 0 });
    const points = route.points.map((p) => ({ x: p.x + origin.x, y: p.y + origin.y }));
    // Dagre ends the route on the boxes it laid out; when those were ancestors of the real ends, start and
    // end on the real states instead.
    const second = points[1] as Point;
    const penultimate = points[points.length - 2] as Point;
    points[0] = clipToBox(source, second);
    points[points.length - 1] = clipToBox(target, penultimate);
    const labelAt = route.label
      ? { x: route.label.x + origin.x, y: route.label.y + origin.y }
      : (points[Math.floor(points.length / 2)] as Point);
    return { ...edge, points, labelAt };
  });
  const titles = states
    .filter((state) => (chart.states.get(state.id)?.children.length ?? 0) > 0)
    .map((state) => {
      const at = absolute.get(state.id) ?? { x: 0, y: 0 };
      const key = chart.states.get(state.id)?.key ?? '';
      return { x: at.x, y: at.y, width: m.padX + textWidth(key) + 70, height: m.headerHeight };
    });
  // Simple states' boxes carry their names: a transition label must not cover those either.
  const leaves = states
    .filter((state) => (chart.states.get(state.id)?.children.length ?? 0) === 0)
    .map((state) => {
      const at = absolute.get(state.id) ?? { x: 0, y: 0 };
      return { x: at.x, y: at.y, width: state.width, height: state.height };
    });
  const separated = separateLabels(routed, [...titles, ...leaves]);
  return { states, edges: separated, bounds: boundsOf(states, absolute, separated) };
}

type Box = { x: number; y: number; width: number; height: number };

function labelBox(edge: RoutedEdge, at: Point = edge.labelAt): Box {
  const width = textWidth(edge.label) + 8;
  const height = LAYOUT_METRICS.labelHeight;
  return { x: at.x - width / 2, y: at.y - height / 2, width, height };
}

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Moves transition labels that would cover another label, a simple state or a compound state's title down until
 * they are clear: dagre places each label on its own route and knows nothing of the others once
 * routes of nested charts are joined, so labels of neighbouring edges can land on one another.
 */
export function separateLabels(edges: readonly RoutedEdge[], titles: readonly Box[]): RoutedEdge[] {
  const placed: Box[] = [...titles];
  const order = [...edges.keys()].sort(
    (a, b) => (edges[a] as RoutedEdge).labelAt.y - (edges[b] as RoutedEdge).labelAt.y,
  );
  const result = [...edges];
  for (const index of order) {
    const edge = edges[index] as RoutedEdge;
    if (edge.label === '') continue;
    let at = edge.labelAt;
    for (let attempt = 0; attempt < 50; attempt++) {
      const box = labelBox(edge, at);
      const blocker = placed.find((other) => intersects(box, other));
      if (!blocker) break;
      at = { x: at.x, y: blocker.y + blocker.height + box.height / 2 + 2 };
    }
    placed.push(labelBox(edge, at));
    result[index] = { ...edge, labelAt: at };
  }
  return result;
}

/** The extent of everything drawn: boxes, routes and labels, so the view can fit all of it. */
function boundsOf(
  states: readonly LaidOutState[],
  absolute: ReadonlyMap<string, Point>,
  edges: readonly RoutedEdge[],
): { x: number; y: number; width: number; height: number } {
  let minX = 0;
  let minY = 0;
  let maxX = 0;
  let maxY = 0;
  const take = (x: number, y: number) => {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  };
  for (const state of states) {
    const at = absolute.get(state.id) ?? { x: 0, y: 0 };
    take(at.x, at.y);
    take(at.x + state.width, at.y + state.height);
  }
  for (const edge of edges) {
    for (const p of edge.points) take(p.x, p.y);
    const half = Math.min(textWidth(edge.label), 220) / 2 + 6;
    take(edge.labelAt.x - half, edge.labelAt.y - LAYOUT_METRICS.labelHeight);
    take(edge.labelAt.x + half, edge.labelAt.y + LAYOUT_METRICS.labelHeight);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** Where the segment from the box's centre toward `toward` leaves the box. */
export function clipToBox(
  box: { x: number; y: number; width: number; height: number },
  toward: Point,
): Point {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const dx = toward.x - cx;
  const dy = toward.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const scaleX = dx === 0 ? Number.POSITIVE_INFINITY : box.width / 2 / Math.abs(dx);
  const scaleY = dy === 0 ? Number.POSITIVE_INFINITY : box.height / 2 / Math.abs(dy);
  const scale = Math.min(scaleX, scaleY, 1);
  return { x: cx + dx * scale, y: cy + dy * scale };
}

/**
 * An SVG path through `points` as a uniform cubic B-spline (the curve dagre's own renderers use): it
 * starts and ends on the first and last points and bends smoothly near the others.
 */
export function splinePath(points: readonly Point[]): string {
  const f = (n: number) => Math.round(n * 10) / 10;
  const [first, second] = points;
  if (!first) return '';
  if (!second) return `M${f(first.x)},${f(first.y)}`;
  if (points.length === 2) return `M${f(first.x)},${f(first.y)}L${f(second.x)},${f(second.y)}`;
  let d = `M${f(first.x)},${f(first.y)}`;
  let p0 = first;
  let p1 = second;
  d += `L${f((5 * p0.x + p1.x) / 6)},${f((5 * p0.y + p1.y) / 6)}`;
  const curve = (a: Point, b: Point, c: Point) =>
    `C${f((2 * a.x + b.x) / 3)},${f((2 * a.y + b.y) / 3)} ${f((a.x + 2 * b.x) / 3)},${f((a.y + 2 * b.y) / 3)} ${f(
      (a.x + 4 * b.x + c.x) / 6,
    )},${f((a.y + 4 * b.y + c.y) / 6)}`;
  for (const p of points.slice(2)) {
    d += curve(p0, p1, p);
    p0 = p1;
    p1 = p;
  }
  d += curve(p0, p1, p1);
  d += `L${f(p1.x)},${f(p1.y)}`;
  return d;
}

import { describe, expect, it } from 'vitest';
import {
  chartEdges,
  clipToBox,
  LAYOUT_METRICS,
  type LaidOutState,
  layoutChart,
  splinePath,
} from './chart-layout.js';
import { buildChart } from './chart-model.js';

const chart = buildChart({
  id: 'agent',
  initial: 'idle',
  states: {
    idle: { on: { start: 'session', stop: 'stopped' } },
    session: {
      initial: 'connecting',
      on: { stop: '.stopping' },
      states: {
        connecting: { on: { connected: 'listening' } },
        listening: { on: { response_created: 'responding' } },
        responding: {
          on: { response_done: 'listening', input_started: 'interrupted', cancel: 'interrupted' },
        },
        interrupted: { on: { response_done: 'listening' } },
        stopping: {},
      },
      onDone: 'stopped',
    },
    stopped: {},
  },
});

function overlaps(a: LaidOutState, b: LaidOutState): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('layoutChart', () => {
  const layout = layoutChart(chart);
  const byId = new Map(layout.states.map((s) => [s.id, s]));

  it('places every state but the root, parents before their children', () => {
    expect(layout.states.map((s) => s.id)).toEqual([
      'agent.idle',
      'agent.session',
      'agent.session.connecting',
      'agent.session.listening',
      'agent.session.responding',
      'agent.session.interrupted',
      'agent.session.stopping',
      'agent.stopped',
    ]);
    expect(byId.get('agent.session.listening')?.parentId).toBe('agent.session');
    expect(byId.get('agent.idle')?.parentId).toBeUndefined();
  });

  it('keeps children inside their parent box, below its title, and siblings apart', () => {
    const session = byId.get('agent.session') as LaidOutState;
    const children = layout.states.filter((s) => s.parentId === 'agent.session');
    for (const child of children) {
      expect(child.x).toBeGreaterThanOrEqual(LAYOUT_METRICS.padX);
      expect(child.y).toBeGreaterThanOrEqual(LAYOUT_METRICS.headerHeight);
      expect(child.x + child.width).toBeLessThanOrEqual(session.width + 0.001);
      expect(child.y + child.height).toBeLessThanOrEqual(session.height + 0.001);
    }
    for (const [i, a] of children.entries()) {
      for (const b of children.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
    }
    const top = layout.states.filter((s) => s.parentId === undefined);
    for (const [i, a] of top.entries()) for (const b of top.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
  });

  it('ranks states along their transitions: idle above session above stopped', () => {
    const y = (id: string) => byId.get(id)?.y ?? Number.NaN;
    expect(y('agent.idle')).toBeLessThan(y('agent.session'));
    expect(y('agent.session')).toBeLessThan(y('agent.stopped'));
    expect(y('agent.session.connecting')).toBeLessThan(y('agent.session.listening'));
  });

  it('merges transitions between the same two states into one labelled edge', () => {
    const edges = chartEdges(chart);
    const toInterrupted = edges.filter((e) => e.target === 'agent.session.interrupted');
    expect(toInterrupted).toHaveLength(1);
    expect(toInterrupted[0]?.label).toBe('input_started · cancel');
    expect(toInterrupted[0]?.transitionIds).toHaveLength(2);
    expect(edges).toHaveLength(9);
  });
});

describe('edge routes', () => {
  const layout = layoutChart(chart);

  it('routes every edge and starts and ends it on the borders of its own states', () => {
    const abs = new Map<string, { x: number; y: number; width: number; height: number }>();
    for (const s of layout.states) {
      const parent = s.parentId ? abs.get(s.parentId) : undefined;
      abs.set(s.id, {
        x: (parent?.x ?? 0) + s.x,
        y: (parent?.y ?? 0) + s.y,
        width: s.width,
        height: s.height,
      });
    }
    const onBorder = (p: { x: number; y: number }, id: string) => {
      const b = abs.get(id);
      if (!b) return false;
      const near = (a: number, c: number) => Math.abs(a - c) < 0.5;
      const inside =
        p.x >= b.x - 0.5 && p.x <= b.x + b.width + 0.5 && p.y >= b.y - 0.5 && p.y <= b.y + b.height + 0.5;
      return (
        inside && (near(p.x, b.x) || near(p.x, b.x + b.width) || near(p.y, b.y) || near(p.y, b.y + b.height))
      );
    };
    for (const edge of layout.edges) {
      expect(edge.points.length).toBeGreaterThanOrEqual(2);
      if (edge.source === 'agent.session' && edge.target.startsWith('agent.session.')) continue;
      expect(onBorder(edge.points[0] as { x: number; y: number }, edge.source), `${edge.id} start`).toBe(
        true,
      );
      expect(onBorder(edge.points.at(-1) as { x: number; y: number }, edge.target), `${edge.id} end`).toBe(
        true,
      );
    }
  });

  it('draws a parent-to-child transition from the parent title line', () => {
    const stop = layout.edges.find((e) => e.id === 'agent.session->agent.session.stopping');
    const session = layout.states.find((s) => s.id === 'agent.session') as LaidOutState;
    expect(stop?.points[0]?.y).toBe(session.y + LAYOUT_METRICS.headerHeight / 2);
  });

  it('bounds cover every box, route and label', () => {
    const { bounds } = layout;
    for (const edge of layout.edges) {
      for (const p of [...edge.points, edge.labelAt]) {
        expect(p.x).toBeGreaterThanOrEqual(bounds.x);
        expect(p.x).toBeLessThanOrEqual(bounds.x + bounds.width);
        expect(p.y).toBeGreaterThanOrEqual(bounds.y);
        expect(p.y).toBeLessThanOrEqual(bounds.y + bounds.height);
      }
    }
  });
});

describe('clipToBox and splinePath', () => {
  it('clips a segment from the centre of a box to its border', () => {
    const box = { x: 0, y: 0, width: 100, height: 40 };
    expect(clipToBox(box, { x: 50, y: 200 })).toEqual({ x: 50, y: 40 });
    expect(clipToBox(box, { x: 250, y: 20 })).toEqual({ x: 100, y: 20 });
    expect(clipToBox(box, { x: 50, y: 20 })).toEqual({ x: 50, y: 20 });
  });

  it('draws a line for two points and a B-spline through more, ending on the last point', () => {
    expect(splinePath([])).toBe('');
    expect(
      splinePath([
        { x: 0, y: 0 },
        { x: 10, y: 20 },
      ]),
    ).toBe('M0,0L10,20');
    const d = splinePath([
      { x: 0, y: 0 },
      { x: 60, y: 0 },
      { x: 60, y: 60 },
    ]);
    expect(d).toBe('M0,0L10,0C20,0 40,0 50,10C60,20 60,40 60,50L60,60');
  });
});

import {
  Background,
  BaseEdge,
  type Edge,
  type EdgeProps,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
  type ReactFlowInstance,
} from '@xyflow/react';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { activeStateIds } from '../chart/active-states.js';
import { layoutChart, type Point, splinePath } from '../chart/chart-layout.js';
import type { Chart, ChartState } from '../chart/chart-model.js';
import { takenTransitions } from '../chart/taken-transitions.js';

type StateNodeData = {
  readonly state: ChartState;
  readonly active: boolean;
  readonly initial: boolean;
};

type StateFlowNode = Node<StateNodeData, 'state'> | Node<Record<string, never>, 'bounds'>;

function StateNodeView({ data }: NodeProps<Node<StateNodeData, 'state'>>) {
  const { state, active, initial } = data;
  const compound = state.children.length > 0;
  const className = [
    'state-node',
    compound ? 'compound' : 'atomic',
    `type-${state.type}`,
    active ? 'active' : '',
  ].join(' ');
  return (
    <div
      className={className}
      data-state-id={state.id}
      data-state-key={state.key}
      data-active={active ? 'true' : 'false'}
      title={state.invokes.length > 0 ? `invokes ${state.invokes.join(', ')}` : state.id}
    >
      <Handle type="target" position={Position.Top} className="state-handle" isConnectable={false} />
      <div className="state-label">
        {initial && <span className="initial-dot" title="initial state" />}
        {state.key}
        {state.type === 'parallel' && <span className="state-kind"> parallel</span>}
        {state.type === 'final' && <span className="state-kind"> final</span>}
      </div>
      <Handle type="source" position={Position.Bottom} className="state-handle" isConnectable={false} />
    </div>
  );
}

/** An invisible node covering routes and labels, so fitting the view never cuts a label off. */
function BoundsNodeView() {
  return <div className="bounds-node" />;
}

const nodeTypes = { state: memo(StateNodeView), bounds: memo(BoundsNodeView) };

type RoutedEdgeData = {
  readonly path: string;
  readonly labelAt: Point;
  readonly taken: boolean;
  readonly text: string;
};
type RoutedFlowEdge = Edge<RoutedEdgeData, 'routed'>;

/** Draws the route dagre computed, instead of a curve between two handles. */
function RoutedEdgeView({ data, markerEnd, id }: EdgeProps<RoutedFlowEdge>) {
  if (!data) return null;
  return (
    <BaseEdge
      id={id}
      path={data.path}
      markerEnd={markerEnd}
      label={data.text}
      labelX={data.labelAt.x}
      labelY={data.labelAt.y}
      labelBgPadding={[4, 2]}
      labelBgBorderRadius={3}
      labelBgStyle={{ fill: '#ffffff', fillOpacity: 0.9 }}
    />
  );
}

const edgeTypes = { routed: memo(RoutedEdgeView) };

/** Transition labels are 12 px: at this zoom they render at 11 px, the smallest readable size. */
const MIN_ZOOM = 11 / 12;
const FIT_OPTIONS = { padding: 0.06, maxZoom: 1.25, minZoom: MIN_ZOOM } as const;

export interface StateChartProps {
  readonly chart: Chart;
  readonly value: unknown;
  readonly previousValue: unknown;
  readonly lastEventType: string;
  /** Changes on every state change, so the last transition's animation restarts. */
  readonly changes: number;
  readonly height: number;
}

/**
 * One actor's state chart: states laid out by dagre, transitions labelled with their events, the
 * active states lit and the last transition taken drawn animated.
 */
export function StateChart({ chart, value, previousValue, lastEventType, changes, height }: StateChartProps) {
  const layout = useMemo(() => layoutChart(chart), [chart]);
  const active = useMemo(() => activeStateIds(chart, value), [chart, value]);
  const taken = useMemo(() => {
    if (previousValue === undefined) return new Set<string>();
    const before = activeStateIds(chart, previousValue);
    return new Set(takenTransitions(chart, before, active, lastEventType).map((t) => t.id));
  }, [chart, previousValue, active, lastEventType]);

  const nodes = useMemo<StateFlowNode[]>(
    () => [
      {
        id: '__bounds',
        type: 'bounds' as const,
        position: { x: layout.bounds.x, y: layout.bounds.y },
        data: {},
        style: { width: layout.bounds.width, height: layout.bounds.height },
        draggable: false,
        selectable: false,
        focusable: false,
        zIndex: -1,
      },
      ...layout.states.map((s): StateFlowNode => {
        const state = chart.states.get(s.id) as ChartState;
        const parent = state.parentId === undefined ? undefined : chart.states.get(state.parentId);
        return {
          id: s.id,
          type: 'state',
          position: { x: s.x, y: s.y },
          ...(s.parentId !== undefined ? { parentId: s.parentId } : {}),
          data: { state, active: active.has(s.id), initial: parent?.initial === s.id },
          style: { width: s.width, height: s.height },
          draggable: false,
          selectable: false,
          zIndex: state.depth,
        };
      }),
    ],
    [layout, chart, active],
  );

  const paths = useMemo(() => new Map(layout.edges.map((e) => [e.id, splinePath(e.points)])), [layout]);
  const edges = useMemo<RoutedFlowEdge[]>(
    () =>
      layout.edges.map((e) => {
        const lit = e.transitionIds.some((id) => taken.has(id));
        return {
          // A new id restarts the animation when the same transition is taken again.
          id: lit ? `${e.id}#${changes}` : e.id,
          type: 'routed',
          source: e.source,
          target: e.target,
          animated: lit,
          className: lit ? 'edge-taken' : 'edge',
          zIndex: 100,
          markerEnd: {
            type: MarkerType.ArrowClosed,
            width: 14,
            height: 14,
            color: lit ? '#2563eb' : '#94a3b8',
          },
          data: { path: paths.get(e.id) ?? '', labelAt: e.labelAt, taken: lit, text: e.label },
        };
      }),
    [layout, paths, taken, changes],
  );

  // Fit on load, whenever the chart changes (a room started after the page opened) and whenever the
  // canvas is resized; never below MIN_ZOOM, so labels stay readable and a large chart pans instead.
  const canvas = useRef<HTMLDivElement>(null);
  const [flow, setFlow] = useState<ReactFlowInstance<StateFlowNode, RoutedFlowEdge>>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new layout is what must be refitted
  useEffect(() => {
    const element = canvas.current;
    if (!flow || !element) return;
    const fit = () => void flow.fitView(FIT_OPTIONS);
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(element);
    return () => observer.disconnect();
  }, [flow, layout]);

  return (
    <div className="chart-canvas" style={{ height }} ref={canvas}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onInit={setFlow}
        fitView
        fitViewOptions={FIT_OPTIONS}
        minZoom={MIN_ZOOM}
        maxZoom={2}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
      >
        <Background gap={24} size={1} color="#e5e7eb" />
      </ReactFlow>
    </div>
  );
}

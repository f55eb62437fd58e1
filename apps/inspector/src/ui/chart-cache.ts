import { buildChart, type Chart } from '../chart/chart-model.js';

const charts = new WeakMap<object, Chart>();

/** The chart of a definition object, built once per object (definitions arrive once and never change). */
export function chartFor(definition: unknown, fallbackId: string): Chart {
  if (definition === null || typeof definition !== 'object') return buildChart(definition, fallbackId);
  let chart = charts.get(definition);
  if (!chart) {
    chart = buildChart(definition, fallbackId);
    charts.set(definition, chart);
  }
  return chart;
}

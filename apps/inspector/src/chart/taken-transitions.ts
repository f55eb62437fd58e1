import type { Chart, ChartTransition } from './chart-model.js';

/**
 * Which transitions most likely produced the step from `before` to `after` active states on `eventType`:
 * those of that event from a state that was active to states now active. When none matches (eventless
 * chains, events the feed named differently), any transition from a state that was exited to a state
 * that was entered. Used to animate the last transition; a guess never breaks anything.
 */
export function takenTransitions(
  chart: Chart,
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
  eventType: string,
): ChartTransition[] {
  const lands = (t: ChartTransition) => t.targets.every((target) => after.has(target));
  const byEvent = chart.transitions.filter((t) => t.event === eventType && before.has(t.source) && lands(t));
  if (byEvent.length > 0) return byEvent;
  const entered = new Set([...after].filter((id) => !before.has(id)));
  return chart.transitions.filter(
    (t) =>
      (before.has(t.source) || after.has(t.source)) &&
      t.targets.some((target) => entered.has(target)) &&
      lands(t),
  );
}

import { readFileSync } from 'node:fs';
import { realtimeAgentMachine } from '@chorus/core/machines';
import { describe, expect, it } from 'vitest';
import { renderChartsSection, replaceChartsSection } from './architecture-charts.js';
import { machineToMermaid } from './mermaid.js';

describe('state charts', () => {
  it('draws the agent lifecycle with nested states and labelled transitions', () => {
    const chart = machineToMermaid(realtimeAgentMachine);
    expect(chart.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(chart).toContain('[*] --> realtimeAgent_idle');
    expect(chart).toContain('state "session" as realtimeAgent_session {');
    expect(chart).toContain(
      'realtimeAgent_session_listening --> realtimeAgent_session_responding : model.response_created',
    );
  });

  it('ARCHITECTURE.md shows the charts generated from the current machines (run `npm run charts`)', () => {
    const doc = readFileSync(new URL('../../../ARCHITECTURE.md', import.meta.url), 'utf8');
    expect(replaceChartsSection(doc, renderChartsSection())).toBe(doc);
  });

  it('refuses a document without the chart markers', () => {
    expect(() => replaceChartsSection('# nothing here', 'x')).toThrow(/charts:start/);
  });
});

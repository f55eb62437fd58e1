import {
  agentCuesMachine,
  modelConnectionMachine,
  providerSessionMachine,
  realtimeAgentMachine,
  roomMachine,
  toolCallMachine,
} from '@chorus/core/machines';
import { type ChartableMachine, machineToMermaid } from './mermaid.js';

const START = '<!-- charts:start -->';
const END = '<!-- charts:end -->';

/** The machines whose charts ARCHITECTURE.md shows, in reading order. */
export const DOCUMENTED_MACHINES: ReadonlyArray<{ title: string; machine: ChartableMachine }> = [
  { title: 'ChatRoom (`roomMachine`)', machine: roomMachine },
  { title: 'RealtimeAgent (`realtimeAgentMachine`)', machine: realtimeAgentMachine },
  { title: 'Model connection (`modelConnectionMachine`)', machine: modelConnectionMachine },
  {
    title: 'Provider session, shared by the adapters (`providerSessionMachine`)',
    machine: providerSessionMachine,
  },
  { title: 'Tool call (`toolCallMachine`)', machine: toolCallMachine },
  { title: 'Agent cues: say, fillers, idle prompt (`agentCuesMachine`)', machine: agentCuesMachine },
];

/** The generated markdown between the chart markers. */
export function renderChartsSection(): string {
  const parts = DOCUMENTED_MACHINES.map(
    ({ title, machine }) => `### ${title}\n\n\`\`\`mermaid\n${machineToMermaid(machine)}\n\`\`\``,
  );
  return `${START}\n${parts.join('\n\n')}\n${END}`;
}

/** Replaces the chart section of a markdown document; throws when the markers are missing. */
export function replaceChartsSection(markdown: string, section: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the document has no ${START} ... ${END} section`);
  return markdown.slice(0, start) + section + markdown.slice(end + END.length);
}

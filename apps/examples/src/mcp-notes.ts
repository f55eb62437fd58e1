import { fileURLToPath } from 'node:url';
import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { rulesBrain } from '@chorus/local';
import { MCPServerStdio } from '@chorus/mcp';
import { localModels, type ScenarioOptions, scenarioVoice } from './model-factory.js';
import { isMainModule, runScenario } from './run-scenario.js';

// An agent whose tools come from a Model Context Protocol server: `mcp-notes-server` runs as a child
// process, its `add_note` and `list_notes` become Nora's tools, and it stops with the room.
// Run it with `chorus room apps/examples/dist/mcp-notes.js` or `node apps/examples/dist/mcp-notes.js`.

/** The notes server as a stdio MCP server: the compiled file, or the source through tsx in a checkout. */
export function notesServer(): MCPServerStdio {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./mcp-notes-server.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return new MCPServerStdio({
    name: 'notes',
    command: process.execPath,
    args: fromSource ? ['--import', 'tsx', script] : [script],
  });
}

/** Nora's rules: "remember ..." writes a note, "my notes" reads them back. */
export function notesBrain() {
  return rulesBrain({
    intents: [
      {
        name: 'remember',
        match: /\b(?:remember|note down|write down)(?: that)?\s+(?<text>.+?)[.!]*$/i,
        tool: { name: 'add_note', args: (match) => ({ text: match?.groups?.text ?? '' }) },
      },
      { name: 'list', match: ['my notes', 'list notes', 'read the notes'], tool: { name: 'list_notes' } },
    ],
    toolResultReply: '{output}',
    fallback: 'Tell me something to remember, or ask for your notes.',
  });
}

/** A room with Nora, who keeps notes in an MCP server. */
export function mcpNotes(options: ScenarioOptions = {}): ChatRoom {
  const models = options.model ?? localModels();
  const clock = options.clock ? { clock: options.clock } : {};
  const nora = new RealtimeAgent({
    name: 'Nora',
    instructions: 'You keep notes for the user with the notes tools. Keep it short.',
    model: models({ agent: 'Nora', brain: notesBrain() }),
    mcpServers: [notesServer()],
    ...scenarioVoice(options, 'alloy'),
    ...clock,
  });
  return new ChatRoom({ agents: [nora], ...clock });
}

export default mcpNotes;

if (isMainModule(import.meta.url)) {
  await runScenario(mcpNotes(), ['Remember that the meeting is at noon.', 'What are my notes?']);
}

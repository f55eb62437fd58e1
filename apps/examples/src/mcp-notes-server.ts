import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

// A small Model Context Protocol server over stdio: a notepad with `add_note` and `list_notes`. Any
// MCP server works the same way; this one is here so the example runs offline. The notes live as
// long as the process, which the agent starts and stops.

const notes: string[] = [];
const server = new McpServer({ name: 'notes', version: '1.0.0' });

server.registerTool(
  'add_note',
  {
    description: 'Writes a note down',
    inputSchema: { text: z.string().min(1).max(500).describe('The note') },
  },
  async ({ text }) => {
    if (notes.length >= 100) notes.shift();
    notes.push(text);
    return { content: [{ type: 'text', text: `Noted: ${text}.` }] };
  },
);

server.registerTool('list_notes', { description: 'Reads every note back' }, async () => ({
  content: [
    {
      type: 'text',
      text: notes.length === 0 ? 'There are no notes yet.' : `Your notes: ${notes.join('; ')}.`,
    },
  ],
}));

await server.connect(new StdioServerTransport());

import type { ChatRoom, RealtimeAgent } from '@chorus/core';
import type { MCPServerStdio } from '@chorus/mcp';
import { afterEach, describe, expect, it } from 'vitest';
import { mcpNotes, waitForQuiet } from '../src/index.js';
import { fastModels, Recorder } from './helpers.js';

let room: ChatRoom | undefined;
afterEach(async () => {
  await room?.stop();
  room = undefined;
});

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('an agent with tools from an MCP server (stdio)', () => {
  it('writes and reads notes through the MCP server, which stops with the room', async () => {
    room = mcpNotes({ model: fastModels() });
    await room.start();
    const nora = room.members[0] as RealtimeAgent;
    expect(nora.tools.map((t) => t.name)).toEqual(['add_note', 'list_notes']);
    const server = nora.mcpServers[0] as MCPServerStdio;
    const pid = server.pid as number;
    const user = room.join({ id: 'user1', name: 'User1' });
    const log = new Recorder(user.events$);

    let quiet = waitForQuiet(room.events$, 300);
    user.handleInput({ type: 'client_text_append', text: 'Remember that the meeting is at noon.' });
    await quiet;
    quiet = waitForQuiet(room.events$, 300);
    user.handleInput({ type: 'client_text_append', text: 'What are my notes?' });
    await quiet;
    expect(log.lines()).toEqual([
      'Nora: Noted: the meeting is at noon.',
      'Nora: Your notes: the meeting is at noon.',
    ]);
    log.stop();

    await room.stop();
    expect(running(pid)).toBe(false);
  });
});

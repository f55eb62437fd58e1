import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import type { ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { agentRig, eventually, fixtureServer, isRunning, toolScript } from './harness.js';

describe('MCP servers in rooms and spoken turns', () => {
  it('a spoken turn calls an MCP tool', async () => {
    const rig = await agentRig((log) => [fixtureServer(log)], {
      echo: { name: 'echo', arguments: { text: 'spoken' } },
    });
    try {
      rig.model.speak('echo', 300);
      rig.clock.increment(300);
      await eventually(() => expect(rig.toolResults()).toHaveLength(1));
      expect(rig.toolResults()[0]).toMatchObject({ output: 'echo: spoken', is_error: false });
      expect(rig.serverLog()).toContain('call echo spoken');
    } finally {
      await rig.stop();
    }
  });

  it('one server shared by two agents of a room starts once, and room.stop() leaves no process and no timer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-mcp-room-'));
    const log = join(dir, 'server.log');
    const clock = new TestClock();
    const server = fixtureServer(log);
    const agent = (name: string) =>
      new RealtimeAgent({
        name,
        instructions: 'Be brief.',
        model: new ScriptedModel({ clock, ...toolScript({}) }),
        clock,
        modalities: ['text'],
        mcpServers: [server],
      });
    const ada = agent('Ada');
    const bob = agent('Bob');
    const room = new ChatRoom({ agents: [ada, bob], clock });
    const events: ServerEvent[] = [];
    room.events$.subscribe((event) => events.push(event));
    try {
      await room.start();
      const pid = server.pid as number;
      expect(isRunning(pid)).toBe(true);
      expect(ada.tools.map((t) => t.name)).toContain('echo');
      expect(bob.tools.map((t) => t.name)).toContain('echo');
      expect(
        readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('start')),
      ).toHaveLength(1);
      await room.stop();
      expect(isRunning(pid)).toBe(false);
      expect(server.state).toBe('idle');
      expect(clock.pendingTimers).toBe(0);
      expect(events.filter((e) => e.type === 'agent_error')).toEqual([]);
    } finally {
      await room.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

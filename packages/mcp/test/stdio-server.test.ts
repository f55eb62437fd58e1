import { afterEach, describe, expect, it } from 'vitest';
import type { MCPServerStdio } from '../src/index.js';
import { agentRig, eventually, fixtureServer, isRunning, type Rig, settle } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe('MCPServerStdio with a RealtimeAgent (a real SDK server as a child process)', () => {
  it('lists the server tools into the model session with their schemas as the server wrote them, and calls them from a typed turn', async () => {
    rig = await agentRig((log) => [fixtureServer(log)], {
      echo: { name: 'echo', arguments: { text: 'hi' } },
      add: { name: 'math_add', arguments: { a: 2, b: 3 } },
    });
    const server = rig.sources[0] as MCPServerStdio;
    const tools = rig.model.currentSession?.tools ?? [];
    expect(tools.map((t) => t.name)).toEqual(['echo', 'math_add', 'hang', 'crash', 'fail', 'big', 'reveal']);
    expect(tools.find((t) => t.name === 'echo')).toEqual({
      name: 'echo',
      description: 'Says the text back',
      parameters: {
        type: 'object',
        properties: { text: { type: 'string', description: 'what to say' } },
        required: ['text'],
      },
    });
    rig.say('echo');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({ name: 'echo', output: 'echo: hi', is_error: false });
    expect(rig.serverLog()).toContain('call echo hi');
    rig.say('add');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(2));
    expect(rig.toolResults()[1]).toMatchObject({ name: 'math_add', output: '5', is_error: false });
    await rig.untilListening();
    // The follow-up response reads the server's result back.
    expect(rig.events.filter((e) => e.type === 'agent_response_text_done').map((e) => e.text)).toContain(
      'result: 5',
    );
    expect(server.state).toBe('ready');
  });

  it('picks up tools/list_changed while running: the new tool reaches the model in a session update and can be called', async () => {
    rig = await agentRig((log) => [fixtureServer(log)], {
      reveal: { name: 'reveal' },
      secret: { name: 'secret' },
    });
    expect(rig.model.currentSession?.tools.some((t) => t.name === 'secret')).toBe(false);
    rig.say('reveal');
    await eventually(() => {
      const updates = rig?.model.calls.filter((c) => c.method === 'updateSession') ?? [];
      expect(
        updates.some((u) => u.method === 'updateSession' && u.patch.tools?.some((t) => t.name === 'secret')),
      ).toBe(true);
    });
    expect(rig.agent.tools.map((t) => t.name)).toContain('secret');
    rig.say('secret');
    await eventually(() => expect(rig?.toolResults().map((r) => r.output)).toContain('the secret is 42'));
  });

  it('keeps only the allowed tools, and never the blocked ones', async () => {
    rig = await agentRig(
      (log) => [
        fixtureServer(log, {
          name: 'a',
          toolFilter: { allowed: ['echo', 'math.add', 'crash'], blocked: ['crash'] },
        }),
      ],
      { crash: { name: 'crash' } },
    );
    expect(rig.model.currentSession?.tools.map((t) => t.name)).toEqual(['echo', 'math_add']);
    rig.say('crash');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({ output: 'unknown tool crash', is_error: true });
    expect(rig.serverLog().filter((l) => l.startsWith('call'))).toEqual([]);
  });

  it('asks for approval through the agent approval flow: a declined call never reaches the server, an approved one does', async () => {
    rig = await agentRig((log) => [fixtureServer(log, { requireApproval: ['echo'] })], {
      echo: { name: 'echo', arguments: { text: 'ok' } },
    });
    rig.say('echo');
    await eventually(() =>
      expect(rig?.events.some((e) => e.type === 'agent_tool_approval_requested')).toBe(true),
    );
    const first = rig.events.find((e) => e.type === 'agent_tool_approval_requested') as { call_id: string };
    rig.agent.handleInput({ type: 'client_tool_approval', call_id: first.call_id, approved: false });
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({ output: 'the user declined to run echo', is_error: true });
    expect(rig.serverLog().filter((l) => l.startsWith('call'))).toEqual([]);
    await eventually(() => expect(rig?.toolResults().length).toBeGreaterThan(0));
    await rig.untilListening();
    rig.say('echo');
    await eventually(() =>
      expect(rig?.events.filter((e) => e.type === 'agent_tool_approval_requested')).toHaveLength(2),
    );
    const second = rig.events.filter((e) => e.type === 'agent_tool_approval_requested')[1] as {
      call_id: string;
    };
    rig.agent.handleInput({ type: 'client_tool_approval', call_id: second.call_id, approved: true });
    await eventually(() => expect(rig?.toolResults()).toHaveLength(2));
    expect(rig.toolResults()[1]).toMatchObject({ output: 'echo: ok', is_error: false });
  });

  it('a call past the tool timeout becomes an error result at the timeout, and the server sees notifications/cancelled', async () => {
    rig = await agentRig((log) => [fixtureServer(log, { timeoutMs: 1000 })], { hang: { name: 'hang' } });
    rig.say('hang');
    await eventually(() => expect(rig?.serverLog()).toContain('call hang'));
    rig.clock.increment(999);
    await settle();
    expect(rig.toolResults()).toHaveLength(0);
    rig.clock.increment(1);
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({ output: 'hang timed out after 1000 ms', is_error: true });
    await eventually(() => expect(rig?.serverLog()).toContain('cancelled hang'));
    // The server answered the ping that follows a call ended badly: not restarted.
    expect(rig.serverLog().filter((l) => l.startsWith('start'))).toHaveLength(1);
  });

  it('barge-in while a hanging MCP call runs: the call is cancelled on the server and reported as cancelled', async () => {
    rig = await agentRig((log) => [fixtureServer(log)], { hang: { name: 'hang' } });
    rig.say('hang');
    await eventually(() => expect(rig?.serverLog()).toContain('call hang'));
    await eventually(() => expect(rig?.agent.state).toBe('runningTools'));
    rig.model.startSpeaking();
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({
      name: 'hang',
      output: 'hang was cancelled by the user before it finished',
      is_error: true,
    });
    await eventually(() => expect(rig?.serverLog()).toContain('cancelled hang'));
    expect(rig.agent.state).toBe('listening');
  });

  it('a server that crashes mid-call: a tool error the agent can speak about, a report, and a restart after the backoff', async () => {
    rig = await agentRig((log) => [fixtureServer(log)], {
      crash: { name: 'crash' },
      echo: { name: 'echo', arguments: { text: 'again' } },
    });
    const server = rig.sources[0] as MCPServerStdio;
    const firstPid = server.pid;
    rig.say('crash');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({
      name: 'crash',
      output: 'crash failed: the MCP server fixture stopped during the call; restarting it',
      is_error: true,
    });
    await eventually(() => expect(rig?.errors().map((e) => e.code)).toContain('tool_source_down'));
    expect(rig.errors().find((e) => e.code === 'tool_source_down')?.message).toBe(
      'MCP server fixture closed the connection; restarting in 250 ms',
    );
    expect(server.state).toBe('waiting');
    // The agent goes on; a call meanwhile fails with a reason it can say.
    await eventually(() => expect(rig?.toolResults().length).toBeGreaterThan(0));
    await rig.untilListening();
    rig.say('echo');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(2));
    expect(rig.toolResults()[1]?.output).toBe('echo failed: the MCP server fixture is down; restarting it');
    rig.clock.increment(250);
    await eventually(() => expect(server.state).toBe('ready'));
    expect(server.pid).not.toBe(firstPid);
    expect(rig.serverLog().filter((l) => l.startsWith('start'))).toHaveLength(2);
    await eventually(() => expect(rig?.toolResults().length).toBeGreaterThan(0));
    await rig.untilListening();
    rig.say('echo');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(3));
    expect(rig.toolResults()[2]).toMatchObject({ output: 'echo: again', is_error: false });
  });

  it('a hung server process: the call times out, the unanswered ping marks it hung, it is killed and restarted', async () => {
    rig = await agentRig((log) => [fixtureServer(log, { timeoutMs: 1000, pingTimeoutMs: 500 })], {
      echo: { name: 'echo', arguments: { text: 'x' } },
    });
    const server = rig.sources[0] as MCPServerStdio;
    const hungPid = server.pid as number;
    process.kill(hungPid, 'SIGSTOP');
    rig.say('echo');
    await eventually(() => expect(rig?.agent.state).toBe('runningTools'));
    rig.clock.increment(1000);
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({ output: 'echo timed out after 1000 ms', is_error: true });
    await settle();
    rig.clock.increment(500);
    await eventually(() =>
      expect(rig?.errors().find((e) => e.code === 'tool_source_down')?.message).toBe(
        'MCP server fixture did not answer a ping within 500 ms; restarting in 250 ms',
      ),
    );
    await eventually(() => expect(isRunning(hungPid)).toBe(false));
    rig.clock.increment(250);
    await eventually(() => expect(server.state).toBe('ready'));
    expect(server.pid).not.toBe(hungPid);
  });

  it('bounds what a server can make the agent hold: tool count and result bytes', async () => {
    rig = await agentRig(
      (log) => [
        fixtureServer(log, {
          limits: { maxTools: 2, maxResultBytes: 100 },
          toolFilter: { blocked: ['echo'] },
        }),
      ],
      {},
    );
    expect(rig.agent.tools.map((t) => t.name)).toEqual(['math_add', 'hang']);
    expect(rig.errors()).toContainEqual({
      code: 'tool_dropped',
      message: 'MCP server fixture offers more than 2 tools; crash and later ones are left out',
    });
    await rig.stop();
    rig = await agentRig((log) => [fixtureServer(log, { limits: { maxResultBytes: 100 } })], {
      big: { name: 'big', arguments: { bytes: 5000 } },
    });
    rig.say('big');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]?.output).toBe(`${'x'.repeat(100)}\n[result cut: 4900 more bytes]`);
  });

  it('a server that reports an error result: a tool error with its words', async () => {
    rig = await agentRig((log) => [fixtureServer(log)], { fail: { name: 'fail' } });
    rig.say('fail');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({
      output: 'fail failed: the backend is down',
      is_error: true,
    });
  });

  it('a server that cannot start: the agent starts anyway, says why, and keeps trying with backoff', async () => {
    rig = await agentRig(
      (log) => [fixtureServer(log, { name: 'missing', command: '/nonexistent/mcp-server', args: [] })],
      {},
    );
    const server = rig.sources[0] as MCPServerStdio;
    expect(rig.agent.state).toBe('listening');
    expect(rig.agent.tools).toEqual([]);
    expect(server.state).toBe('waiting');
    expect(rig.errors()[0]?.code).toBe('tool_source_down');
    expect(rig.errors()[0]?.message).toMatch(
      /^MCP server missing could not start: .*ENOENT.*; restarting in 250 ms$/,
    );
    rig.clock.increment(250);
    await eventually(() => expect(rig?.errors()).toHaveLength(2));
    expect(rig.errors()[1]?.message).toMatch(/restarting in 500 ms$/);
  });

  it('leaves no process behind when the agent stops, and no timer on the clock', async () => {
    rig = await agentRig((log) => [fixtureServer(log)], {});
    const server = rig.sources[0] as MCPServerStdio;
    const pid = server.pid as number;
    expect(isRunning(pid)).toBe(true);
    await rig.agent.stop();
    expect(isRunning(pid)).toBe(false);
    expect(server.state).toBe('idle');
    expect(server.tools).toEqual([]);
    expect(rig.clock.pendingTimers).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { MCPServerStreamableHttp } from '../src/index.js';
import { agentRig, eventually, type Rig } from './harness.js';
import { HttpMcpFixture } from './http-fixture.js';

let rig: Rig | undefined;
let fixture: HttpMcpFixture | undefined;
afterEach(async () => {
  await rig?.stop();
  await fixture?.stop();
  rig = undefined;
  fixture = undefined;
});

function httpServer(url: string, limits: { maxMessageBytes?: number } = {}): MCPServerStreamableHttp {
  return new MCPServerStreamableHttp({
    name: 'remote',
    url,
    headers: { Authorization: 'Bearer test-token' },
    random: () => 0.5,
    limits,
  });
}

describe('MCPServerStreamableHttp with a RealtimeAgent (a real SDK server on 127.0.0.1)', () => {
  it('connects with the headers, lists the tools into the session and calls them', async () => {
    const server = await HttpMcpFixture.start();
    fixture = server;
    rig = await agentRig(() => [httpServer(server.url)], {
      echo: { name: 'echo', arguments: { text: 'hi' } },
    });
    expect(server.events).toContain('auth Bearer test-token');
    expect(rig.model.currentSession?.tools.map((t) => t.name)).toEqual(['echo', 'hang', 'big']);
    rig.say('echo');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({ output: 'echo: hi', is_error: false });
    expect(server.events).toContain('call echo hi');
  });

  it('barge-in cancels a hanging call: the server sees notifications/cancelled', async () => {
    const server = await HttpMcpFixture.start();
    fixture = server;
    rig = await agentRig(() => [httpServer(server.url)], { hang: { name: 'hang' } });
    rig.say('hang');
    await eventually(() => expect(server.events).toContain('call hang'));
    await eventually(() => expect(rig?.agent.state).toBe('runningTools'));
    rig.model.startSpeaking();
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({
      output: 'hang was cancelled by the user before it finished',
      is_error: true,
    });
    await eventually(() => expect(server.events).toContain('cancelled hang'));
  });

  it('a server that goes away: tool errors, a report, and a new session after the backoff once it is back', async () => {
    const first = await HttpMcpFixture.start();
    const port = first.port;
    rig = await agentRig(() => [httpServer(first.url)], {
      echo: { name: 'echo', arguments: { text: 'back' } },
    });
    const source = rig.sources[0] as MCPServerStreamableHttp;
    await first.stop();
    rig.say('echo');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]?.is_error).toBe(true);
    expect(rig.toolResults()[0]?.output).toMatch(
      /^echo failed: the MCP server remote (could not be reached|is down; reconnecting it)/,
    );
    await eventually(() => expect(source.state).toBe('waiting'));
    expect(rig.errors().find((e) => e.code === 'tool_source_down')?.message).toMatch(
      /reconnecting in 250 ms$/,
    );
    await rig.untilListening();
    fixture = await HttpMcpFixture.start(port);
    rig.clock.increment(250);
    await eventually(() => expect(source.state).toBe('ready'));
    rig.say('echo');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(2));
    expect(rig.toolResults()[1]).toMatchObject({ output: 'echo: back', is_error: false });
    expect(fixture.events).toContain('call echo back');
  });

  it('an answer larger than maxMessageBytes fails its call instead of being held', async () => {
    const server = await HttpMcpFixture.start();
    fixture = server;
    rig = await agentRig(() => [httpServer(server.url, { maxMessageBytes: 10_000 })], {
      big: { name: 'big', arguments: { bytes: 50_000 } },
      small: { name: 'big', arguments: { bytes: 10 } },
    });
    rig.say('big');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(1));
    expect(rig.toolResults()[0]).toMatchObject({
      output: 'big failed: the MCP server remote stopped during the call; reconnecting it',
      is_error: true,
    });
    expect(rig.errors().find((e) => e.code === 'tool_source_down')?.message).toBe(
      'an answer from MCP server remote exceeded 10000 bytes; reconnecting in 250 ms',
    );
    await rig.untilListening();
    rig.clock.increment(250);
    const source = rig.sources[0] as MCPServerStreamableHttp;
    await eventually(() => expect(source.state).toBe('ready'));
    rig.say('small');
    await eventually(() => expect(rig?.toolResults()).toHaveLength(2));
    expect(rig.toolResults()[1]).toMatchObject({ output: 'xxxxxxxxxx', is_error: false });
  });

  it('ends its session with a DELETE when the agent stops', async () => {
    const server = await HttpMcpFixture.start();
    fixture = server;
    rig = await agentRig(() => [httpServer(server.url)], {});
    await rig.agent.stop();
    expect(server.events).toContain('session deleted');
    expect((rig.sources[0] as MCPServerStreamableHttp).state).toBe('idle');
  });
});

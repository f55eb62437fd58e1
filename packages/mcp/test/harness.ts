import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RealtimeAgent, type RealtimeAgentOptions, type ToolSource } from '@chorus/core';
import { ScriptedModel, type ScriptRule, TestClock } from '@chorus/core/testing';
import type { ServerEvent } from '@chorus/protocol';
import { vi } from 'vitest';
import { MCPServerStdio, type MCPServerStdioOptions } from '../src/index.js';

export const STDIO_FIXTURE = fileURLToPath(new URL('./fixtures/stdio-server.mjs', import.meta.url));

/** Waits for real I/O (a child process, a socket) by polling; simulated time does not move. */
export function eventually<T>(check: () => T): Promise<T> {
  return vi.waitFor(check, { timeout: 15_000, interval: 10 });
}

/** Lets pending promise callbacks run; no time passes on any clock. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A scripted turn per word: the word names the tool to call; tool results are read back. */
export function toolScript(calls: Record<string, { name: string; arguments?: Record<string, unknown> }>): {
  script: ScriptRule[];
  fallback: (turn: { toolResults: readonly { output: string }[] }) => { text: string };
} {
  const script: ScriptRule[] = Object.entries(calls).map(([word, call], index) => ({
    match: (turn) => turn.toolResults.length === 0 && turn.text.trim() === word,
    reply: { toolCalls: [{ name: call.name, arguments: call.arguments ?? {}, id: `c_${word}_${index}` }] },
  }));
  return {
    script,
    fallback: (turn) => ({ text: `result: ${turn.toolResults.map((r) => r.output).join(' | ')}` }),
  };
}

export interface Rig {
  readonly clock: TestClock;
  readonly model: ScriptedModel;
  readonly agent: RealtimeAgent;
  readonly events: ServerEvent[];
  readonly sources: readonly ToolSource[];
  /** Lines the fixture server wrote (starts, calls, cancellations). */
  serverLog(): string[];
  toolResults(): { id: string; name: string; output: string; is_error: boolean }[];
  errors(): { code: string; message: string }[];
  say(text: string): void;
  /** Moves simulated time in 10 ms steps until the agent listens again (the reply is paced). */
  untilListening(): Promise<void>;
  stop(): Promise<void>;
}

/** A started agent on the scripted model whose tools come from `sources`. */
export async function agentRig(
  sources: (logFile: string) => ToolSource[],
  calls: Parameters<typeof toolScript>[0],
  agentOptions: Partial<RealtimeAgentOptions> = {},
): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-mcp-'));
  const logFile = join(dir, 'server.log');
  const clock = new TestClock();
  const model = new ScriptedModel({ clock, ...toolScript(calls) });
  const mcpServers = sources(logFile);
  const agent = new RealtimeAgent({
    name: 'Ada',
    instructions: 'Be brief.',
    model,
    clock,
    mcpServers,
    modalities: ['text'],
    ...agentOptions,
  });
  const events: ServerEvent[] = [];
  await agent.start({ next: (event) => events.push(event) });
  return {
    clock,
    model,
    agent,
    events,
    sources: mcpServers,
    serverLog: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : []),
    toolResults: () =>
      events.flatMap((e) =>
        e.type === 'agent_response_tool_result'
          ? [e.tool_result as { id: string; name: string; output: string; is_error: boolean }]
          : [],
      ),
    errors: () =>
      events.flatMap((e) => (e.type === 'agent_error' ? [{ code: e.code, message: e.message }] : [])),
    say: (text) => agent.handleInput({ type: 'client_text_append', text }),
    async untilListening() {
      for (let step = 0; step < 200 && agent.state !== 'listening'; step++) {
        clock.increment(10);
        await settle(2);
      }
      if (agent.state !== 'listening') throw new Error(`the agent is still ${agent.state}`);
    },
    async stop() {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function fixtureServer(logFile: string, options: Partial<MCPServerStdioOptions> = {}): MCPServerStdio {
  return new MCPServerStdio({
    name: 'fixture',
    command: process.execPath,
    args: [STDIO_FIXTURE],
    env: { MCP_FIXTURE_LOG: logFile },
    stderr: 'ignore',
    random: () => 0.5,
    ...options,
  });
}

/** Whether a process with this id still runs. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

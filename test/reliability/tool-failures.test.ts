import { RealtimeAgent, tool } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import type { ChorusServer } from '@chorus/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KEY, startGateway } from './support/gateway.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { bearer, type Json, WsClient } from './support/ws-client.js';

failOnProcessErrors();

const TOOL_TIMEOUT_MS = 5_000;

let server: ChorusServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  client?.ws.terminate();
  await server?.close();
  server = undefined;
});

interface Rig {
  readonly client: WsClient;
  readonly clock: TestClock;
  readonly aborted: string[];
  readonly models: ScriptedModel[];
}

/** A gateway whose agent has three tools that fail in the three ways tools fail, on a simulated clock. */
async function rig(): Promise<Rig> {
  const clock = new TestClock();
  const aborted: string[] = [];
  const models: ScriptedModel[] = [];
  const explode = tool({
    name: 'explode',
    description: 'Always throws',
    parameters: z.object({}),
    execute: async () => {
      throw new Error('the billing backend is down');
    },
  });
  const hang = tool({
    name: 'hang',
    description: 'Never answers',
    parameters: z.object({}),
    timeoutMs: TOOL_TIMEOUT_MS,
    execute: () => new Promise<never>(() => {}),
  });
  const slow = tool({
    name: 'slow',
    description: 'Answers only when aborted',
    parameters: z.object({}),
    execute: (_args, { signal }) =>
      new Promise<string>((_resolve, reject) => {
        signal?.addEventListener('abort', () => {
          aborted.push('slow');
          reject(new Error('aborted'));
        });
      }),
  });
  const gateway = await startGateway({
    rooms: {
      tools: () => {
        const model = new ScriptedModel({
          clock,
          chunkMs: 20,
          recordAudio: false,
          script: [
            { match: 'explode', reply: { toolCalls: [{ name: 'explode', id: 'c_explode' }] } },
            { match: 'hang', reply: { toolCalls: [{ name: 'hang', id: 'c_hang' }] } },
            { match: 'slow', reply: { toolCalls: [{ name: 'slow', id: 'c_slow' }] } },
            { match: (turn) => turn.toolResults.length > 0, reply: { text: 'Sorry about that.' } },
          ],
          fallback: { text: 'Okay.' },
        });
        models.push(model);
        return new RealtimeAgent({
          name: 'clerk',
          instructions: 'Use tools.',
          model,
          clock,
          tools: [explode, hang, slow],
        });
      },
    },
  });
  server = gateway.server;
  client = new WsClient(`${gateway.base}/ws/u/tools`, bearer(KEY));
  await client.opened;
  client.send({ type: 'client_session_create', config: {} });
  await client.waitForType('server_session_created');
  return { client, clock, aborted, models };
}

/**
 * Advances simulated time in small steps until `done()` holds. After each step a ping round trip to
 * the gateway brings whatever the step made it send.
 */
async function runClockUntil(
  { clock, client }: { clock: TestClock; client: WsClient },
  done: () => boolean,
  what: string,
  limitMs = 60_000,
) {
  for (let t = 0; !done(); t += 20) {
    if (t > limitMs) throw new Error(`${what}: not reached after ${limitMs} simulated ms`);
    clock.increment(20);
    await new Promise((resolve) => setImmediate(resolve));
    if (client.isOpen) await client.roundTrip();
  }
}

function lastState(messages: readonly Json[]): unknown {
  return messages.filter((m) => m.type === 'agent_state_changed').at(-1)?.state;
}

async function ask(r: Rig, text: string): Promise<number> {
  const from = r.client.messages.length;
  r.client.send({ type: 'client_text_append', text });
  r.client.send({ type: 'client_response_create' });
  return from;
}

describe('failing tools leave the agent listening with the failure reported', () => {
  it('a tool that throws: error result naming the failure, follow-up spoken, agent listening', async () => {
    const r = await rig();
    const from = await ask(r, 'explode');
    const result = await r.client.waitForType('agent_response_tool_result', from);
    expect(result.tool_result).toMatchObject({ id: 'c_explode', name: 'explode', is_error: true });
    expect(String((result.tool_result as Json).output)).toContain('the billing backend is down');
    await runClockUntil(
      r,
      () => r.client.messages.slice(from).filter((m) => m.type === 'agent_response_done').length >= 2,
      'the follow-up response',
    );
    await r.client.until(() => lastState(r.client.messages) === 'listening', 'listening');
    expect(r.models[0]?.sent.filter((input) => input.type === 'tool_result')).toHaveLength(1);
  });

  it('a tool that hangs past its timeout: error result at exactly the timeout, agent listening', async () => {
    const r = await rig();
    const from = await ask(r, 'hang');
    await r.client.until(() => lastState(r.client.messages) === 'runningTools', 'runningTools');
    const started = r.clock.now();
    await runClockUntil(
      r,
      () => r.client.messages.slice(from).some((m) => m.type === 'agent_response_tool_result'),
      'the timeout result',
    );
    // The clock moves in 20 ms steps; the result falls in the step that crosses the timeout.
    expect(r.clock.now() - started).toBeGreaterThanOrEqual(TOOL_TIMEOUT_MS);
    expect(r.clock.now() - started).toBeLessThan(TOOL_TIMEOUT_MS + 40);
    const result = await r.client.waitForType('agent_response_tool_result', from);
    expect(result.tool_result).toMatchObject({ id: 'c_hang', name: 'hang', is_error: true });
    expect(String((result.tool_result as Json).output)).toMatch(/time/i);
    await runClockUntil(r, () => lastState(r.client.messages) === 'listening', 'listening');
  });

  it('a tool cancelled mid-run by the user: aborted, reported as cancelled, model told without a new response', async () => {
    const r = await rig();
    const from = await ask(r, 'slow');
    await r.client.until(() => lastState(r.client.messages) === 'runningTools', 'runningTools');
    const cancelledAt = r.client.messages.length;
    r.client.send({ type: 'client_response_cancel' });
    await runClockUntil(r, () => lastState(r.client.messages) === 'listening', 'listening');
    expect(r.aborted).toEqual(['slow']);
    const cancelled = 'slow was cancelled by the user before it finished';
    expect(
      r.client.messages
        .slice(cancelledAt)
        .filter((m) => m.type !== 'agent_history_updated')
        .map((m) => (m.type === 'agent_state_changed' ? `state:${String(m.state)}` : m.type)),
    ).toEqual(['agent_response_tool_result', 'state:listening']);
    const result = await r.client.waitForType('agent_response_tool_result', from);
    expect(result.tool_result).toEqual({
      type: 'tool_result',
      id: 'c_slow',
      name: 'slow',
      output: cancelled,
      is_error: true,
    });
    expect(r.models[0]?.sent.filter((input) => input.type === 'tool_result')).toEqual([
      { type: 'tool_result', callId: 'c_slow', name: 'slow', output: cancelled, isError: true },
    ]);
    // Told, not asked: the only response so far is the one that made the call.
    expect(r.models[0]?.callsOf('createResponse')).toHaveLength(1);
    const errors = r.client.messages.slice(from).filter((m) => m.type === 'agent_error');
    expect(errors).toEqual([]);
    // Still usable afterwards.
    const next = await ask(r, 'hello');
    await runClockUntil(
      r,
      () => r.client.messages.slice(next).some((m) => m.type === 'agent_response_done'),
      'a turn after the interruption',
    );
  });
});

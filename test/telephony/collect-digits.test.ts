import { type CollectedDigits, RealtimeAgent, tool } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import type { FakeTwilioCall } from '@chorus/fakes';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { dialIn } from './dial-in.js';

const TOKEN = 'twilio-test-token';

let server: ChorusServer | undefined;
const calls: FakeTwilioCall[] = [];
afterEach(async () => {
  for (const call of calls.splice(0)) call.close();
  await server?.close();
  server = undefined;
});

interface Setup {
  clock: TestClock;
  model: ScriptedModel;
  call: FakeTwilioCall;
  /** What the tool's `collectDigits` resolved with, once it has. */
  entries: CollectedDigits[];
}

let asked = 0;

/** An agent whose `check_pin` tool asks the caller for a 4-digit PIN ended by `#`, within 5 s. */
async function callWithPinTool(): Promise<Setup> {
  const clock = new TestClock();
  const entries: CollectedDigits[] = [];
  const model = new ScriptedModel({
    clock,
    chunkMs: 100,
    script: [{ match: /account/i, reply: { toolCalls: [{ name: 'check_pin', arguments: {} }] }, once: true }],
  });
  const checkPin = tool({
    name: 'check_pin',
    description: 'Asks the caller to type their PIN on the keypad and checks it',
    parameters: z.object({}),
    timeoutMs: 60_000,
    execute: async (_args, context) => {
      if (!context.collectDigits) throw new Error('no keypad on this line');
      asked++;
      const entry = await context.collectDigits({ max: 4, terminator: '#', timeoutMs: 5000 });
      entries.push(entry);
      return entry.digits === '2468' ? 'PIN accepted' : `PIN refused (${entry.reason})`;
    },
  });
  server = createChorusServer({
    rooms: {
      assistant: () =>
        new RealtimeAgent({
          name: 'assistant',
          instructions: 'Check PINs.',
          model,
          clock,
          tools: [checkPin],
        }),
    },
    auth: { apiKeys: ['k'] },
    twilio: { authToken: TOKEN },
    clock,
    logger: pino({ level: 'silent' }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const call = await dialIn(port, TOKEN, model);
  calls.push(call);
  // The caller asks; the model calls the tool, which now waits for the keypad.
  const before = asked;
  model.speak('I want to check my account');
  await vi.waitFor(() => {
    clock.increment(0);
    expect(asked).toBe(before + 1);
  });
  return { clock, model, call, entries };
}

function toolResults(model: ScriptedModel): string[] {
  return model.sent.flatMap((input) => (input.type === 'tool_result' ? [input.output] : []));
}

/** Lets sockets and promises deliver without moving the simulated clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('a tool asks a phone caller for digits (context.collectDigits)', () => {
  it('gets the digits typed up to #, and they stay out of the conversation', async () => {
    const { model, call, entries } = await callWithPinTool();
    for (const digit of ['2', '4', '6', '8', '#']) call.dtmf(digit);
    await vi.waitFor(() => expect(toolResults(model)).toEqual(['PIN accepted']));
    expect(entries).toEqual([{ digits: '2468', reason: 'max', ignored: '' }]);
    // The PIN went to the tool only: the model never saw it as the caller's words.
    expect(model.sent.some((input) => input.type === 'text' && input.text.includes('2468'))).toBe(false);
  });

  it('times out on the simulated clock with what was typed so far', async () => {
    const { clock, model, call, entries } = await callWithPinTool();
    call.dtmf('1');
    call.dtmf('2');
    // The line passes digits on after a 2 s pause; the tool keeps waiting for the rest.
    clock.increment(2000);
    await settle();
    expect(toolResults(model)).toEqual([]);
    clock.increment(2999);
    await settle();
    expect(toolResults(model)).toEqual([]);
    clock.increment(1);
    await vi.waitFor(() => expect(toolResults(model)).toEqual(['PIN refused (timeout)']));
    expect(entries).toEqual([{ digits: '12', reason: 'timeout', ignored: '' }]);
  });

  it('digits typed when no tool waits still reach the agent as the caller typing them', async () => {
    const { model, call } = await callWithPinTool();
    call.dtmf('#');
    await vi.waitFor(() => expect(toolResults(model)).toEqual(['PIN refused (terminator)']));
    call.dtmf('7');
    call.dtmf('#');
    await vi.waitFor(() =>
      expect(model.sent).toContainEqual(expect.objectContaining({ type: 'text', text: 'DTMF: 7#' })),
    );
  });
});

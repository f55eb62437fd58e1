import { ChatRoom, type ConversationItem, RealtimeAgent, tool } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import { LocalModel, rulesBrain } from '@chorus/local';
import type { ChorusServer } from '@chorus/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KEY, startGateway } from '../reliability/support/gateway.js';
import { failOnProcessErrors } from '../reliability/support/process-guard.js';
import { bearer, type Json, WsClient } from '../reliability/support/ws-client.js';

failOnProcessErrors();

let server: ChorusServer | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server?.close();
  server = undefined;
});

const STEP_MS = 20;

async function session(base: string, room?: string): Promise<WsClient> {
  const client = new WsClient(`${base}/ws/ada/s1`, bearer(KEY));
  clients.push(client);
  await client.opened;
  client.send({ type: 'client_session_create', config: room ? { room } : {} });
  await client.waitForType('server_session_created');
  await client.waitForType('agent_ready');
  return client;
}

/** Advances simulated time in steps, noting when each line was heard. */
async function advance(
  clock: TestClock,
  ms: number,
  client: WsClient,
  heard: { text: string; atMs: number }[],
) {
  for (let t = 0; t < ms; t += STEP_MS) {
    clock.increment(STEP_MS);
    // The room's queued deliveries run, then a ping round trip brings what the step made the server send.
    await new Promise((resolve) => setImmediate(resolve));
    if (client.isOpen) await client.roundTrip();
    const lines = client.messages.filter((m) => m.type === 'agent_response_audio_transcript_done');
    for (const line of lines.slice(heard.length))
      heard.push({ text: String(line.transcript), atMs: clock.now() });
  }
}

describe('no dead air, through the gateway', () => {
  it('a 5 s tool speaks its filler once at the threshold, and the answer after it', async () => {
    const clock = new TestClock();
    const lookup = tool({
      name: 'lookup_order',
      description: 'Finds an order; slow',
      parameters: z.object({}),
      filler: { after: 1_500, text: 'Let me check that.' },
      execute: (_args, { signal }) =>
        new Promise<string>((resolve) => {
          const timer = clock.setTimeout(() => resolve('{"status":"shipped"}'), 5_000);
          signal.addEventListener('abort', () => clock.clearTimeout(timer));
        }),
    });
    const gateway = await startGateway({
      clock,
      rooms: {
        shop: () =>
          new RealtimeAgent({
            name: 'clerk',
            instructions: 'Look orders up.',
            clock,
            tools: [lookup],
            model: new ScriptedModel({
              clock,
              chunkMs: STEP_MS,
              recordAudio: false,
              script: [
                {
                  match: 'where is my order',
                  reply: { toolCalls: [{ name: 'lookup_order', id: 'call_1' }] },
                },
                { match: (turn) => turn.toolResults.length > 0, reply: { text: 'Your order has shipped.' } },
              ],
            }),
          }),
      },
    });
    server = gateway.server;
    const client = await session(gateway.base);
    const heard: { text: string; atMs: number }[] = [];
    const start = clock.now();
    client.send({ type: 'client_text_append', text: 'where is my order' });
    await client.waitForType('agent_response_tool_use_done');
    await advance(clock, 7_000, client, heard);

    expect(heard.map((line) => line.text)).toEqual(['Let me check that.', 'Your order has shipped.']);
    // Heard at the threshold (plus the line's own few chunks), and the answer after the 5 s tool.
    const [filler, answer] = heard;
    expect((filler?.atMs ?? 0) - start).toBeGreaterThanOrEqual(1_500);
    expect((filler?.atMs ?? 0) - start).toBeLessThan(1_700);
    expect((answer?.atMs ?? 0) - start).toBeGreaterThanOrEqual(5_000);
    const result = client.messages.find((m) => m.type === 'agent_response_tool_result') as Json;
    expect(result.tool_result).toMatchObject({ id: 'call_1', output: '{"status":"shipped"}' });
  });

  it('an idle user hears one prompt, then the session ends as configured', async () => {
    const clock = new TestClock();
    const gateway = await startGateway({
      clock,
      rooms: {
        desk: () =>
          new RealtimeAgent({
            name: 'desk',
            instructions: 'Help.',
            clock,
            idlePrompt: { afterMs: 10_000, text: 'Are you still there?', endAfterMs: 8_000 },
            model: new ScriptedModel({ clock, chunkMs: STEP_MS, recordAudio: false }),
          }),
      },
    });
    server = gateway.server;
    const client = await session(gateway.base);
    const heard: { text: string; atMs: number }[] = [];
    const start = clock.now();
    await advance(clock, 9_900, client, heard);
    expect(heard).toEqual([]);
    await advance(clock, 1_000, client, heard);
    expect(heard.map((line) => line.text)).toEqual(['Are you still there?']);
    expect((heard[0]?.atMs ?? 0) - start).toBeGreaterThanOrEqual(10_000);
    // The second silence is counted from the end of the prompt (about 10.1 s): the end comes 8 s later.
    await advance(clock, 6_500, client, heard);
    expect(client.messages.some((m) => m.type === 'server_session_ended')).toBe(false);
    await advance(clock, 1_500, client, heard);
    const ended = await client.waitForType('server_session_ended');
    expect(ended.reason).toBe('room_stopped');
    expect((await client.closed).code).toBe(4001);
    expect(heard.map((line) => line.text)).toEqual(['Are you still there?']);
  });

  it('a room seeded with ten items answers a question about item three', async () => {
    const items: ConversationItem[] = Array.from({ length: 10 }, (_, i) => ({
      type: 'message',
      id: `prior_${i + 1}`,
      role: i % 2 === 0 ? 'user' : 'assistant',
      text: `item ${i + 1}: ${['apples', 'pears', 'a blue umbrella', 'plums', 'figs', 'kiwis', 'limes', 'dates', 'grapes', 'melons'][i]}`,
    }));
    /** The local model's rules brain, answering from the conversation the model was given. */
    const brain = rulesBrain({
      intents: [
        {
          match: /what was item (\d+)/i,
          reply: ({ history, match }) => {
            const prefix = `item ${match?.[1]}:`;
            const found = history.find((item) => item.type === 'message' && item.text.startsWith(prefix));
            return found?.type === 'message'
              ? `Item ${match?.[1]} was ${found.text.slice(prefix.length).trim()}.`
              : 'I have no idea.';
          },
        },
      ],
      fallback: 'Sorry?',
    });
    const gateway = await startGateway({
      rooms: {
        yesterday: () =>
          new ChatRoom({
            id: 'yesterday',
            history: items,
            agents: [
              new RealtimeAgent({
                name: 'keeper',
                instructions: 'Remember everything.',
                modalities: ['text'],
                model: new LocalModel({ brain, vad: null, transcriber: null, tts: null }),
              }),
            ],
          }),
      },
    });
    server = gateway.server;
    const client = await session(gateway.base);
    client.send({ type: 'client_text_append', text: 'What was item 3?' });
    const answer = await client.waitForType('agent_response_text_done');
    expect(answer.text).toBe('Item 3 was a blue umbrella.');
  });
});

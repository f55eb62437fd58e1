import { RealtimeAgent } from '@chorus/core';
import { TestClock } from '@chorus/core/testing';
import { type FakeRealtimeServer, startFakeOpenAIRealtime } from '@chorus/fakes';
import { OpenAIRealtimeModel } from '@chorus/openai';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, startGateway } from './support/gateway.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { bearer, type Json, WsClient } from './support/ws-client.js';

failOnProcessErrors();

// A provider that drops its socket mid-response (no close frame), behind the gateway: the client must
// see the response end, and the turn must be answered once the model is back, without asking again.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const LONG_REPLY = 'one two three four five six seven eight nine ten';

async function rig(): Promise<{ fake: FakeRealtimeServer; clock: TestClock; base: string }> {
  const fake = await startFakeOpenAIRealtime();
  cleanups.push(() => fake.close());
  const clock = new TestClock();
  const gateway = await startGateway({
    rooms: {
      assistant: () =>
        new RealtimeAgent({
          name: 'Ada',
          instructions: 'Be brief.',
          model: new OpenAIRealtimeModel({ apiKey: 'test-key', url: fake.url, clock }),
          retry: { baseMs: 50, capMs: 50, maxAttempts: 4 },
          random: () => 0,
          clock,
        }),
    },
  });
  cleanups.push(() => gateway.server.close());
  return { fake, clock, base: gateway.base };
}

/**
 * Waits (real time, bounded) for `done()`, moving the simulated clock on so reconnect timers fire;
 * between two steps, a ping round trip on the provider's sockets and on the client's lets what was
 * sent on either hop arrive.
 */
async function pump(
  fake: FakeRealtimeServer,
  client: WsClient,
  clock: TestClock,
  done: () => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    clock.increment(5);
    await fake.roundTrip();
    if (client.isOpen) await client.roundTrip();
  }
}

function connect(url: string): WsClient {
  const client = new WsClient(url, bearer(KEY));
  cleanups.push(async () => client.ws.terminate());
  return client;
}

describe('a provider drop mid-response ends the response visibly and the turn is answered', () => {
  it('Chorus route: agent_response_done{status:failed, metadata.reason}, then a completed answer unasked', async () => {
    const { fake, clock, base } = await rig();
    const client = connect(`${base}/ws/u1/s1`);
    await client.opened;
    client.send({ type: 'client_session_create', config: {} });
    await pump(
      fake,
      client,
      clock,
      () => client.messages.some((m) => m.type === 'agent_ready'),
      'the agent ready',
    );
    fake.queueResponse({ text: LONG_REPLY, fault: { afterChunks: 2, fault: { type: 'drop' } } });
    const from = client.messages.length;
    client.send({ type: 'client_text_append', text: 'first question' });
    const dones = () => client.messages.slice(from).filter((m) => m.type === 'agent_response_done');
    await pump(
      fake,
      client,
      clock,
      () => dones().some((d) => d.status === 'completed'),
      'the answer after the drop',
    );
    const [cut, answer] = dones();
    expect(cut).toMatchObject({ status: 'failed', metadata: { reason: 'model_connection_lost' } });
    expect(answer).toMatchObject({ status: 'completed' });
    // The cut response had started (and sent audio) before it ended.
    const created = client.messages.slice(from).filter((m) => m.type === 'agent_response_created');
    expect(created.map((m) => m.response_id)).toContain(cut?.response_id);
    expect(fake.connections.length).toBe(2);
  }, 30_000);

  it('OpenAI route: response.done{status:failed}, the turn answered, and the next response.create accepted', async () => {
    const { fake, clock, base } = await rig();
    const client = connect(`${base}/v1/realtime?model=assistant`);
    await client.opened;
    await client.waitForType('session.created');
    fake.queueResponse({ text: LONG_REPLY, fault: { afterChunks: 2, fault: { type: 'drop' } } });
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first question' }] },
    });
    client.send({ type: 'response.create' });
    const dones = () =>
      client.messages.filter((m) => m.type === 'response.done').map((m) => m.response as Json);
    await pump(
      fake,
      client,
      clock,
      () => dones().some((r) => r.status === 'completed'),
      'the answer after the drop',
    );
    const [cut, answer] = dones();
    expect(cut).toMatchObject({
      status: 'failed',
      status_details: { type: 'failed', error: { code: 'model_connection_lost' } },
    });
    expect(answer?.status).toBe('completed');
    const from = client.messages.length;
    client.send({ type: 'response.create', event_id: 'again' });
    await pump(
      fake,
      client,
      clock,
      () => client.messages.slice(from).some((m) => m.type === 'response.done' || m.type === 'error'),
      'the next response',
    );
    expect(client.messages.slice(from).filter((m) => m.type === 'error')).toEqual([]);
  }, 30_000);
});

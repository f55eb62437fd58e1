import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { startGateway } from './support/gateway.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { bearer, type Json, WsClient } from './support/ws-client.js';

failOnProcessErrors();

let stop: (() => Promise<void>) | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await stop?.();
  stop = undefined;
});

async function gateway() {
  const started = await startGateway({ auth: { apiKeys: { 'sk-alice': 'alice', 'sk-bob': 'bob' } } });
  stop = () => started.server.close();
  return started;
}

async function inspect(base: string, key: string): Promise<WsClient> {
  const client = new WsClient(`${base}/inspect`, bearer(key));
  clients.push(client);
  await client.opened;
  await client.waitForType('inspector_snapshot');
  return client;
}

const snapshot = (i: number, pad = 0) => ({
  type: '@xstate.snapshot',
  sessionId: `alice-app:${i}`,
  snapshot: { value: 'on', context: { secret: `alice's tool result ${i}`, pad: 'x'.repeat(pad) } },
  event: { type: 'flip' },
});
const relayed = (c: WsClient) => c.messages.filter((m: Json) => String(m.type).startsWith('@xstate.'));

/** Sends a message that is refused, and waits for its error: every frame before it has been handled. */
async function settled(client: WsClient): Promise<void> {
  const from = client.messages.length;
  client.send({ type: 'not-stately' });
  await client.waitForType('error', from);
}

describe('/inspect relay is scoped to its publisher, bounded, and dropped with it', () => {
  it("Alice's inspection messages reach her other readers and never Bob, live or replayed", async () => {
    const { base } = await gateway();
    const alicePublisher = await inspect(base, 'sk-alice');
    const aliceReader = await inspect(base, 'sk-alice');
    const bobReader = await inspect(base, 'sk-bob');
    alicePublisher.send(snapshot(1));
    await aliceReader.waitForType('@xstate.snapshot');
    await settled(alicePublisher);
    await settled(bobReader);
    const bobLate = await inspect(base, 'sk-bob');
    await settled(bobLate);
    expect(relayed(bobReader)).toEqual([]);
    expect(relayed(bobLate)).toEqual([]);
  });

  it('the replay is bounded by bytes, and what a publisher sent is dropped when it leaves', async () => {
    const { base, server } = await gateway();
    const publisher = await inspect(base, 'sk-alice');
    // 200 messages of 100 KB: 20 MB if kept whole.
    for (let i = 0; i < 200; i++) publisher.send(snapshot(i, 100_000));
    await settled(publisher);
    const newcomer = await inspect(base, 'sk-alice');
    await settled(newcomer);
    const replayed = relayed(newcomer);
    const bytes = replayed.reduce((sum, m) => sum + JSON.stringify(m).length, 0);
    expect(replayed.length).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    // The newest are the ones kept.
    expect(replayed.at(-1)).toMatchObject({ sessionId: 'alice-app:199' });

    publisher.ws.close();
    await publisher.closed;
    // The gateway lets go of the publisher's messages in its own close handler, which may run just
    // after the client saw the close: wait for the gateway to count one connection less.
    await eventually(
      () => server.connections,
      (n) => n === 1,
      "the gateway noticing the publisher's close",
    );
    const afterLeaving = await inspect(base, 'sk-alice');
    await settled(afterLeaving);
    expect(relayed(afterLeaving)).toEqual([]);
    expect(server.connections).toBe(2);
  });
});

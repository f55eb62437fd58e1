import type { ChorusServer } from '@chorus/server';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, within } from './support/eventually.js';
import { health, KEY, startGateway } from './support/gateway.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { bearer, WsClient } from './support/ws-client.js';

failOnProcessErrors();

let server: ChorusServer | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server?.close();
  server = undefined;
});

async function session(base: string, id: string): Promise<WsClient> {
  const client = new WsClient(`${base}/ws/abuser/${id}`, bearer(KEY));
  clients.push(client);
  await client.opened;
  client.send({ type: 'client_session_create', config: {} });
  await client.waitForType('server_session_created');
  return client;
}

/** A bystander on the same gateway still gets a full turn answered. */
async function bystanderTurn(client: WsClient): Promise<void> {
  const from = client.messages.length;
  client.send({ type: 'client_text_append', text: 'hello' });
  client.send({ type: 'client_response_create' });
  expect((await client.waitForType('agent_response_done', from)).status).toBe('completed');
}

describe('abuse closes only the abusive socket', () => {
  it('an oversized frame closes with 1009; invalid UTF-8 text closes with 1007; a flood closes with 1008', async () => {
    const gateway = await startGateway({
      limits: { maxFrameBytes: 64 * 1024, messagesPerSecond: 50, messageBurst: 100 },
    });
    server = gateway.server;
    const bystander = await session(gateway.base, 'bystander');

    const oversized = await session(gateway.base, 'oversized');
    oversized.send(JSON.stringify({ type: 'client_text_append', text: 'x'.repeat(70 * 1024) }));
    expect((await within(oversized.closed, 'the oversized frame closing its socket')).code).toBe(1009);

    const garbled = await session(gateway.base, 'garbled');
    // A text frame must be UTF-8 (RFC 6455 8.1); 0xff never is.
    garbled.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await within(garbled.closed, 'the invalid UTF-8 frame closing its socket')).code).toBe(1007);

    const flooder = await session(gateway.base, 'flooder');
    for (let i = 0; i < 500; i++) flooder.send({ type: 'client_audio_commit' });
    expect((await within(flooder.closed, 'the flood closing its socket')).code).toBe(1008);

    await bystanderTurn(bystander);
    await eventually(
      () => health(gateway.port),
      (h) => h.connections === 1 && h.rooms === 1,
      'only the bystander left',
    );
  });

  it('a flood of few large frames closes with 1008: bytes are counted as well as frames', async () => {
    const gateway = await startGateway({
      limits: {
        messagesPerSecond: 50,
        messageBurst: 100,
        bytesPerSecond: 256 * 1024,
        byteBurst: 1024 * 1024,
      },
    });
    server = gateway.server;
    const bystander = await session(gateway.base, 'bystander');
    const flooder = await session(gateway.base, 'big-frames');
    // 20 frames (far under the frame burst) of 100 KB each: 2 MB, twice the byte burst.
    const frame = JSON.stringify({
      type: 'client_text_append',
      text: 'x'.repeat(30_000),
      pad: 'y'.repeat(70_000),
    });
    for (let i = 0; i < 20; i++) flooder.send(frame);
    const closed = await within(flooder.closed, 'the byte flood closing its socket');
    expect(closed).toEqual({ code: 1008, reason: 'byte rate limit exceeded' });
    await bystanderTurn(bystander);
  });

  it("a user's connections share one byte budget: several each under their own limit are cut together", async () => {
    const gateway = await startGateway({
      limits: {
        bytesPerSecond: 1024 * 1024,
        byteBurst: 1024 * 1024,
        userBytesPerSecond: 256 * 1024,
        userByteBurst: 1024 * 1024,
      },
    });
    server = gateway.server;
    const bystander = await session(gateway.base, 'bystander');
    const frame = JSON.stringify({ type: 'client_text_append', text: 'x', pad: 'y'.repeat(100_000) });
    // Four connections of one user, 5 frames (0.5 MB) each: every one under its own 1 MiB burst.
    const flooders = await Promise.all(['a', 'b', 'c', 'd'].map((id) => session(gateway.base, `many-${id}`)));
    for (let i = 0; i < 5; i++) for (const f of flooders) f.send(frame);
    const closes = await within(Promise.any(flooders.map((f) => f.closed)), 'a flooder closed');
    expect(closes).toEqual({ code: 1008, reason: "byte rate limit exceeded for this user's connections" });
    await bystanderTurn(bystander);
  });
});

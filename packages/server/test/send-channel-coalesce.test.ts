import type { Socket } from 'node:net';
import { TestClock } from '@chorus/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { DEFAULT_SEND_CHANNEL_OPTIONS, SendChannel } from '../src/send-channel.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real socket pair on loopback; counts the TCP writes the server side makes. */
async function pair() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  const ws = await accepted;
  const raw = (ws as unknown as { _socket: Socket & { _writev: unknown; _write: unknown } })._socket;
  const writes: number[] = [];
  const writev = raw._writev as (this: Socket, chunks: unknown[], cb: unknown) => void;
  const write = raw._write as (this: Socket, chunk: unknown, encoding: unknown, cb: unknown) => void;
  raw._writev = function (chunks: unknown[], cb: unknown) {
    writes.push(chunks.length);
    writev.call(this, chunks, cb);
  };
  raw._write = function (chunk: unknown, encoding: unknown, cb: unknown) {
    writes.push(1);
    write.call(this, chunk, encoding, cb);
  };
  const received: string[] = [];
  const three = new Promise<void>((resolve) =>
    client.on('message', (data) => {
      received.push(data.toString());
      if (received.length === 3) resolve();
    }),
  );
  return { ws, client, writes, received, three };
}

async function sendThree(coalesce: boolean) {
  const { ws, writes, received, three } = await pair();
  const channel = new SendChannel(
    ws,
    new TestClock(),
    { slowConsumerNotice: () => 'notice' },
    { ...DEFAULT_SEND_CHANNEL_OPTIONS, coalesce },
  );
  channel.send('one');
  channel.sendDroppable(Buffer.from('two'));
  channel.send('three');
  await three;
  return { writes, received };
}

describe('SendChannel write coalescing', () => {
  it("sends one turn's messages in one socket write, in order", async () => {
    const { writes, received } = await sendThree(true);
    expect(received).toEqual(['one', 'two', 'three']);
    expect(writes).toHaveLength(1);
  });

  it('writes each message on its own when coalescing is off', async () => {
    const { writes, received } = await sendThree(false);
    expect(received).toEqual(['one', 'two', 'three']);
    expect(writes).toHaveLength(3);
  });
});

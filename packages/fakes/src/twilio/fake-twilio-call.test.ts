import type { AddressInfo } from 'node:net';
import { parseTwilioInbound, type TwilioInbound } from '@chorus/protocol/twilio';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { FakeTwilioCall } from './fake-twilio-call.js';

let wss: WebSocketServer | undefined;
let call: FakeTwilioCall | undefined;
afterEach(async () => {
  call?.close();
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  wss = undefined;
});

/** A bare Media Streams endpoint recording what the fake sends, every frame checked by the protocol's schemas. */
async function endpoint() {
  const frames: TwilioInbound[] = [];
  const refused: string[] = [];
  let peer: WebSocket | undefined;
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss?.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    peer = ws;
    ws.on('message', (data) => {
      const parsed = parseTwilioInbound(data as Buffer);
      if (parsed.ok) frames.push(parsed.message);
      else refused.push(parsed.error.message);
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/twilio/media-stream`,
    frames,
    refused,
    peer: () => peer as WebSocket,
  };
}

describe('FakeTwilioCall', () => {
  it("sends Twilio's documented messages: connected, start, 20 ms media with string counters, dtmf, stop", async () => {
    const server = await endpoint();
    call = new FakeTwilioCall({ url: server.url, customParameters: { room: 'lobby' } });
    await call.opened;
    call.start();
    call.speak(new Uint8Array(400).fill(0xff));
    call.dtmf('5');
    call.hangUp();
    await vi.waitFor(() => expect(server.frames).toHaveLength(7));
    expect(server.refused).toEqual([]);
    expect(server.frames.map((f) => f.event)).toEqual([
      'connected',
      'start',
      'media',
      'media',
      'media',
      'dtmf',
      'stop',
    ]);
    expect(server.frames[1]).toMatchObject({
      sequenceNumber: '1',
      start: { customParameters: { room: 'lobby' } },
    });
    expect(server.frames.slice(2, 5)).toMatchObject([
      { media: { track: 'inbound', chunk: '1', timestamp: '0' } },
      { media: { chunk: '2', timestamp: '20' } },
      { media: { chunk: '3', timestamp: '40' } },
    ]);
  });

  it('echoes a mark once the audio before it has played, and every pending mark on clear (unverified: the echo on clear)', async () => {
    const server = await endpoint();
    call = new FakeTwilioCall({ url: server.url });
    await call.opened;
    call.start();
    await vi.waitFor(() => expect(server.peer()).toBeDefined());
    const send = (message: unknown) => server.peer().send(JSON.stringify(message));
    const payload = Buffer.alloc(160, 0xff).toString('base64');
    const streamSid = call.streamSid;
    for (const name of ['a', 'b', 'c']) {
      send({ event: 'media', streamSid, media: { payload } });
      send({ event: 'mark', streamSid, mark: { name } });
    }
    await call.until(() => call?.of('mark').length === 3);
    expect(call.echoed).toEqual([]);
    call.play(30);
    expect(call.echoed).toEqual(['a']);
    send({ event: 'clear', streamSid });
    await call.until(() => call?.of('clear').length === 1);
    expect(call.echoed).toEqual(['a', 'b', 'c']);
    expect(call.heardBytes).toBe(240);
    expect(call.buffered).toBe(0);
    await vi.waitFor(() => expect(server.frames.filter((f) => f.event === 'mark')).toHaveLength(3));
    expect(call.invalid).toEqual([]);
  });
});

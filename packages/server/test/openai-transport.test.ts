import { RealtimeAgent } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ChorusServerOptions } from '../src/options.js';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { TestClient } from './client.fixture.js';

// The transport of /v1/realtime as browsers and official clients use it: key subprotocols, the beta
// header, AudioWorklet-sized appends, and idle clients that answer pings.

let server: ChorusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<ChorusServerOptions> = {}): Promise<number> {
  server = createChorusServer({
    rooms: {
      assistant: () =>
        new RealtimeAgent({ name: 'assistant', instructions: 'Be brief.', model: new ScriptedModel() }),
    },
    auth: { apiKeys: ['k'] },
    logger: pino({ level: 'silent' }),
    ...options,
  });
  return (await server.listen(0, '127.0.0.1')).port;
}

/** Lets frames cross the loopback socket (a round trip through the gateway; no timing). */
async function roundTrip(c: TestClient, id: string): Promise<void> {
  const from = c.messages.length;
  c.send({ type: 'conversation.item.retrieve', item_id: 'none', event_id: id });
  await c.waitFor(
    (m) => m.type === 'error' && (m.error as { event_id?: string }).event_id === id,
    5000,
    from,
  );
}

describe('/v1/realtime transport', () => {
  for (const protocol of ['openai-insecure-api-key.k', 'chorus-key.k']) {
    it(`completes the handshake when the only subprotocol offered is ${protocol.split('.')[0]}.<key>`, async () => {
      const port = await start();
      const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime?model=assistant`, [protocol]);
      const created = await new Promise<Record<string, unknown>>((resolve, reject) => {
        ws.once('message', (data) => resolve(JSON.parse(String(data))));
        ws.once('error', reject);
      });
      expect(ws.protocol).toBe(protocol);
      expect(created.type).toBe('session.created');
      ws.close();
    });
  }

  it('still prefers realtime when the official clients offer it beside the key', async () => {
    const port = await start();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime`, ['realtime', 'openai-insecure-api-key.k']);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('realtime');
    ws.close();
  });

  it('OpenAI-Beta: realtime=v1 gets the beta dialect from the first frame', async () => {
    const port = await start();
    const c = new TestClient(`ws://127.0.0.1:${port}/v1/realtime?model=assistant`, {
      headers: { Authorization: 'Bearer k', 'OpenAI-Beta': 'realtime=v1' },
    });
    const created = await c.waitForType('session.created');
    expect(created.session).toMatchObject({
      modalities: ['audio'],
      input_audio_format: 'pcm16',
      voice: 'alloy',
    });
    expect(created.session).not.toHaveProperty('audio');
    c.ws.terminate();
  });

  it('a browser posting 128-sample chunks (~190 appends/s) is not closed; a flood of audio is refused by duration', async () => {
    const clock = new TestClock();
    const port = await start({ clock });
    const c = new TestClient(`ws://127.0.0.1:${port}/v1/realtime?model=assistant`, {
      headers: { Authorization: 'Bearer k' },
    });
    await c.waitForType('session.created');
    const chunk = Buffer.alloc(256).toString('base64'); // 128 samples of 24 kHz PCM16
    for (let second = 0; second < 6; second++) {
      for (let i = 0; i < 188; i++) c.send({ type: 'input_audio_buffer.append', audio: chunk });
      await roundTrip(c, `s${second}`);
      clock.increment(1000);
    }
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    expect(
      c.messages.filter(
        (m) => m.type === 'error' && !String((m.error as { event_id?: string }).event_id).startsWith('s'),
      ),
    ).toEqual([]);
    // 40 s of audio at once is past the 30 s burst: refused, naming the field, and the session goes on.
    const second = Buffer.alloc(48_000).toString('base64');
    for (let i = 0; i < 40; i++)
      c.send({ type: 'input_audio_buffer.append', audio: second, event_id: `big${i}` });
    const refused = await c.waitFor(
      (m) => m.type === 'error' && (m.error as { code?: string }).code === 'input_audio_rate_exceeded',
    );
    expect(refused.error).toMatchObject({ param: 'audio' });
    await roundTrip(c, 'after');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.terminate();
  });

  it('an idle client that answers pings keeps its session; one that does not is closed with 4000', async () => {
    const clock = new TestClock();
    const port = await start({ clock, limits: { idleTimeoutMs: 300_000 } });
    const url = `ws://127.0.0.1:${port}/v1/realtime?model=assistant`;
    const present = new TestClient(url, { headers: { Authorization: 'Bearer k' } });
    const gone = new TestClient(url, { headers: { Authorization: 'Bearer k' }, autoPong: false });
    await present.waitForType('session.created');
    await gone.waitForType('session.created');
    let pings = 0;
    present.ws.on('ping', () => pings++);
    // Twenty minutes without a message, in 150 s steps; the gateway's pings and the pongs cross the
    // socket between steps (a pong to the client's own ping marks that the gateway read up to it).
    for (let t = 0; t < 1_200_000 && present.ws.readyState === WebSocket.OPEN; t += 150_000) {
      clock.increment(150_000);
      await new Promise<void>((resolve) => {
        present.ws.once('pong', () => resolve());
        present.ws.once('close', () => resolve());
        present.ws.ping();
      });
    }
    expect(pings).toBeGreaterThan(5);
    expect(present.ws.readyState).toBe(WebSocket.OPEN);
    expect(await gone.closed).toEqual({ code: 4000, reason: 'idle timeout' });
    present.ws.terminate();
  });
});

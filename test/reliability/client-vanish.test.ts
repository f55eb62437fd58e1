import type { RealtimeAgent } from '@chorus/core';
import type { ChorusServer } from '@chorus/server';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { health, KEY, metric, scriptedAgent, startGateway } from './support/gateway.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { bearer, WsClient } from './support/ws-client.js';

failOnProcessErrors();

let server: ChorusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An agent that talks for ten seconds whatever it is asked, so a client can vanish mid-stream. */
const longTalker = () => scriptedAgent('talker', { fallback: { text: 'a long story', audioMs: 10_000 } });

async function zeroLeft(port: number, text: () => Promise<string>): Promise<void> {
  await eventually(
    () => health(port),
    (h) => h.connections === 0 && h.rooms === 0,
    'connections and rooms after the clients vanished',
  );
  const metrics = await text();
  expect(metric(metrics, 'chorus_rooms')).toBe(0);
  expect(metric(metrics, 'chorus_connections{route="chorus"}')).toBe(0);
  expect(metric(metrics, 'chorus_connections{route="openai"}')).toBe(0);
  expect(metric(metrics, 'chorus_sessions{route="chorus"}')).toBe(0);
  expect(metric(metrics, 'chorus_sessions{route="openai"}')).toBe(0);
}

describe('a client vanishing mid-stream leaves nothing behind', () => {
  it('Chorus and OpenAI clients cut off (no close frame) while agents stream audio', async () => {
    // Without resumption: a vanished Chorus client's session would otherwise be held for its grace
    // period (test/conversations/client-resume.test.ts pins that it is released afterwards).
    const gateway = await startGateway({ rooms: { talker: longTalker }, resumption: { graceMs: 0 } });
    server = gateway.server;
    const clients: WsClient[] = [];
    for (let i = 0; i < 4; i++) {
      const chorus = new WsClient(`${gateway.base}/ws/u${i}/s${i}`, bearer(KEY));
      await chorus.opened;
      chorus.send({ type: 'client_session_create', config: {} });
      await chorus.waitForType('server_session_created');
      chorus.send({ type: 'client_text_append', text: 'tell me a story' });
      chorus.send({ type: 'client_response_create' });
      const openai = new WsClient(`${gateway.base}/v1/realtime?model=talker`, bearer(KEY));
      await openai.opened;
      openai.send({ type: 'response.create' });
      clients.push(chorus, openai);
    }
    await Promise.all([
      ...clients.filter((_, i) => i % 2 === 0).map((c) => c.waitForType('agent_response_audio_delta')),
      ...clients.filter((_, i) => i % 2 === 1).map((c) => c.waitForType('response.output_audio.delta')),
    ]);
    const during = await health(gateway.port);
    expect(during).toMatchObject({ connections: 8, rooms: 8 });
    // Gone without a close handshake, as when a phone loses its network.
    for (const c of clients) c.ws.terminate();
    await zeroLeft(gateway.port, () => gateway.server.metrics.text());
  });

  it('a client vanishing while its room is still starting leaves no room behind', async () => {
    const created: RealtimeAgent[] = [];
    let release: () => void = () => {};
    const starting = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gateway = await startGateway({
      rooms: {
        slow: async () => {
          await starting;
          const agent = longTalker();
          created.push(agent);
          return agent;
        },
      },
    });
    server = gateway.server;
    const chorus = new WsClient(`${gateway.base}/ws/u/slow`, bearer(KEY));
    await chorus.opened;
    chorus.send({ type: 'client_session_create', config: {} });
    const openai = new WsClient(`${gateway.base}/v1/realtime?model=slow`, bearer(KEY));
    await openai.opened;
    await eventually(
      () => health(gateway.port),
      (h) => h.connections === 2,
      'both connected',
    );
    chorus.ws.terminate();
    openai.ws.terminate();
    await eventually(
      () => health(gateway.port),
      (h) => h.connections === 0,
      'both gone',
    );
    release();
    // Both rooms finish starting after their clients left, and must be stopped then.
    await eventually(
      () => created.map((agent) => agent.state),
      (states) => states.length === 2 && states.every((s) => s === 'stopped'),
      'agents of the abandoned rooms',
    );
    await zeroLeft(gateway.port, () => gateway.server.metrics.text());
  });
});

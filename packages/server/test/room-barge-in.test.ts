import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { ScriptedModel } from '@chorus/core/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { TestClient } from './client.fixture.js';

// A reply cut by a barge-in is closed for every client of the room, with the words the listener
// heard, before the next reply begins, so no page glues the cut reply onto the next one.

// Sixty words of equal length, one per 40 ms chunk: 2.4 s, long enough for the barge-in to land
// inside it on a slow machine; the heard share does not depend on when it lands.
const STORY = Array.from({ length: 60 }, (_, i) => `w${String(i).padStart(2, '0')}`).join(' ');

let server: ChorusServer | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server?.close();
  server = undefined;
});

async function join(base: string, user: string): Promise<TestClient> {
  const client = new TestClient(`${base}/ws/${user}/s1`);
  clients.push(client);
  await client.opened;
  client.send({ type: 'client_session_create', config: { room: 'story', user_name: user } });
  await client.waitForType('server_session_created');
  return client;
}

describe('interrupted replies through the gateway', () => {
  it('closes the cut reply with the heard words (transcript done, audio done) before the next reply', async () => {
    server = createChorusServer({
      rooms: {
        story: () =>
          new ChatRoom({
            agents: [
              new RealtimeAgent({
                name: 'Teller',
                instructions: 'Tell stories.',
                model: new ScriptedModel({
                  chunkMs: 40,
                  script: [{ match: /story/, reply: { text: STORY } }],
                  fallback: { text: 'It is noon.' },
                }),
              }),
            ],
          }),
      },
      auth: { insecureDev: true },
      logger: pino({ level: 'silent' }),
      env: {},
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const base = `ws://127.0.0.1:${port}`;
    const ann = await join(base, 'ann');
    const bob = await join(base, 'bob');
    ann.send({ type: 'client_text_append', text: 'a story please' });
    const first = await ann.waitForType('agent_response_audio_delta');
    // Ann's page played 100 ms of it (2.5 words); then Bob talks over the agent.
    ann.send({ type: 'client_playback_position', item_id: first.item_id, audio_end_ms: 100 });
    await ann.waitFor(
      (m) =>
        m.type === 'agent_response_audio_delta' && ann.messages.filter((x) => x.type === m.type).length >= 4,
    );
    bob.send({ type: 'client_text_append', text: 'what time is it?' });
    await ann.waitFor(
      (m) => m.type === 'agent_response_audio_transcript_done' && m.transcript === 'It is noon.',
    );
    await bob.waitFor(
      (m) => m.type === 'agent_response_audio_transcript_done' && m.transcript === 'It is noon.',
    );
    for (const client of [ann, bob]) {
      const ofCut = client.messages.filter((m) => m.response_id === first.response_id).map((m) => m.type);
      expect(ofCut.slice(ofCut.indexOf('agent_response_interrupted'))).toEqual([
        'agent_response_interrupted',
        'agent_response_audio_transcript_done',
        'agent_response_audio_done',
        'agent_response_done',
        'agent_turn_metrics',
      ]);
      const closed = client.messages.find(
        (m) => m.type === 'agent_response_audio_transcript_done' && m.response_id === first.response_id,
      );
      // What the listener heard: 100 ms of 40 ms words.
      expect(closed).toMatchObject({ interrupted: true, transcript: 'w00 w01' });
      expect(
        client.messages.find(
          (m) => m.type === 'agent_response_audio_done' && m.response_id === first.response_id,
        ),
      ).toMatchObject({ interrupted: true });
      // The cut reply is closed before the next one is created.
      const closedAt = client.messages.indexOf(closed as Record<string, unknown>);
      const nextAt = client.messages.findIndex(
        (m) => m.type === 'agent_response_created' && m.response_id !== first.response_id,
      );
      expect(closedAt).toBeLessThan(nextAt);
    }
  });
});

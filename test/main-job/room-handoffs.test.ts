import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRoomFile, ROOM_HELP } from '@chorus/cli';
import type { ChatRoom } from '@chorus/core';
import { localModels } from '@chorus/examples';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import frontDesk from './fixtures/front-desk-room.js';
import { ChorusTestClient, type Received } from './ws-client.js';

// Handoffs in shared rooms, through the gateway on a real socket: the `chorus room --help` example
// and a front desk with a tool and a handoff to billing each answer a request once, from the agent
// the request was handed to.

let scratch: string;
let server: ChorusServer | undefined;
const clients: ChorusTestClient[] = [];
const rooms: ChatRoom[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'chorus-handoffs-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await server?.close();
  server = undefined;
  rooms.length = 0;
});

async function serve(): Promise<string> {
  const example = /^ {2}\{\n[\s\S]*?\n {2}\}$/m.exec(ROOM_HELP)?.[0];
  if (!example) throw new Error('no JSON example in ROOM_HELP');
  const file = join(scratch, 'help-example.json');
  writeFileSync(file, example);
  const helpExample = await loadRoomFile(file);
  const model = localModels({ speed: 20, transcriber: null });
  const keep = (room: unknown) => {
    rooms.push(room as ChatRoom);
    return room as ChatRoom;
  };
  server = createChorusServer({
    rooms: {
      'help-example': () => keep(helpExample({ model })),
      'front-desk': () => keep(frontDesk({ model })),
    },
    auth: { insecureDev: true },
    logger: pino({ level: 'silent' }),
    env: {},
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return `ws://127.0.0.1:${port}/ws`;
}

async function join_(base: string, room: string, user: string): Promise<ChorusTestClient> {
  const client = new ChorusTestClient(`${base}/${user}/s1`);
  clients.push(client);
  await client.opened;
  client.send({ type: 'client_session_create', config: { room, user_name: user } });
  await client.waitForType('server_session_created');
  return client;
}

const said = (m: Received) => m.type === 'agent_response_audio_transcript_done';
const words = (client: ChorusTestClient) =>
  client.messages.filter(said).map((m) => `${String(m.agent_name)}: ${String(m.transcript)}`);
const responsesOf = (client: ChorusTestClient, agent: string) =>
  client.messages.filter((m) => m.type === 'agent_response_created' && m.agent_name === agent).length;

describe('handoffs in rooms, through the gateway', () => {
  it('the `chorus room --help` example: Max answers "Ava, tell me a joke" once, with the joke', async () => {
    const base = await serve();
    const ann = await join_(base, 'help-example', 'Ann');
    ann.send({ type: 'client_text_append', text: 'Ava, tell me a joke' });
    await ann.waitFor((m) => said(m) && m.agent_name === 'Max');
    // Every decision the room had to make about this input is made by now.
    await rooms[0]?.settled();
    expect(words(ann)).toEqual(['Ava: Max tells the jokes.', 'Max: I told a joke once. Nobody laughed.']);
    expect(ann.of('agent_handoff')).toMatchObject([{ from: 'Ava', to: 'Max' }]);
    expect(responsesOf(ann, 'Max')).toBe(1);
  });

  it('a front desk with a tool and a handoff to billing: billing answers the charge once', async () => {
    const base = await serve();
    const ann = await join_(base, 'front-desk', 'Ann');
    ann.send({ type: 'client_text_append', text: 'Where is order 42?' });
    await ann.waitFor((m) => said(m) && m.agent_name === 'FrontDesk');
    ann.send({ type: 'client_text_append', text: 'I was charged twice last month' });
    await ann.waitFor((m) => said(m) && m.agent_name === 'billing');
    await rooms[0]?.settled();
    expect(words(ann)).toEqual([
      'FrontDesk: Order 42 ships tomorrow.',
      'FrontDesk: Let me get billing for you.',
      'billing: I see the double charge and have refunded it.',
    ]);
    expect(ann.of('agent_response_tool_result')).toMatchObject([
      { tool_result: { name: 'lookup_order', output: 'Order 42 ships tomorrow.' } },
    ]);
    expect(responsesOf(ann, 'billing')).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, scriptedAgent, startGateway } from './support/gateway.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { bearer, type Json, WsClient } from './support/ws-client.js';

failOnProcessErrors();

let gateway: Awaited<ReturnType<typeof startGateway>>;
const clients: WsClient[] = [];
beforeAll(async () => {
  gateway = await startGateway({
    rooms: {
      assistant: () => scriptedAgent(),
      // A model without image input refuses images: the agent reports an invalid_request_error.
      'no-images': () => scriptedAgent('no-images', { capabilities: { imageInput: false } }),
    },
  });
});
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await gateway.server.close();
});

async function openai(model = 'assistant'): Promise<WsClient> {
  const client = new WsClient(`${gateway.base}/v1/realtime?model=${model}`, bearer(KEY));
  clients.push(client);
  await client.opened;
  await client.waitForType('session.created');
  return client;
}

/** The answer to the event sent with `event_id: id`: its `error`, or the first of `types` after it. */
async function answerTo(client: WsClient, from: number, id: string, ...types: string[]): Promise<Json> {
  return client.waitFor(
    (m) => (m.type === 'error' && (m.error as Json).event_id === id) || types.includes(m.type as string),
    `the answer to ${id}`,
    from,
  );
}

const image = (bytes: Buffer) => ({
  type: 'conversation.item.create',
  item: {
    type: 'message',
    role: 'user',
    content: [{ type: 'input_image', image_url: `data:image/png;base64,${bytes.toString('base64')}` }],
  },
});
const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('OpenAI route: only allowed output sample rates', () => {
  it.each([
    [
      'audio.output.format',
      { output: { format: { type: 'audio/pcm', rate: 2e9 } } },
      'session.audio.output.format.rate',
    ],
    [
      'audio.output.format',
      { output: { format: { type: 'audio/pcm', rate: 16_000 } } },
      'session.audio.output.format.rate',
    ],
    [
      'audio.input.format',
      { input: { format: { type: 'audio/pcm', rate: 1e8 } } },
      'session.audio.input.format.rate',
    ],
  ])(
    'a session.update asking for %s %j is refused naming %s; the session keeps 24 kHz',
    async (_what, audio, param) => {
      const client = await openai();
      const from = client.messages.length;
      client.send({ type: 'session.update', event_id: 'rate-1', session: { type: 'realtime', audio } });
      const answer = await answerTo(client, from, 'rate-1', 'session.updated');
      expect(answer.type).toBe('error');
      expect(answer.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value', param });
      // The next update echoes the whole session: its formats are still the defaults.
      const next = client.messages.length;
      client.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.' } });
      const updated = await client.waitForType('session.updated', next);
      const session = updated.session as { audio: { input: Json; output: Json } };
      expect(session.audio.output.format).toEqual({ type: 'audio/pcm', rate: 24_000 });
      expect(session.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24_000 });
    },
  );
});

describe('OpenAI route: prototype keys never reach the merged session', () => {
  it.each([
    [
      '__proto__',
      '{"type":"session.update","event_id":"p-1","session":{"type":"realtime","__proto__":{"polluted":true}}}',
      'session.__proto__',
    ],
    [
      'constructor.prototype',
      '{"type":"session.update","event_id":"p-1","session":{"type":"realtime","constructor":{"prototype":{"polluted":true}}}}',
      'session.constructor.prototype',
    ],
    [
      'constructor',
      '{"type":"session.update","event_id":"p-1","session":{"type":"realtime","constructor":{"x":1}}}',
      'session.constructor',
    ],
  ])('a session.update with %s is refused naming it', async (_key, frame, param) => {
    const client = await openai();
    const from = client.messages.length;
    client.send(frame);
    const answer = await answerTo(client, from, 'p-1', 'session.updated');
    expect(answer.type).toBe('error');
    expect(answer.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(({} as Json).polluted).toBeUndefined();
  });
});

describe('OpenAI route: what is refused is not stored, and the error keeps its type and event_id', () => {
  it('a 0.9 MB (base64) "image" that is not an image is refused with invalid_image, neither stored nor echoed', async () => {
    const client = await openai();
    const from = client.messages.length;
    for (let i = 0; i < 20; i++) client.send({ ...image(Buffer.alloc(700_000, 7)), event_id: `img-${i}` });
    await answerTo(client, from, 'img-19');
    const errors = client.messages.slice(from).filter((m) => m.type === 'error');
    expect(errors).toHaveLength(20);
    expect(errors[0]?.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_image',
      param: 'item.content[0].image_url',
      event_id: 'img-0',
    });
    expect(client.messages.slice(from).filter((m) => m.type === 'conversation.item.added')).toEqual([]);
  });

  it('an image the model refuses: the core error keeps invalid_request_error and the event_id; the item is not stored', async () => {
    const client = await openai('no-images');
    const from = client.messages.length;
    const png = Buffer.concat([PNG_HEADER, Buffer.alloc(1000)]);
    client.send({ ...image(png), event_id: 'png-1' });
    const answer = await answerTo(client, from, 'png-1', 'conversation.item.added');
    expect(answer.type).toBe('error');
    expect(answer.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'unsupported_input',
      event_id: 'png-1',
    });
    // Nothing was stored under the id the client chose either.
    const next = client.messages.length;
    client.send({ type: 'conversation.item.retrieve', item_id: 'item_png', event_id: 'get-1' });
    expect((await answerTo(client, next, 'get-1', 'conversation.item.retrieved')).type).toBe('error');
  });
});

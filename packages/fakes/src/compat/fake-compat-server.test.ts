import { decodeWav, encodeWav, generateTone } from '@chorus/audio';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeCompatServer } from './fake-compat-server.js';

let server: FakeCompatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server?.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function sseData(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice(6))
    .map((data) => (data === '[DONE]' ? '[DONE]' : JSON.parse(data)));
}

describe('fake OpenAI-compatible server', () => {
  it('streams chat content and tool calls as SSE chunks ending in [DONE]', async () => {
    server = await FakeCompatServer.start({
      chunkChars: 5,
      chat: () => ({
        content: 'Checking now.',
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      }),
    });
    const res = await post('/v1/chat/completions', {
      model: 'llama3',
      stream: true,
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = sseData(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const deltas = events
      .slice(0, -1)
      .map(
        (e) =>
          (e as { choices: { delta: Record<string, unknown>; finish_reason: string | null }[] }).choices[0],
      );
    expect(deltas[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(deltas.map((d) => d?.delta.content ?? '').join('')).toBe('Checking now.');
    expect(deltas.filter((d) => d?.delta.content).map((d) => d?.delta.content)).toEqual([
      'Check',
      'ing n',
      'ow.',
    ]);
    const toolDeltas = deltas.flatMap(
      (d) =>
        (d?.delta.tool_calls as {
          index: number;
          id?: string;
          function: { name?: string; arguments: string };
        }[]) ?? [],
    );
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(toolDeltas.map((t) => t.function.arguments).join('')).toBe('{"city":"Paris"}');
    expect(deltas.at(-1)?.finish_reason).toBe('tool_calls');
    expect(server.chatRequests[0]?.tools[0]?.function.name).toBe('get_weather');
  });

  it('answers without streaming in one chat.completion object', async () => {
    server = await FakeCompatServer.start();
    const res = await post('/v1/chat/completions', {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const body = (await res.json()) as {
      object: string;
      choices: { message: { content: string }; finish_reason: string }[];
    };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]?.message.content).toBe('You said: hi');
    expect(body.choices[0]?.finish_reason).toBe('stop');
  });

  it('rejects bad requests with OpenAI-shaped errors', async () => {
    server = await FakeCompatServer.start({ apiKey: 'k' });
    const unauthorized = await post('/v1/chat/completions', { model: 'm', messages: [] });
    expect(unauthorized.status).toBe(401);
    expect(((await unauthorized.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    const missing = await post('/v1/chat/completions', { model: 'm' }, { authorization: 'Bearer k' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: {
        message: "Missing required parameter: 'messages'.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'missing_required_parameter',
      },
    });
    const unknown = await post('/v1/nothing', {}, { authorization: 'Bearer k' });
    expect(unknown.status).toBe(404);
  });

  it('takes a multipart transcription upload and returns json or text', async () => {
    server = await FakeCompatServer.start({
      transcribe: (req) => `heard ${req.file.length} bytes with ${req.model}`,
    });
    const wav = encodeWav(generateTone(440, 100, 16000), 16000);
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), 'turn.wav');
    form.append('model', 'whisper-1');
    form.append('prompt', 'book an appointment');
    const res = await fetch(`${server.baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form });
    expect(await res.json()).toEqual({ text: `heard ${wav.length} bytes with whisper-1` });
    expect(server.transcriptionRequests[0]).toMatchObject({
      filename: 'turn.wav',
      fields: { model: 'whisper-1', prompt: 'book an appointment' },
    });
    expect(server.transcriptionRequests[0]?.file).toEqual(wav);

    const asText = new FormData();
    asText.append('file', new Blob([wav]), 'a.wav');
    asText.append('model', 'whisper-1');
    asText.append('response_format', 'text');
    const text = await fetch(`${server.baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: asText });
    expect(await text.text()).toBe(`heard ${wav.length} bytes with whisper-1`);

    const noFile = new FormData();
    noFile.append('model', 'whisper-1');
    const bad = await fetch(`${server.baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: noFile });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('file');
  });

  it('speaks as wav or raw 24 kHz pcm, as long as the text', async () => {
    server = await FakeCompatServer.start({ speechMsPerChar: 50 });
    const wav = await post('/v1/audio/speech', {
      model: 'tts-1',
      input: 'Hello there',
      voice: 'alloy',
      response_format: 'wav',
    });
    const decoded = decodeWav(new Uint8Array(await wav.arrayBuffer()));
    expect(decoded.rate).toBe(24000);
    expect(decoded.samples.length).toBe(13200);
    const pcm = await post('/v1/audio/speech', {
      model: 'tts-1',
      input: 'Hi',
      voice: 'alloy',
      response_format: 'pcm',
    });
    expect((await pcm.arrayBuffer()).byteLength).toBe(4800);
    const mp3 = await post('/v1/audio/speech', { model: 'tts-1', input: 'Hi', voice: 'alloy' });
    expect(mp3.status).toBe(400);
    expect(server.speechRequests.map((r) => r.responseFormat)).toEqual(['wav', 'pcm']);
  });
});

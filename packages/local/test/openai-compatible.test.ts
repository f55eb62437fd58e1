import { addNoise, bytesFromPcm16, decodeWav, generateSilence, generateTone } from '@chorus/audio';
import type { ConversationItem } from '@chorus/core';
import { type FakeCompatServer, startFakeCompatServer } from '@chorus/fakes';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatCompletionsBrain,
  chatMessages,
  LocalModel,
  rulesBrain,
  speechEndpointTts,
  transcriptionEndpoint,
} from '../src/index.js';
import { EventLog, session, tool } from './helpers.js';

let server: FakeCompatServer | undefined;
const models: LocalModel[] = [];
afterEach(async () => {
  await Promise.all(models.splice(0).map((m) => m.close()));
  await server?.close();
  server = undefined;
});

describe('chatCompletionsBrain against a fake OpenAI-compatible server', () => {
  it('streams the reply into speech and turns streamed tool calls into tool_use_done', async () => {
    server = await startFakeCompatServer({
      chunkChars: 3,
      chat: (req) =>
        req.messages.at(-1)?.role === 'tool'
          ? { content: 'It is sunny in Paris. Anything else?' }
          : {
              content: 'One moment.',
              toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
            },
    });
    const model = new LocalModel({
      brain: chatCompletionsBrain({ url: `${server.baseUrl}/v1`, model: 'llama3.2' }),
      transcriber: null,
      vad: null,
      speed: 50,
    });
    models.push(model);
    const log = new EventLog(model);
    await model.connect(
      session({ instructions: 'Be brief.', tools: [tool('get_weather', { city: { type: 'string' } })] }),
    );
    model.send({ type: 'text', text: 'Weather in Paris?' });
    model.createResponse();
    await log.next('model_response_done');
    expect(log.of('model_response_tool_use_done')[0]?.tool_use).toEqual({
      id: 'call_w1',
      name: 'get_weather',
      input: { city: 'Paris' },
      raw_input: '{"city":"Paris"}',
    });
    expect(log.transcript()).toBe('One moment.');
    const first = server.chatRequests[0];
    expect(first?.stream).toBe(true);
    expect(first?.model).toBe('llama3.2');
    expect(first?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    expect(first?.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'get_weather tool',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ]);

    model.send({
      type: 'tool_result',
      callId: 'call_w1',
      name: 'get_weather',
      output: '{"forecast":"sunny"}',
    });
    model.createResponse();
    await log.next('model_response_done');
    expect(log.of('model_response_audio_transcript_done')[1]?.transcript).toBe(
      'It is sunny in Paris. Anything else?',
    );
    expect(server.chatRequests[1]?.messages.slice(1)).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: 'One moment.',
        tool_calls: [
          {
            id: 'call_w1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_w1', content: '{"forecast":"sunny"}' },
    ]);
  });

  it('reports a server error as a model_error and a failed response', async () => {
    server = await startFakeCompatServer({ apiKey: 'secret' });
    const model = new LocalModel({
      brain: chatCompletionsBrain({ url: server.baseUrl, model: 'm' }),
      transcriber: null,
      vad: null,
      tts: null,
    });
    models.push(model);
    const log = new EventLog(model);
    await model.connect(session());
    model.send({ type: 'text', text: 'hi' });
    model.createResponse();
    const done = await log.next('model_response_done');
    expect(done.status).toBe('failed');
    expect(log.of('model_error')[0]?.message).toBe(
      `chat-completions brain: ${server.baseUrl}/chat/completions answered HTTP 401: Incorrect API key provided.`,
    );
  });

  it('maps speakers, system notes and parallel tool calls into chat messages', () => {
    const history: ConversationItem[] = [
      { type: 'message', id: '1', role: 'user', text: 'hi', speaker: 'Ana' },
      { type: 'message', id: '2', role: 'system', text: 'Ana joined' },
      { type: 'function_call', id: '3', callId: 'a', name: 'x', arguments: '{}' },
      { type: 'function_call', id: '4', callId: 'b', name: 'y', arguments: '{}' },
    ];
    expect(chatMessages('Be kind.', history, 'Answer in French.')).toEqual([
      { role: 'system', content: 'Be kind.\n\nAnswer in French.' },
      { role: 'user', content: 'Ana: hi' },
      { role: 'system', content: 'Ana joined' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'x', arguments: '{}' } },
          { id: 'b', type: 'function', function: { name: 'y', arguments: '{}' } },
        ],
      },
    ]);
  });
});

describe('transcriptionEndpoint against a fake OpenAI-compatible server', () => {
  it('uploads each spoken turn as a WAV and answers what the server heard', async () => {
    server = await startFakeCompatServer({ transcribe: () => 'What is the weather in Paris?' });
    const model = new LocalModel({
      brain: rulesBrain({ intents: [{ match: /weather in (?<city>\w+)/i, reply: 'Looking up {city}.' }] }),
      transcriber: transcriptionEndpoint({ url: `${server.baseUrl}/v1`, model: 'whisper-1' }),
      tts: null,
    });
    models.push(model);
    const log = new EventLog(model);
    await model.connect(
      session({
        modalities: ['text'],
        turnDetection: { type: 'server_vad', prefixPaddingMs: 200, silenceDurationMs: 500 },
      }),
    );
    const signal = new Int16Array(16000 * 1.7);
    signal.set(generateSilence(300, 16000), 0);
    signal.set(generateTone(300, 400, 16000, 0.5), 4800);
    const audio = addNoise(signal, 0.01, 3);
    for (let i = 0; i < audio.length; i += 320) {
      model.send({
        type: 'audio',
        audio: bytesFromPcm16(audio.subarray(i, i + 320)),
        format: { type: 'audio/pcm', rate: 16000 },
      });
    }
    const done = await log.next('model_input_transcription_done', { seen: true });
    expect(done.transcript).toBe('What is the weather in Paris?');
    await log.next('model_response_done');
    expect(log.of('model_response_text_done')[0]?.text).toBe('Looking up Paris.');
    const upload = server.transcriptionRequests[0];
    expect(upload?.fields).toMatchObject({
      model: 'whisper-1',
      response_format: 'json',
      prompt: 'weather, in',
    });
    // the uploaded turn runs from audio_start_ms (100) to audio_end_ms (1320): 1220 ms at 16 kHz
    const wav = decodeWav(upload?.file ?? new Uint8Array());
    expect(wav.rate).toBe(16000);
    expect(wav.samples.length).toBe(16000 * 1.22);
  });
});

describe('speechEndpointTts against a fake OpenAI-compatible server', () => {
  it('speaks through /v1/audio/speech with estimated word positions', async () => {
    server = await startFakeCompatServer({ speechMsPerChar: 50 });
    const tts = speechEndpointTts({ url: `${server.baseUrl}/v1`, model: 'kokoro' });
    const speech = await tts.synthesize('Hello big world', { voice: 'coral' });
    expect(speech.sampleRate).toBe(24000);
    expect(speech.audio.length).toBe(24000 * 0.75);
    expect(speech.words.map((w) => w.textOffset)).toEqual([0, 6, 10]);
    expect(speech.words.map((w) => Math.round(w.audioMs))).toEqual([0, 288, 462]);
    expect(server.speechRequests[0]).toEqual({
      model: 'kokoro',
      input: 'Hello big world',
      voice: 'coral',
      responseFormat: 'wav',
    });
  });
});

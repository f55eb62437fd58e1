import { type ChorusServer, createChorusServer } from '@chorus/server';
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { chorusAssistant } from './chorus-assistant.fixture.js';

let server: ChorusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function until<T>(
  subscribe: (resolve: (value: T) => void) => void,
  label: string,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${label}`)), timeoutMs);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe('@openai/agents-realtime RealtimeSession over OpenAIRealtimeWebSocket against /v1/realtime', () => {
  it('holds a conversation: text in, Chorus-run tool call, transcript and audio out, an interruption', async () => {
    server = createChorusServer({
      rooms: { assistant: chorusAssistant },
      auth: { apiKeys: ['sk-dummy'] },
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const transport = new OpenAIRealtimeWebSocket({ url: `ws://127.0.0.1:${port}/v1/realtime` });
    const session = new RealtimeSession(
      new RealtimeAgent({ name: 'client-side', instructions: 'Be brief.' }),
      {
        transport,
      },
    );
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const raw: { type: string }[] = [];
    session.on('transport_event', (event) => raw.push(event as { type: string }));
    let audioBytes = 0;
    session.on('audio', (event) => {
      audioBytes += event.data.byteLength;
    });
    await session.connect({ apiKey: 'sk-dummy' });

    // Checked after every transport event the SDK reports (the `raw` listener runs first).
    const untilRaw = (holds: () => boolean, label: string) =>
      until<void>((resolve) => {
        const check = () => {
          if (!holds()) return;
          session.off('transport_event', check);
          resolve();
        };
        session.on('transport_event', check);
        check();
      }, label);

    const answered = untilRaw(
      () =>
        raw.some(
          (e) =>
            e.type === 'response.output_audio_transcript.done' &&
            (e as unknown as { transcript: string }).transcript.includes('21 degrees'),
        ),
      'the answer after the tool call',
    );
    session.sendMessage('What is the weather in Paris?');
    await answered;
    await untilRaw(() => raw.filter((e) => e.type === 'response.done').length >= 2, 'both responses done');
    // 120 ms of 24 kHz PCM16 in 20 ms chunks.
    expect(audioBytes).toBe(6 * 960);
    const history = session.history;
    const assistant = history.find((item) => item.type === 'message' && item.role === 'assistant');
    expect(JSON.stringify(assistant)).toContain('It is 21 degrees in Paris.');
    expect(raw.map((e) => e.type)).toEqual(
      expect.arrayContaining(['session.created', 'session.updated', 'response.created', 'response.done']),
    );
    const toolOutput = raw.find(
      (e) =>
        e.type === 'conversation.item.done' &&
        (e as unknown as { item: { type: string } }).item.type === 'function_call_output',
    );
    expect(toolOutput).toMatchObject({ item: { call_id: 'call_1', output: '{"city":"Paris","temp_c":21}' } });

    // Interruption: cut the second response after its first audio.
    const firstAudio = until<void>((resolve) => session.once('audio', () => resolve()), 'audio');
    const cancelled = until<{ response: { status: string } }>(
      (resolve) =>
        session.on('transport_event', (event) => {
          const e = event as unknown as { type: string; response?: { status: string } };
          if (e.type === 'response.done' && e.response?.status === 'cancelled')
            resolve(e as { response: { status: string } });
        }),
      'cancelled response',
    );
    session.sendMessage('Tell me a story');
    await firstAudio;
    session.interrupt();
    expect((await cancelled).response.status).toBe('cancelled');
    // The SDK answers conversation.item.truncated with conversation.item.retrieve.
    await untilRaw(
      () => raw.some((e) => e.type === 'conversation.item.retrieved'),
      'truncated then retrieved',
    );
    expect(raw.some((e) => e.type === 'conversation.item.truncated')).toBe(true);
    expect(errors).toEqual([]);
    session.close();
  });
});

import { ModelConnection, type SessionConfig } from '@chorus/core/provider';
import { type FakeRealtimeServer, startFakeOpenAIRealtime } from '@chorus/fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIRealtimeModel } from '../src/index.js';

const session: SessionConfig = {
  instructions: 'Be brief.',
  tools: [],
  modalities: ['text'],
  inputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'none' },
  inputTranscription: false,
};

let fake: FakeRealtimeServer | undefined;
let connection: ModelConnection | undefined;

afterEach(async () => {
  await connection?.stop();
  await connection?.model.close();
  await fake?.close();
  connection = undefined;
  fake = undefined;
});

function textOf(item: Record<string, unknown>): string | undefined {
  return (item.content as Array<{ text?: string }> | undefined)?.[0]?.text;
}

describe('OpenAIRealtimeModel through the core ModelConnection', () => {
  it('reconnects after a drop mid-response, replays the conversation, and delivers input sent during the gap', async () => {
    fake = await startFakeOpenAIRealtime();
    const f = fake;
    const model = new OpenAIRealtimeModel({ apiKey: 'test-key', url: f.url });
    connection = new ModelConnection(model, {
      retry: { baseMs: 0, capMs: 0, maxAttempts: 3 },
      random: () => 0,
      history: () => model.conversation(),
    });
    const states: string[] = [];
    let sentDuringGap = false;
    connection.status$.subscribe((status) => {
      states.push(status.state);
      if (status.state === 'reconnecting' && !sentDuringGap) {
        sentDuringGap = true;
        connection?.send({ type: 'text', text: 'said during the gap' });
      }
    });
    f.queueResponse({ text: 'one two three four', fault: { afterChunks: 2, fault: { type: 'drop' } } });
    await connection.start(session);
    connection.send({ type: 'text', text: 'first question' });
    connection.createResponse();
    await f.waitFor(
      () => (f.connections[1]?.conversation ?? []).some((item) => textOf(item) === 'said during the gap'),
      'the gap input on the new connection',
    );
    expect(f.connections[1]?.conversation.map(textOf)).toEqual(['first question', 'said during the gap']);
    expect(states).toEqual([
      'disconnected',
      'connecting',
      'connected',
      'reconnecting',
      'connecting',
      'connected',
    ]);
    expect(f.connections[0]?.closed).toBe(true);
  });
});

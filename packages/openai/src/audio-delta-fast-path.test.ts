import { AudioConverter } from '@chorus/audio';
import { startFakeDashScopeRealtime, startFakeOpenAIRealtime } from '@chorus/fakes';
import { type AudioFormat, audioDeltaBytes, type ModelEvent } from '@chorus/protocol';
import { parseOpenAIServerEvent, readOpenAIAudioDelta } from '@chorus/protocol/openai';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConversationLog } from './conversation-log.js';
import { ProviderEventMapper } from './provider-event-mapper.js';

// The fast path (audio deltas read from the received bytes) against the full parse, on frames a
// provider fake sent over a real socket, exactly as received: the same model events, event for
// event, and the same audio, byte for byte.

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** The frames of one spoken response, as the socket delivered them. */
async function recordResponse(url: string, afterCreated: boolean): Promise<Buffer[]> {
  const ws = new WebSocket(url, { headers: { Authorization: 'Bearer test-key' } });
  stops.push(async () => ws.terminate());
  const frames: Buffer[] = [];
  let recording = false;
  const ask = () => {
    ws.send(
      JSON.stringify({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
      }),
    );
    ws.send(JSON.stringify({ type: 'response.create' }));
  };
  const done = new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      const type = (JSON.parse(data.toString()) as { type: string }).type;
      if (type === 'session.created' && afterCreated) ask();
      if (type === 'response.created') recording = true;
      if (recording) frames.push(data);
      if (type === 'response.done') resolve();
    });
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  if (!afterCreated) ask();
  await done;
  return frames;
}

function mapper(converter: AudioConverter | undefined, providerOut: AudioFormat) {
  const events: ModelEvent[] = [];
  const m = new ProviderEventMapper('openai', new ConversationLog(), {
    emit: (event) => events.push(event),
    onProviderError: () => {},
    onResponseStarted: () => {},
    onResponseFinished: () => {},
    onSpeechChanged: () => {},
  });
  m.setAudio(converter, providerOut);
  return { m, events };
}

async function compare(frames: readonly Buffer[], providerOut: AudioFormat, clientOut: AudioFormat) {
  const full = mapper(await AudioConverter.create(providerOut, clientOut), providerOut);
  const fast = mapper(await AudioConverter.create(providerOut, clientOut), providerOut);
  let read = 0;
  for (const frame of frames) {
    const parsed = parseOpenAIServerEvent(frame);
    if (!parsed.ok || parsed.unknown) throw new Error('the fake sent a frame the full parse refuses');
    full.m.map(parsed.event);
    const delta = readOpenAIAudioDelta(frame);
    if (delta) {
      read++;
      fast.m.audioBytes(delta.response_id, delta.item_id, delta.audio);
    } else fast.m.map(parsed.event);
  }
  expect(fast.events.length).toBe(full.events.length);
  fast.events.forEach((event, i) => {
    const expected = full.events[i] as ModelEvent;
    expect(JSON.stringify(event)).toBe(JSON.stringify(expected));
    if (event.type === 'model_response_audio_delta' && expected.type === 'model_response_audio_delta') {
      const bytes = audioDeltaBytes(event);
      expect(bytes).toBeDefined();
      expect(Buffer.from(bytes as Uint8Array).equals(Buffer.from(expected.delta, 'base64'))).toBe(true);
    }
  });
  return { read, deltas: full.events.filter((e) => e.type === 'model_response_audio_delta').length };
}

describe('audio deltas read from the received frame as bytes', () => {
  it('OpenAI GA frames from the fake: every audio delta read fast, the same events and audio as the full parse', async () => {
    const fake = await startFakeOpenAIRealtime();
    stops.push(() => fake.close());
    const frames = await recordResponse(`${fake.url}?model=gpt-realtime`, false);
    const audioFrames = frames.filter((f) => f.includes('"response.output_audio.delta"'));
    expect(audioFrames.length).toBeGreaterThan(1);
    const pcm24k = { type: 'audio/pcm', rate: 24000 } as const;
    const same = await compare(frames, pcm24k, pcm24k);
    expect(same.read).toBe(audioFrames.length);
    expect(same.deltas).toBe(audioFrames.length);
    // Converted on the way (24 kHz to 16 kHz): the converter gets the same bytes either way.
    const converted = await compare(frames, pcm24k, { type: 'audio/pcm', rate: 16000 });
    expect(converted.read).toBe(audioFrames.length);
  });

  it('DashScope frames (beta names) from its fake: the same events and audio as the full parse', async () => {
    const fake = await startFakeDashScopeRealtime();
    stops.push(() => fake.close());
    const frames = await recordResponse(`${fake.url}?model=qwen3-omni-flash-realtime`, true);
    const audioFrames = frames.filter((f) => f.includes('"response.audio.delta"'));
    expect(audioFrames.length).toBeGreaterThan(1);
    const pcm24k = { type: 'audio/pcm', rate: 24000 } as const;
    const result = await compare(frames, pcm24k, pcm24k);
    expect(result.read).toBe(audioFrames.length);
  });
});

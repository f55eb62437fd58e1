import { AudioConverter, base64FromBytes } from '@chorus/audio';
import type { ModelEvent } from '@chorus/protocol';
import type { OpenAIServerEvent } from '@chorus/protocol/openai';
import { describe, expect, it } from 'vitest';
import { ConversationLog } from './conversation-log.js';
import { ProviderEventMapper } from './provider-event-mapper.js';

function mapper() {
  const events: ModelEvent[] = [];
  const m = new ProviderEventMapper('openai', new ConversationLog(), {
    emit: (event) => events.push(event),
    onProviderError: () => {},
    onResponseStarted: () => {},
    onResponseFinished: () => {},
    onSpeechChanged: () => {},
  });
  return { m, events };
}

const delta = (audio: string): OpenAIServerEvent => ({
  type: 'response.output_audio.delta',
  event_id: 'e1',
  response_id: 'r1',
  item_id: 'i1',
  output_index: 0,
  content_index: 0,
  delta: audio,
});

const pcm24k = { type: 'audio/pcm', rate: 24000 } as const;
const frame = base64FromBytes(new Uint8Array(960).map((_, i) => i * 3));

describe('provider audio deltas', () => {
  it('forward the very string received when no conversion is needed, and count its duration', async () => {
    const { m, events } = mapper();
    const same = await AudioConverter.create(pcm24k, pcm24k);
    m.setAudio(same, pcm24k);
    m.map(delta(frame));
    expect(events).toEqual([
      { type: 'model_response_audio_delta', response_id: 'r1', item_id: 'i1', delta: frame, format: pcm24k },
    ]);
    expect((events[0] as { delta: string }).delta).toBe(frame);
    expect(m.receivedMs('i1')).toBe(20);
    same.dispose();
  });

  it('convert when the formats differ', async () => {
    const { m, events } = mapper();
    const to16k = await AudioConverter.create(pcm24k, { type: 'audio/pcm', rate: 16000 });
    m.setAudio(to16k, pcm24k);
    m.map(delta(frame));
    const out = events[0] as { type: string; delta: string; format: unknown };
    expect(out.type).toBe('model_response_audio_delta');
    expect(out.format).toEqual({ type: 'audio/pcm', rate: 16000 });
    expect(out.delta).not.toBe(frame);
    to16k.dispose();
  });

  it.each([
    ['passed through', pcm24k],
    ['converted', { type: 'audio/pcm', rate: 16000 } as const],
  ])('report audio that is not base64 (%s) as a model error naming the problem', async (_name, to) => {
    const { m, events } = mapper();
    const converter = await AudioConverter.create(pcm24k, to);
    m.setAudio(converter, pcm24k);
    m.map(delta(`-${frame.slice(1)}`));
    expect(events).toEqual([
      {
        type: 'model_error',
        error_type: 'invalid_server_event',
        code: 'invalid_audio',
        message: expect.stringMatching(/^openai: invalid base64 .*character "-" at index 0/),
        fatal: false,
      },
    ]);
    expect(m.receivedMs('i1')).toBeUndefined();
    converter.dispose();
  });
});

import type { GeminiServerMessage } from '@chorus/protocol/gemini';
import { describe, expect, it } from 'vitest';
import { GeminiEventMapper } from './event-mapper.js';

const output = {
  format: { type: 'audio/pcm', rate: 24000 } as const,
  convert: (data: string) => new Uint8Array(Buffer.from(data, 'base64')),
};
const audioPart = { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } };

function mapAll(mapper: GeminiEventMapper, messages: GeminiServerMessage[]) {
  return messages.flatMap((message) => mapper.map(message));
}

describe('GeminiEventMapper: what the service sends beyond the turn', () => {
  it.each([
    ['voiceActivity ACTIVITY_START', { voiceActivity: { voiceActivityType: 'ACTIVITY_START' } }],
    [
      'voiceActivityDetectionSignal SOS',
      { voiceActivityDetectionSignal: { vadSignalType: 'VAD_SIGNAL_TYPE_SOS' } },
    ],
  ] as const)('%s starts the input item at once, before interrupted, and only once', (_name, start) => {
    const mapper = new GeminiEventMapper('g', output, () => 1234);
    mapAll(mapper, [{ serverContent: { modelTurn: { parts: [audioPart] } } }]);
    const atStart = mapper.map(start);
    expect(atStart).toEqual([{ type: 'model_input_started', item_id: 'g-input-1', audio_start_ms: 1234 }]);
    // The response is still open: barge-in does not wait for the service's `interrupted`.
    expect(mapper.responding).toBe(true);
    const after = mapAll(mapper, [
      { voiceActivity: { voiceActivityType: 'ACTIVITY_START' } },
      { serverContent: { interrupted: true } },
      { serverContent: { turnComplete: true } },
      { serverContent: { inputTranscription: { text: 'stop' } } },
      { voiceActivity: { voiceActivityType: 'ACTIVITY_END', audioOffset: '2.5s' } },
    ]);
    expect(after.filter((e) => e.type === 'model_input_started')).toEqual([]);
    expect(after.find((e) => e.type === 'model_response_done')).toMatchObject({ status: 'cancelled' });
    expect(after.find((e) => e.type === 'model_input_transcription_delta')).toMatchObject({
      item_id: 'g-input-1',
    });
    expect(after.at(-1)).toEqual({ type: 'model_input_done', item_id: 'g-input-1', audio_end_ms: 2500 });
  });

  it('passes interimInputTranscription on as a raw event naming the input item', () => {
    const mapper = new GeminiEventMapper('g', output);
    const events = mapper.map({ serverContent: { interimInputTranscription: { text: 'what is th' } } });
    expect(events).toEqual([
      {
        type: 'model_raw',
        provider: 'gemini',
        event: { interimInputTranscription: { item_id: 'g-input-1', text: 'what is th' } },
      },
    ]);
    expect(mapper.map({ serverContent: { inputTranscription: { text: 'what is the time' } } })).toEqual([
      { type: 'model_input_transcription_delta', item_id: 'g-input-1', delta: 'what is the time' },
    ]);
  });

  it('turnCompleteReason: a refused turn without an answer is a non-fatal error; one that ends an answer marks it failed', () => {
    const mapper = new GeminiEventMapper('g', output);
    expect(
      mapper.map({ serverContent: { turnComplete: true, turnCompleteReason: 'PROHIBITED_INPUT_CONTENT' } }),
    ).toEqual([
      {
        type: 'model_error',
        error_type: 'provider',
        code: 'turn_refused',
        message: 'Gemini ended the turn without an answer (turnCompleteReason PROHIBITED_INPUT_CONTENT)',
        fatal: false,
      },
    ]);
    mapper.map({ serverContent: { modelTurn: { parts: [audioPart] } } });
    const done = mapper
      .map({ serverContent: { turnComplete: true, turnCompleteReason: 'GENERATED_AUDIO_SAFETY' } })
      .find((e) => e.type === 'model_response_done');
    expect(done).toMatchObject({
      status: 'failed',
      metadata: { turn_complete_reason: 'GENERATED_AUDIO_SAFETY' },
    });
    expect(
      mapper.map({ serverContent: { turnComplete: true, turnCompleteReason: 'NEED_MORE_INPUT' } }),
    ).toEqual([{ type: 'model_raw', provider: 'gemini', event: { turnCompleteReason: 'NEED_MORE_INPUT' } }]);
  });

  it('a text-only session on an audio-only model drops the audio and reads the transcription as text', () => {
    const mapper = new GeminiEventMapper('g', output);
    mapper.setTextOnly(true);
    const events = mapAll(mapper, [
      { serverContent: { modelTurn: { parts: [audioPart] } } },
      { serverContent: { outputTranscription: { text: 'Hello' } } },
      { serverContent: { turnComplete: true } },
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'model_response_created',
      'model_response_text_delta',
      'model_response_text_done',
      'model_response_done',
    ]);
  });
});

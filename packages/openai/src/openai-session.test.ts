import type { SessionConfig } from '@chorus/core';
import { parseOpenAIClientEvent } from '@chorus/protocol/openai';
import { describe, expect, it } from 'vitest';
import { openaiSession, openaiTurnDetection, openaiWireFormat } from './openai-session.js';

const base: SessionConfig = {
  instructions: 'x',
  tools: [],
  modalities: ['text', 'audio'],
  inputAudioFormat: { type: 'audio/pcm', rate: 48000 },
  outputAudioFormat: { type: 'audio/pcma', rate: 8000 },
  turnDetection: { type: 'server_vad' },
  inputTranscription: false,
};

describe('openaiSession', () => {
  it('maps formats: PCM at any rate becomes 24 kHz, G.711 passes through', () => {
    expect(openaiWireFormat({ type: 'audio/pcm', rate: 16000 })).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(openaiWireFormat({ type: 'audio/pcmu', rate: 8000 })).toEqual({ type: 'audio/pcmu', rate: 8000 });
    expect(openaiSession(base).audio).toEqual({
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        turn_detection: { type: 'server_vad' },
      },
      output: { format: { type: 'audio/pcma' } },
    });
  });

  it('picks one GA output modality: audio when audio is wanted', () => {
    expect(openaiSession(base).output_modalities).toEqual(['audio']);
    expect(openaiSession({ ...base, modalities: ['text'] }).output_modalities).toEqual(['text']);
  });

  it('maps turn detection to server_vad, semantic_vad or null', () => {
    expect(openaiTurnDetection({ type: 'none' })).toBeNull();
    expect(
      openaiTurnDetection({
        type: 'server_vad',
        threshold: 0.6,
        silenceDurationMs: 700,
        createResponse: false,
      }),
    ).toEqual({ type: 'server_vad', threshold: 0.6, silence_duration_ms: 700, create_response: false });
    expect(openaiTurnDetection({ type: 'semantic_vad', eagerness: 'high' })).toEqual({
      type: 'semantic_vad',
      eagerness: 'high',
    });
  });

  it('merges providerOptions.session last and produces a valid session.update', () => {
    const session = openaiSession({
      ...base,
      providerOptions: { session: { max_output_tokens: 500 }, transcriptionModel: 'whisper-1' },
      inputTranscription: true,
    });
    expect(session.max_output_tokens).toBe(500);
    expect(session.audio?.input?.transcription).toEqual({ model: 'whisper-1' });
    expect(parseOpenAIClientEvent({ type: 'session.update', session })).toMatchObject({
      ok: true,
      unknown: false,
    });
  });
});

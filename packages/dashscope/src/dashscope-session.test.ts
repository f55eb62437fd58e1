import type { SessionConfig } from '@chorus/core';
import { parseDashScopeClientEvent } from '@chorus/protocol/dashscope';
import { describe, expect, it } from 'vitest';
import { dashscopeModelSpec } from './dashscope-models.js';
import { dashscopeDialect } from './dashscope-realtime-model.js';
import { dashscopeSession, historyAsInstructions } from './dashscope-session.js';

const flash = dashscopeModelSpec('qwen3-omni-flash-realtime');

const base: SessionConfig = {
  instructions: 'Be kind.',
  tools: [],
  modalities: ['audio'],
  inputAudioFormat: { type: 'audio/pcm', rate: 16000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'none' },
  inputTranscription: false,
};

describe('dashscopeSession', () => {
  it('always asks for text with audio, Cherry by default, pcm16 in and pcm24 out', () => {
    const session = dashscopeSession(base, { tools: false, spec: flash });
    expect(session).toEqual({
      modalities: ['text', 'audio'],
      voice: 'Cherry',
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm24',
      instructions: 'Be kind.',
      turn_detection: null,
      input_audio_transcription: null,
    });
    expect(parseDashScopeClientEvent({ type: 'session.update', session })).toMatchObject({
      ok: true,
      unknown: false,
    });
  });

  it('qwen-omni-turbo-realtime: 16 kHz pcm16 out and its own default voice (Chelsie)', () => {
    const session = dashscopeSession(base, {
      tools: false,
      spec: dashscopeModelSpec('qwen-omni-turbo-realtime'),
    });
    expect(session).toMatchObject({ output_audio_format: 'pcm16', voice: 'Chelsie' });
  });

  it('sends no tools unless opted in', () => {
    const tools = [{ name: 'f', description: 'd', parameters: { type: 'object' } }];
    expect(dashscopeSession({ ...base, tools }, { tools: false, spec: flash })).not.toHaveProperty('tools');
    expect(dashscopeSession({ ...base, tools }, { tools: true, spec: flash }).tools).toHaveLength(1);
  });

  it('folds the history into the instructions', () => {
    expect(
      historyAsInstructions([
        { type: 'message', id: '1', role: 'user', text: 'Hi' },
        { type: 'function_call', id: '2', callId: 'c', name: 'f', arguments: '{"a":1}' },
        { type: 'function_call_output', id: '3', callId: 'c', output: 'ok' },
      ]),
    ).toBe(
      '\n\nThe conversation so far (continue it; do not repeat it):\nUser: Hi\nAssistant called f({"a":1}) [call c]\nTool result [call c]: ok',
    );
    expect(historyAsInstructions([])).toBe('');
  });
});

describe('dashscopeDialect().parseServer', () => {
  it("reads the docs' failed-transcription example (no event_id, an error without type) as a GA event the shared mapping takes", () => {
    const parsed = dashscopeDialect().parseServer(
      JSON.stringify({
        type: 'conversation.item.input_audio_transcription.failed',
        item_id: 'item_3Xb7TEeHLXmZcBz9D6KvH',
        content_index: 0,
        error: { code: 'transcription_failed', message: 'Audio transcription failed.' },
      }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      unknown: false,
      event: {
        type: 'conversation.item.input_audio_transcription.failed',
        event_id: '',
        error: {
          type: 'transcription_error',
          code: 'transcription_failed',
          message: 'Audio transcription failed.',
        },
      },
    });
  });
});

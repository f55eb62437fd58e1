import type { SessionConfig } from '@chorus/core';
import { parseDashScopeClientEvent } from '@chorus/protocol/dashscope';
import { describe, expect, it } from 'vitest';
import { dashscopeSession, historyAsInstructions } from './dashscope-session.js';

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
    const session = dashscopeSession(base, { tools: true });
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

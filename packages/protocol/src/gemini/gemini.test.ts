import { describe, expect, it } from 'vitest';
import {
  geminiDuration,
  geminiDurationMs,
  parseGeminiClientMessage,
  parseGeminiServerMessage,
} from './index.js';

const encoder = new TextEncoder();

describe('parseGeminiServerMessage', () => {
  it('parses setupComplete from a text frame', () => {
    const result = parseGeminiServerMessage('{"setupComplete":{}}');
    expect(result).toEqual({ ok: true, message: { setupComplete: {} }, kind: 'setupComplete' });
  });

  it('parses the same message from a binary frame, a Buffer, an ArrayBuffer and fragments', () => {
    const json = JSON.stringify({ serverContent: { turnComplete: true } });
    const bytes = encoder.encode(json);
    const expected = { ok: true, message: { serverContent: { turnComplete: true } }, kind: 'serverContent' };
    expect(parseGeminiServerMessage(bytes)).toEqual(expected);
    expect(parseGeminiServerMessage(Buffer.from(json))).toEqual(expected);
    expect(parseGeminiServerMessage(bytes.buffer.slice(0))).toEqual(expected);
    expect(parseGeminiServerMessage([bytes.subarray(0, 5), bytes.subarray(5)])).toEqual(expected);
  });

  it('parses model audio, transcriptions and usage together', () => {
    const frame = {
      serverContent: {
        modelTurn: {
          parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } }, { text: 'hi' }],
        },
        outputTranscription: { text: 'hel' },
        inputTranscription: { text: 'what', finished: true },
      },
      usageMetadata: { promptTokenCount: 10, responseTokenCount: 4, totalTokenCount: 14 },
    };
    const result = parseGeminiServerMessage(JSON.stringify(frame));
    expect(result.ok && result.kind).toBe('serverContent');
    expect(result.ok && result.message).toEqual(frame);
  });

  it('parses tool calls, cancellations, goAway and resumption updates', () => {
    expect(
      parseGeminiServerMessage({ toolCall: { functionCalls: [{ id: 'c1', name: 'f', args: { a: 1 } }] } }),
    ).toMatchObject({
      ok: true,
      kind: 'toolCall',
    });
    expect(parseGeminiServerMessage({ toolCallCancellation: { ids: ['c1'] } })).toMatchObject({
      ok: true,
      kind: 'toolCallCancellation',
    });
    expect(parseGeminiServerMessage({ goAway: { timeLeft: '50s' } })).toMatchObject({
      ok: true,
      kind: 'goAway',
    });
    expect(
      parseGeminiServerMessage({ sessionResumptionUpdate: { newHandle: 'h1', resumable: true } }),
    ).toMatchObject({ ok: true, kind: 'sessionResumptionUpdate' });
    expect(parseGeminiServerMessage({ usageMetadata: { totalTokenCount: 3 } })).toMatchObject({
      ok: true,
      kind: 'usageMetadata',
    });
  });

  it('keeps unknown fields and unknown message types', () => {
    const result = parseGeminiServerMessage({
      voiceActivity: { speaking: true },
      serverContent: { turnComplete: true, futureField: 7 },
    });
    expect(result).toEqual({
      ok: true,
      kind: 'serverContent',
      message: { voiceActivity: { speaking: true }, serverContent: { turnComplete: true, futureField: 7 } },
    });
    expect(parseGeminiServerMessage({ somethingNew: {} })).toEqual({
      ok: true,
      kind: 'unknown',
      message: { somethingNew: {} },
    });
  });

  it('names the offending field of a malformed known message', () => {
    const result = parseGeminiServerMessage({ toolCall: { functionCalls: [{ id: 'c1', args: {} }] } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.path).toBe('toolCall.functionCalls[0].name');
  });

  it('never throws on garbage', () => {
    const hostile = {
      get serverContent(): never {
        throw new Error('boom');
      },
    };
    const cases: unknown[] = [
      '{"serverContent": ',
      'null',
      '[1]',
      '42',
      new Uint8Array([0xff, 0xfe]),
      undefined,
      hostile,
    ];
    for (const frame of cases) {
      const result = parseGeminiServerMessage(frame);
      expect(result.ok).toBe(false);
    }
    expect(parseGeminiServerMessage('{"serverContent": ')).toMatchObject({
      ok: false,
      error: { path: '(root)' },
    });
  });

  it('refuses frames over the size cap and nesting over the depth cap', () => {
    expect(parseGeminiServerMessage('{"a":1}', 3)).toMatchObject({ ok: false });
    let deep = '1';
    for (let i = 0; i < 100; i++) deep = `{"a":${deep}}`;
    const result = parseGeminiServerMessage(deep);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('nested deeper');
  });
});

describe('parseGeminiClientMessage', () => {
  it('parses a full setup', () => {
    const setup = {
      setup: {
        model: 'models/gemini-live-2.5-flash-preview',
        generationConfig: {
          responseModalities: ['AUDIO'],
          speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
        },
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        tools: [
          { functionDeclarations: [{ name: 'get_weather', description: 'w', parametersJsonSchema: {} }] },
        ],
        realtimeInputConfig: {
          automaticActivityDetection: {
            disabled: false,
            startOfSpeechSensitivity: 'START_SENSITIVITY_HIGH',
            endOfSpeechSensitivity: 'END_SENSITIVITY_LOW',
            prefixPaddingMs: 300,
            silenceDurationMs: 500,
          },
          activityHandling: 'START_OF_ACTIVITY_INTERRUPTS',
        },
        inputAudioTranscription: {},
        outputAudioTranscription: {},
        sessionResumption: { handle: 'h1' },
        contextWindowCompression: { slidingWindow: {} },
      },
    };
    expect(parseGeminiClientMessage(encoder.encode(JSON.stringify(setup)))).toEqual({
      ok: true,
      kind: 'setup',
      message: setup,
    });
  });

  it('parses realtime input, client content and tool responses', () => {
    expect(
      parseGeminiClientMessage({
        realtimeInput: { audio: { data: 'AAAA', mimeType: 'audio/pcm;rate=16000' } },
      }),
    ).toMatchObject({ ok: true, kind: 'realtimeInput' });
    expect(parseGeminiClientMessage({ realtimeInput: { activityStart: {} } })).toMatchObject({ ok: true });
    expect(parseGeminiClientMessage({ realtimeInput: { audioStreamEnd: true } })).toMatchObject({ ok: true });
    expect(
      parseGeminiClientMessage({
        clientContent: { turns: [{ role: 'user', parts: [{ text: 'hi' }] }], turnComplete: true },
      }),
    ).toMatchObject({ ok: true, kind: 'clientContent' });
    expect(
      parseGeminiClientMessage({
        toolResponse: { functionResponses: [{ id: 'c1', name: 'f', response: { output: 1 } }] },
      }),
    ).toMatchObject({ ok: true, kind: 'toolResponse' });
  });

  it('refuses a message with no kind or two kinds, naming them', () => {
    const none = parseGeminiClientMessage({ hello: 1 });
    expect(none.ok).toBe(false);
    if (!none.ok)
      expect(none.error.message).toContain(
        'expected one of setup, realtimeInput, clientContent, toolResponse',
      );
    const two = parseGeminiClientMessage({ setup: { model: 'models/x' }, clientContent: {} });
    expect(two.ok).toBe(false);
    if (!two.ok) expect(two.error.message).toContain('got setup and clientContent');
  });

  it('names a bad setup field', () => {
    const result = parseGeminiClientMessage({
      setup: { model: 'models/x', generationConfig: { responseModalities: ['VIDEO'] } },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.path).toBe('setup.generationConfig.responseModalities[0]');
  });
});

describe('geminiDurationMs', () => {
  it('reads protobuf durations', () => {
    expect(geminiDurationMs('50s')).toBe(50_000);
    expect(geminiDurationMs('0.250s')).toBe(250);
    expect(geminiDurationMs(2)).toBe(2000);
    expect(geminiDurationMs('soon')).toBeUndefined();
    expect(geminiDurationMs(undefined)).toBeUndefined();
    expect(geminiDuration(1500)).toBe('1.5s');
  });
});

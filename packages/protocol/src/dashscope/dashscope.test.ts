import { describe, expect, it } from 'vitest';
import { parseDashScopeClientEvent, parseDashScopeServerEvent } from './index.js';

describe('parseDashScopeServerEvent', () => {
  it('accepts the documented session.created', () => {
    const frame = {
      event_id: 'event_RdvlSpbBb2ssyBjYrDHjt',
      type: 'session.created',
      session: {
        object: 'realtime.session',
        model: 'qwen3-omni-flash-realtime',
        modalities: ['text', 'audio'],
        voice: 'Cherry',
        input_audio_format: 'pcm16',
        output_audio_format: 'pcm24',
        input_audio_transcription: { model: 'gummy-realtime-v1' },
        turn_detection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 800,
          create_response: true,
          interrupt_response: true,
        },
        tools: [],
        tool_choice: 'auto',
        temperature: 0.8,
        id: 'sess_Ov7GOXoNXhNjlxXtOGKQS',
      },
    };
    expect(parseDashScopeServerEvent(JSON.stringify(frame))).toEqual({
      ok: true,
      unknown: false,
      dialect: 'beta',
      event: frame,
    });
  });

  it('keeps beta event names and renames content parts', () => {
    const delta = {
      type: 'response.audio.delta',
      event_id: 'e',
      response_id: 'r',
      item_id: 'i',
      output_index: 0,
      content_index: 0,
      delta: 'AA==',
    };
    expect(parseDashScopeServerEvent(delta)).toMatchObject({ ok: true, event: delta });
    const done = parseDashScopeServerEvent({
      type: 'response.output_item.done',
      event_id: 'e',
      response_id: 'r',
      output_index: 0,
      item: {
        id: 'i',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'audio', transcript: 'hi' }],
      },
    });
    expect(done.ok && done.event).toMatchObject({
      item: { content: [{ type: 'output_audio', transcript: 'hi' }] },
    });
  });

  it('refuses a GA-only name as unknown and a bad session with its path', () => {
    expect(parseDashScopeServerEvent({ type: 'response.output_audio.delta', event_id: 'e' })).toMatchObject({
      ok: true,
      unknown: true,
    });
    const bad = parseDashScopeServerEvent({
      type: 'session.updated',
      event_id: 'e',
      session: { output_audio_format: 'mp3' },
    });
    expect(!bad.ok && bad.error.issues[0]?.path).toBe('session.output_audio_format');
  });
});

describe("parseDashScopeServerEvent: the docs' own example events", () => {
  it('parses the error example (invalid modalities)', () => {
    const frame = {
      event_id: 'event_RoUu4T8yExPMI37GKwaOC',
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: "Invalid modalities: ['audio']. Supported combinations are: ['text'] and ['audio', 'text'].",
        param: 'session.modalities',
      },
    };
    expect(parseDashScopeServerEvent(frame)).toMatchObject({ ok: true, unknown: false });
  });

  it('parses session.created as the newer docs show it (pcm formats, search options)', () => {
    const frame = {
      event_id: 'event_RdvlSpbBb2ssyBjYrDHjt',
      type: 'session.created',
      session: {
        object: 'realtime.session',
        model: 'qwen3-omni-flash-realtime',
        modalities: ['text', 'audio'],
        voice: 'Cherry',
        input_audio_format: 'pcm',
        output_audio_format: 'pcm',
        input_audio_transcription: { model: 'gummy-realtime-v1' },
        turn_detection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 800,
        },
        enable_search: false,
        search_options: {},
        tools: [],
        tool_choice: 'auto',
        temperature: 0.8,
        id: 'sess_Ov7GOXoNXhNjlxXtOGKQS',
      },
    };
    expect(parseDashScopeServerEvent(frame)).toMatchObject({ ok: true, unknown: false });
  });

  it('parses a failed transcription without event_id whose error has no type', () => {
    const frame = {
      type: 'conversation.item.input_audio_transcription.failed',
      item_id: 'item_3Xb7TEeHLXmZcBz9D6KvH',
      content_index: 0,
      error: { code: 'transcription_failed', message: 'Audio transcription failed.' },
    };
    expect(parseDashScopeServerEvent(frame)).toEqual({
      ok: true,
      unknown: false,
      dialect: 'beta',
      event: frame,
    });
  });

  it('parses session.finished, and the session.finish that asks for it', () => {
    expect(parseDashScopeServerEvent({ event_id: 'event_1', type: 'session.finished' })).toMatchObject({
      ok: true,
      unknown: false,
    });
    expect(parseDashScopeClientEvent({ event_id: 'event_2', type: 'session.finish' })).toMatchObject({
      ok: true,
      unknown: false,
    });
  });

  it('parses a qwen-omni-turbo-realtime session with 16 kHz pcm16 output', () => {
    const session = { model: 'qwen-omni-turbo-realtime', output_audio_format: 'pcm16', voice: 'Chelsie' };
    expect(parseDashScopeServerEvent({ event_id: 'e', type: 'session.updated', session })).toMatchObject({
      ok: true,
      unknown: false,
    });
  });
});

describe('parseDashScopeClientEvent', () => {
  it('accepts the documented session.update and an image append', () => {
    const update = {
      type: 'session.update',
      session: {
        modalities: ['text', 'audio'],
        voice: 'Cherry',
        input_audio_format: 'pcm16',
        output_audio_format: 'pcm24',
        instructions: 'be kind',
        turn_detection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 800,
        },
      },
    };
    expect(parseDashScopeClientEvent(update)).toEqual({
      ok: true,
      unknown: false,
      dialect: 'beta',
      event: update,
    });
    expect(parseDashScopeClientEvent({ type: 'input_image_buffer.append', image: '/9j/' })).toMatchObject({
      ok: true,
      unknown: false,
    });
  });

  it('names the field of bad image data', () => {
    const result = parseDashScopeClientEvent({ type: 'input_image_buffer.append', image: '***' });
    expect(!result.ok && result.error.message).toBe(
      'input_image_buffer.append: image: must be standard padded base64',
    );
  });
});

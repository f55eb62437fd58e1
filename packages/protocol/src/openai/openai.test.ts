import { describe, expect, it } from 'vitest';
import {
  clientEventToBeta,
  OPENAI_CLIENT_EVENT_TYPES,
  OPENAI_SERVER_EVENT_TYPES,
  parseOpenAIClientEvent,
  parseOpenAIServerEvent,
  serverEventToBeta,
  sessionToBeta,
} from './index.js';

const ref = { event_id: 'ev_1', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0 };

describe('parseOpenAIServerEvent', () => {
  it('accepts a GA output audio delta', () => {
    const result = parseOpenAIServerEvent(
      JSON.stringify({ type: 'response.output_audio.delta', ...ref, delta: 'AAAA' }),
    );
    expect(result).toEqual({
      ok: true,
      unknown: false,
      dialect: 'ga',
      event: { type: 'response.output_audio.delta', ...ref, delta: 'AAAA' },
    });
  });

  it.each([
    ['response.audio.delta', 'response.output_audio.delta', { delta: 'AAAA' }],
    ['response.audio_transcript.delta', 'response.output_audio_transcript.delta', { delta: 'hi' }],
    ['response.audio_transcript.done', 'response.output_audio_transcript.done', { transcript: 'hi' }],
    ['response.text.delta', 'response.output_text.delta', { delta: 'hi' }],
    ['response.text.done', 'response.output_text.done', { text: 'hi' }],
    ['response.audio.done', 'response.output_audio.done', {}],
  ])('normalizes the beta name %s to %s', (beta, ga, extra) => {
    const result = parseOpenAIServerEvent({ type: beta, ...ref, ...extra });
    expect(result.ok && !result.unknown && result.dialect).toBe('beta');
    expect(result.ok && result.event.type).toBe(ga);
  });

  it('normalizes a beta flat session to the GA session', () => {
    const result = parseOpenAIServerEvent({
      type: 'session.updated',
      event_id: 'ev_2',
      session: {
        id: 'sess_1',
        modalities: ['text', 'audio'],
        voice: 'alloy',
        input_audio_format: 'pcm16',
        output_audio_format: 'g711_ulaw',
        turn_detection: { type: 'server_vad', threshold: 0.5 },
        input_audio_transcription: { model: 'whisper-1' },
        temperature: 0.8,
      },
    });
    expect(result.ok && !result.unknown && result.dialect).toBe('beta');
    expect(result.ok && result.event).toEqual({
      type: 'session.updated',
      event_id: 'ev_2',
      session: {
        type: 'realtime',
        id: 'sess_1',
        output_modalities: ['text', 'audio'],
        temperature: 0.8,
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24000 },
            transcription: { model: 'whisper-1' },
            turn_detection: { type: 'server_vad', threshold: 0.5 },
          },
          output: { format: { type: 'audio/pcmu' }, voice: 'alloy' },
        },
      },
    });
  });

  it('renames beta assistant content types in items', () => {
    const result = parseOpenAIServerEvent({
      type: 'conversation.item.created',
      event_id: 'e',
      item: { id: 'i', type: 'message', role: 'assistant', content: [{ type: 'audio', transcript: 'hey' }] },
    });
    expect(result.ok && result.event).toMatchObject({
      item: { content: [{ type: 'output_audio', transcript: 'hey' }] },
    });
  });

  it('keeps an unknown type whole, marked unknown', () => {
    const result = parseOpenAIServerEvent('{"type":"response.future_thing","event_id":"e","x":1}');
    expect(result).toEqual({
      ok: true,
      unknown: true,
      event: { type: 'response.future_thing', event_id: 'e', x: 1, unknown: true },
    });
  });

  it('names the path of a bad field', () => {
    const result = parseOpenAIServerEvent({
      type: 'response.done',
      event_id: 'e',
      response: { id: 'r', status: 'nope' },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/^response\.done: response\.status: /);
    expect(!result.ok && result.error.issues[0]?.path).toBe('response.status');
  });

  it('requires event_id on server events', () => {
    const result = parseOpenAIServerEvent({ type: 'input_audio_buffer.cleared' });
    expect(!result.ok && result.error.issues[0]?.path).toBe('event_id');
  });

  it.each([
    ['not json', '{nope', /not valid JSON/],
    ['an array', '[1]', /expected a JSON object, got an array/],
    ['no type', '{}', /^type: missing/],
    ['deep nesting', `{"type":"x","a":${'['.repeat(100)}${']'.repeat(100)}}`, /nested deeper than 64/],
  ])('refuses %s without throwing', (_name, frame, message) => {
    const result = parseOpenAIServerEvent(frame);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(message);
  });

  it('accepts bytes', () => {
    const bytes = new TextEncoder().encode('{"type":"input_audio_buffer.cleared","event_id":"e"}');
    expect(parseOpenAIServerEvent(bytes)).toMatchObject({
      ok: true,
      event: { type: 'input_audio_buffer.cleared' },
    });
  });

  it('knows every server event the GA reference lists', () => {
    expect(OPENAI_SERVER_EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'session.created',
        'session.updated',
        'conversation.item.added',
        'conversation.item.done',
        'conversation.item.created',
        'conversation.item.retrieved',
        'conversation.item.truncated',
        'conversation.item.deleted',
        'conversation.item.input_audio_transcription.delta',
        'conversation.item.input_audio_transcription.completed',
        'conversation.item.input_audio_transcription.failed',
        'input_audio_buffer.committed',
        'input_audio_buffer.cleared',
        'input_audio_buffer.speech_started',
        'input_audio_buffer.speech_stopped',
        'input_audio_buffer.timeout_triggered',
        'response.created',
        'response.done',
        'response.output_item.added',
        'response.output_item.done',
        'response.content_part.added',
        'response.content_part.done',
        'response.output_text.delta',
        'response.output_text.done',
        'response.output_audio.delta',
        'response.output_audio.done',
        'response.output_audio_transcript.delta',
        'response.output_audio_transcript.done',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'rate_limits.updated',
        'error',
      ]),
    );
  });
});

describe('parseOpenAIClientEvent', () => {
  it('knows every client event', () => {
    expect([...OPENAI_CLIENT_EVENT_TYPES].sort()).toEqual(
      [
        'conversation.item.create',
        'conversation.item.delete',
        'conversation.item.retrieve',
        'conversation.item.truncate',
        'input_audio_buffer.append',
        'input_audio_buffer.clear',
        'input_audio_buffer.commit',
        'output_audio_buffer.clear',
        'response.cancel',
        'response.create',
        'session.update',
      ].sort(),
    );
  });

  it('accepts a GA session.update', () => {
    const session = {
      type: 'realtime',
      instructions: 'be brief',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          turn_detection: { type: 'semantic_vad', eagerness: 'low', interrupt_response: true },
          transcription: { model: 'gpt-4o-transcribe' },
        },
        output: { voice: 'marin', format: { type: 'audio/pcm', rate: 24000 } },
      },
      tools: [{ type: 'function', name: 'get_time', description: 'time', parameters: { type: 'object' } }],
      tool_choice: 'auto',
    };
    const result = parseOpenAIClientEvent({ type: 'session.update', session });
    expect(result).toEqual({
      ok: true,
      unknown: false,
      dialect: 'ga',
      event: { type: 'session.update', session },
    });
  });

  it('normalizes a beta session.update and response.create', () => {
    const update = parseOpenAIClientEvent({
      type: 'session.update',
      session: { voice: 'alloy', input_audio_format: 'g711_alaw', turn_detection: null },
    });
    expect(update.ok && update.event).toEqual({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: {
          input: { format: { type: 'audio/pcma' }, turn_detection: null },
          output: { voice: 'alloy' },
        },
      },
    });
    const create = parseOpenAIClientEvent({ type: 'response.create', response: { modalities: ['text'] } });
    expect(create.ok && !create.unknown && create.dialect).toBe('beta');
    expect(create.ok && create.event).toEqual({
      type: 'response.create',
      response: { output_modalities: ['text'] },
    });
  });

  it('refuses a truncate with a negative position, naming the field', () => {
    const result = parseOpenAIClientEvent({
      type: 'conversation.item.truncate',
      item_id: 'i',
      content_index: 0,
      audio_end_ms: -5,
    });
    expect(!result.ok && result.error.issues[0]?.path).toBe('audio_end_ms');
  });

  it('refuses audio that is not base64', () => {
    const result = parseOpenAIClientEvent({ type: 'input_audio_buffer.append', audio: 'not base64!' });
    expect(!result.ok && result.error.message).toMatch(
      /^input_audio_buffer\.append: audio: must be standard padded base64/,
    );
  });

  it('refuses an unknown turn detection type', () => {
    const result = parseOpenAIClientEvent({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: { type: 'psychic_vad' } } } },
    });
    expect(!result.ok && result.error.issues[0]?.path).toBe('session.audio.input.turn_detection.type');
  });

  it('accepts function call output items', () => {
    const result = parseOpenAIClientEvent({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'c1', output: '{"ok":true}' },
    });
    expect(result.ok && !result.unknown).toBe(true);
  });
});

describe('beta conversion', () => {
  it('round-trips a GA session through the beta shape', () => {
    const ga = {
      type: 'realtime' as const,
      instructions: 'x',
      output_modalities: ['audio' as const],
      audio: {
        input: { format: { type: 'audio/pcmu' as const }, turn_detection: null },
        output: { voice: 'alloy', format: { type: 'audio/pcm' as const, rate: 24000 } },
      },
    };
    const beta = sessionToBeta(ga);
    expect(beta).toEqual({
      instructions: 'x',
      modalities: ['audio'],
      input_audio_format: 'g711_ulaw',
      turn_detection: null,
      output_audio_format: 'pcm16',
      voice: 'alloy',
    });
    const back = parseOpenAIClientEvent({ type: 'session.update', session: beta });
    expect(back.ok && back.event).toEqual({ type: 'session.update', session: ga });
  });

  it('writes beta server names and item content types', () => {
    expect(serverEventToBeta({ type: 'response.output_audio.delta', ...ref, delta: 'AA==' })).toEqual({
      type: 'response.audio.delta',
      ...ref,
      delta: 'AA==',
    });
    expect(
      clientEventToBeta({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hi' }] },
      }),
    ).toEqual({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
    });
  });
});

describe('OpenAI shapes the official SDK types allow', () => {
  it('accepts a custom voice object ({id}) in an echoed session', () => {
    const parsed = parseOpenAIServerEvent({
      type: 'session.updated',
      event_id: 'event_1',
      session: { type: 'realtime', audio: { output: { voice: { id: 'voice_custom_1' } } } },
    });
    expect(parsed.ok && !parsed.unknown).toBe(true);
  });

  it('reads response parts as text/audio and older output_* parts as the same', () => {
    const ref = { event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0 };
    const ga = parseOpenAIServerEvent({
      type: 'response.content_part.added',
      ...ref,
      part: { type: 'audio' },
    });
    expect(ga.ok && ga.event).toMatchObject({ part: { type: 'audio' } });
    const old = parseOpenAIServerEvent({
      type: 'response.content_part.done',
      ...ref,
      part: { type: 'output_text', text: 'x' },
    });
    expect(old.ok && old.event).toMatchObject({ part: { type: 'text', text: 'x' } });
  });
});

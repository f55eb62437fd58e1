import { describe, expect, it } from 'vitest';
import { CLIENT_EVENT_TYPES } from './client-events.js';
import type { ParseResult } from './errors.js';
import { MAX_AUDIO_BASE64_CHARS, MAX_CLIENT_EVENT_SIZE, MAX_EVENT_DEPTH, MAX_TEXT_CHARS } from './limits.js';
import { MODEL_EVENT_TYPES } from './model-events.js';
import { formatPath, parseClientEvent, parseModelEvent, parseServerEvent } from './parse.js';
import { SERVER_EVENT_TYPES } from './server-events.js';

function errorOf(result: ParseResult<unknown>) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.event)}`);
  return result.error;
}

describe('the seed tutorial frontend', () => {
  it('is understood: its audio frame comes out canonical, session_id kept', () => {
    const frame = JSON.stringify({
      type: 'client_audio_append',
      session_id: 'session1',
      audio: 'AAECAw==',
      format: { encoding: 'pcm16', sample_rate: 16000 },
    });
    expect(parseClientEvent(frame)).toEqual({
      ok: true,
      event: {
        type: 'client_audio_append',
        session_id: 'session1',
        audio: 'AAECAw==',
        format: { type: 'audio/pcm', rate: 16000 },
      },
    });
  });

  it('its session create passes unknown config keys through', () => {
    const result = parseClientEvent({
      type: 'client_session_create',
      config: { instructions: 'You are a helpful assistant.', user_name: 'User1', temperature: 0.7 },
    });
    expect(result).toEqual({
      ok: true,
      event: {
        type: 'client_session_create',
        config: { instructions: 'You are a helpful assistant.', user_name: 'User1', temperature: 0.7 },
      },
    });
  });
});

describe('aliases inside events', () => {
  it('normalizes session audio formats', () => {
    const result = parseClientEvent({
      type: 'client_session_create',
      config: { input_audio_format: { type: 'pcm16' }, output_audio_format: { type: 'pcm24' } },
    });
    expect(result.ok && result.event).toEqual({
      type: 'client_session_create',
      config: {
        input_audio_format: { type: 'audio/pcm', rate: 16000 },
        output_audio_format: { type: 'audio/pcm', rate: 24000 },
      },
    });
  });

  it('normalizes image formats', () => {
    const result = parseClientEvent({
      type: 'client_image_append',
      image: '/9j/',
      format: { mimeType: 'image/jpg' },
    });
    expect(result.ok && result.event).toEqual({
      type: 'client_image_append',
      image: '/9j/',
      format: { mime_type: 'image/jpeg' },
    });
  });

  it('normalizes model and agent audio deltas', () => {
    const model = parseModelEvent({
      type: 'model_response_audio_delta',
      response_id: 'r',
      item_id: 'i',
      delta: '',
      format: { type: 'g711_ulaw' },
    });
    expect(model.ok && model.event).toEqual({
      type: 'model_response_audio_delta',
      response_id: 'r',
      item_id: 'i',
      delta: '',
      format: { type: 'audio/pcmu', rate: 8000 },
    });
    const agent = parseServerEvent({
      type: 'agent_response_audio_delta',
      agent_id: 'a',
      agent_name: 'Ann',
      response_id: 'r',
      item_id: 'i',
      delta: 'AA==',
      format: { encoding: 'pcm16', sample_rate: 24000 },
    });
    expect(agent.ok && agent.event).toMatchObject({ format: { type: 'audio/pcm', rate: 24000 } });
  });
});

describe('defaults of the Chorus additions', () => {
  it('model_response_done defaults status completed, zero usage, empty metadata', () => {
    expect(parseModelEvent({ type: 'model_response_done', response_id: 'r' })).toEqual({
      ok: true,
      event: {
        type: 'model_response_done',
        response_id: 'r',
        input_tokens: 0,
        output_tokens: 0,
        metadata: {},
        status: 'completed',
      },
    });
  });

  it('model_error defaults to non-fatal; model_session_ended to not retryable', () => {
    const error = parseModelEvent({ type: 'model_error', error_type: 'server', code: 'x', message: 'm' });
    expect(error.ok && error.event).toEqual({
      type: 'model_error',
      error_type: 'server',
      code: 'x',
      message: 'm',
      fatal: false,
    });
    const ended = parseModelEvent({ type: 'model_session_ended', session_id: 's', reason: 'closed' });
    expect(ended.ok && ended.event).toEqual({
      type: 'model_session_ended',
      session_id: 's',
      reason: 'closed',
      retryable: false,
    });
  });

  it('rejects an unknown response status', () => {
    expect(
      errorOf(parseModelEvent({ type: 'model_response_done', response_id: 'r', status: 'done' })).path,
    ).toBe('status');
  });
});

describe('errors name the field and the expected shape', () => {
  it('format.rate of the wrong type', () => {
    const error = errorOf(
      parseClientEvent({
        type: 'client_audio_append',
        audio: 'AAAA',
        format: { type: 'audio/pcm', rate: '16000' },
      }),
    );
    expect(error).toEqual({
      code: 'invalid_event',
      path: 'format.rate',
      message: 'invalid client_audio_append: format.rate: Invalid input: expected number, received string',
    });
  });

  it('a missing required field', () => {
    const error = errorOf(parseClientEvent({ type: 'client_text_append' }));
    expect(error.path).toBe('text');
    expect(error.message).toBe(
      'invalid client_text_append: text: Invalid input: expected string, received undefined',
    );
  });

  it('an array index', () => {
    const error = errorOf(parseModelEvent({ type: 'model_tool_call_cancelled', call_ids: ['a', 7] }));
    expect(error.path).toBe('call_ids[1]');
  });

  it('a nested field', () => {
    const error = errorOf(
      parseServerEvent({
        type: 'agent_response_tool_result',
        agent_id: 'a',
        agent_name: 'Ann',
        tool_result: { type: 'tool_result', id: 'c', name: 'n', output: { not: 'a string' } },
      }),
    );
    expect(error.path).toBe('tool_result.output');
  });

  it('invalid base64 audio', () => {
    const error = errorOf(
      parseClientEvent({ type: 'client_audio_append', audio: 'not base64!', format: { type: 'pcm16' } }),
    );
    expect(error.path).toBe('audio');
    expect(error.message).toContain('must be base64');
  });

  it.each(['AAA', 'AA=A', 'A===', 'AA AA', 'AAAA\n'])('rejects malformed base64 %j', (audio) => {
    expect(
      errorOf(parseClientEvent({ type: 'client_audio_append', audio, format: { type: 'pcm' } })).path,
    ).toBe('audio');
  });

  it('summarizes several problems, the first one giving the path', () => {
    const error = errorOf(parseClientEvent({ type: 'client_tool_result', id: 1, name: 2, output: 3 }));
    expect(error.path).toBe('id');
    expect(error.message).toContain('id: ');
    expect(error.message).toContain('name: ');
    expect(error.message).toContain('output: ');
  });

  it('echoes the event_id of a rejected event', () => {
    const error = errorOf(parseClientEvent({ type: 'client_text_append', event_id: 'evt_9', text: 5 }));
    expect(error.event_id).toBe('evt_9');
  });
});

describe('unknown and missing types', () => {
  it('an unknown type lists every known type of the family', () => {
    const error = errorOf(parseClientEvent('{"type":"response_audio_delta"}'));
    expect(error.code).toBe('unknown_type');
    expect(error.path).toBe('type');
    expect(error.message).toBe(
      `unknown client event type "response_audio_delta"; known client event types: ${CLIENT_EVENT_TYPES.join(', ')}`,
    );
  });

  it('each family lists its own types', () => {
    const server = parseServerEvent({ type: 'client_text_append', text: 'x' });
    expect(!server.ok && server.error.message).toContain(SERVER_EVENT_TYPES.join(', '));
    const model = parseModelEvent({ type: 'agent_error' });
    expect(!model.ok && model.error.message).toContain(MODEL_EVENT_TYPES.join(', '));
  });

  it('a missing or non-string type is an invalid event at path type', () => {
    for (const input of [{}, { type: 3 }, { type: null }]) {
      const error = errorOf(parseClientEvent(input));
      expect(error.code).toBe('invalid_event');
      expect(error.path).toBe('type');
      expect(error.message).toContain('client_session_create');
    }
  });
});

describe('non-events never throw', () => {
  it.each([
    ['not JSON', '{"type":', 'invalid_json'],
    ['empty string', '', 'invalid_json'],
    ['JSON array', '[1,2]', 'invalid_event'],
    ['JSON number', '42', 'invalid_event'],
    ['JSON null', 'null', 'invalid_event'],
    ['JSON string', '"client_session_end"', 'invalid_event'],
  ])('%s', (_name, text, code) => {
    expect(errorOf(parseClientEvent(text)).code).toBe(code);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 1],
    ['a bigint', 1n],
    ['a symbol', Symbol('x')],
    ['a function', () => ({ type: 'client_session_end' })],
    ['an array', [{ type: 'client_session_end' }]],
  ])('%s as a value is an invalid event', (_name, value) => {
    expect(errorOf(parseClientEvent(value)).code).toBe('invalid_event');
  });

  it('invalid UTF-8 bytes are invalid_json', () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x7d]);
    expect(errorOf(parseClientEvent(bytes))).toEqual({
      code: 'invalid_json',
      message: 'frame is not valid UTF-8 text',
    });
  });

  it('accepts a Buffer and an ArrayBuffer', () => {
    const text = '{"type":"client_audio_commit"}';
    expect(parseClientEvent(Buffer.from(text)).ok).toBe(true);
    expect(parseClientEvent(new TextEncoder().encode(text).buffer).ok).toBe(true);
  });

  it('a throwing getter is reported, not thrown', () => {
    const hostile = {
      get type(): string {
        throw new Error('boom');
      },
    };
    expect(errorOf(parseClientEvent(hostile))).toEqual({
      code: 'invalid_event',
      message: 'could not read the event: boom',
    });
  });

  it('a revoked proxy is reported, not thrown', () => {
    const { proxy, revoke } = Proxy.revocable({ type: 'client_session_end' }, {});
    revoke();
    expect(errorOf(parseClientEvent(proxy)).code).toBe('invalid_event');
  });
});

describe('prototype pollution', () => {
  it('rejects __proto__ anywhere and leaves Object.prototype alone', () => {
    const text = '{"type":"client_session_create","config":{"__proto__":{"polluted":true}}}';
    const error = errorOf(parseClientEvent(text));
    expect(error).toEqual({
      code: 'invalid_event',
      path: 'config.__proto__',
      message: 'the key "__proto__" is not allowed',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a top-level __proto__ key', () => {
    expect(errorOf(parseClientEvent('{"__proto__":{"x":1},"type":"client_session_end"}')).path).toBe(
      '__proto__',
    );
  });

  it('rejects constructor.prototype', () => {
    const text = '{"type":"client_session_create","config":{"a":[{"constructor":{"prototype":{"x":1}}}]}}';
    expect(errorOf(parseClientEvent(text)).path).toBe('config.a[0].constructor.prototype');
  });

  it('allows an ordinary "constructor" or "prototype" key', () => {
    const result = parseClientEvent({
      type: 'client_session_create',
      config: { constructor: 'x', prototype: 1 },
    });
    expect(result.ok).toBe(true);
  });
});

describe('caps', () => {
  it('rejects a frame over the size cap before parsing it', () => {
    const error = errorOf(parseClientEvent(' '.repeat(MAX_CLIENT_EVENT_SIZE + 1)));
    expect(error.code).toBe('too_large');
    expect(error.message).toBe(
      `frame is ${MAX_CLIENT_EVENT_SIZE + 1} long, over the limit of ${MAX_CLIENT_EVENT_SIZE}`,
    );
  });

  it('honours a caller-chosen maxSize, also for bytes', () => {
    const frame = '{"type":"client_audio_commit"}';
    expect(errorOf(parseClientEvent(frame, { maxSize: 10 })).code).toBe('too_large');
    expect(errorOf(parseClientEvent(Buffer.from(frame), { maxSize: 10 })).code).toBe('too_large');
    expect(parseClientEvent(frame, { maxSize: frame.length }).ok).toBe(true);
  });

  it('caps text at 32 KiB', () => {
    expect(parseClientEvent({ type: 'client_text_append', text: 'x'.repeat(MAX_TEXT_CHARS) }).ok).toBe(true);
    const error = errorOf(
      parseClientEvent({ type: 'client_text_append', text: 'x'.repeat(MAX_TEXT_CHARS + 1) }),
    );
    expect(error.path).toBe('text');
    expect(error.message).toContain(`at most ${MAX_TEXT_CHARS} characters`);
  });

  it('caps one audio frame at 1 MiB of base64', () => {
    const ok = {
      type: 'client_audio_append',
      audio: 'A'.repeat(MAX_AUDIO_BASE64_CHARS),
      format: { type: 'pcm16' },
    };
    expect(parseClientEvent(JSON.stringify(ok)).ok).toBe(true);
    const big = { ...ok, audio: 'A'.repeat(MAX_AUDIO_BASE64_CHARS + 4) };
    expect(errorOf(parseClientEvent(JSON.stringify(big))).path).toBe('audio');
  });

  it('rejects nesting deeper than the depth cap', () => {
    const deep = `${'['.repeat(MAX_EVENT_DEPTH + 5)}${']'.repeat(MAX_EVENT_DEPTH + 5)}`;
    const text = `{"type":"client_session_create","config":{"x":${deep}}}`;
    const error = errorOf(parseClientEvent(text));
    expect(error.code).toBe('invalid_event');
    expect(error.message).toBe(`nested deeper than ${MAX_EVENT_DEPTH} levels`);
  });

  it('survives nesting far deeper than the call stack', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const result = parseClientEvent(`{"type":"client_session_create","config":{"x":${deep}}}`);
    expect(result.ok).toBe(false);
  });
});

describe('optional session_id', () => {
  it('every event but session create parses without session_id', () => {
    expect(parseClientEvent({ type: 'client_response_cancel' })).toEqual({
      ok: true,
      event: { type: 'client_response_cancel' },
    });
  });
});

describe('formatPath', () => {
  it('joins keys with dots and indices in brackets', () => {
    expect(formatPath(['format', 'rate'])).toBe('format.rate');
    expect(formatPath(['call_ids', 2])).toBe('call_ids[2]');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('');
  });
});

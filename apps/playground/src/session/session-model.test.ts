import type { ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import {
  NOT_TRANSCRIBED_NOTE,
  SESSION_LIMITS,
  SessionModel,
  SPEECH_UNAVAILABLE_NOTICE,
} from './session-model.js';

const agent = { agent_id: 'a1', agent_name: 'assistant' };

describe('SessionModel', () => {
  it('resolves every voice bubble when the server cannot transcribe, and advises once without code', () => {
    let now = 0;
    const model = new SessionModel(() => now);
    const error = {
      type: 'agent_error',
      ...agent,
      error_type: 'transcription_unavailable',
      code: 'no_transcriber',
      fatal: false,
    } as const;
    for (const [index, message] of [
      'Speech recognition is not available… `transcriber: x`',
      'not transcribed',
    ].entries()) {
      now += 5000;
      model.apply({ type: 'agent_input_started', ...agent, item_id: `u${index}`, audio_start_ms: 0 });
      model.apply({ type: 'agent_input_done', ...agent, item_id: `u${index}`, audio_end_ms: 900 });
      model.apply({ ...error, message });
    }
    expect(model.transcript.map((e) => [e.spoken, e.done, e.note])).toEqual([
      [true, true, NOT_TRANSCRIBED_NOTE],
      [true, true, NOT_TRANSCRIBED_NOTE],
    ]);
    expect(model.notices.map((n) => n.text)).toEqual([SPEECH_UNAVAILABLE_NOTICE]);
    expect(SPEECH_UNAVAILABLE_NOTICE).not.toMatch(/transcriber:|transcriptionEndpoint|\bpass\b/);
  });

  it('streams an agent transcript from deltas and keeps the final text', () => {
    const model = new SessionModel(() => 0);
    const events: ServerEvent[] = [
      { type: 'server_session_created', session_id: 's', config: { room: 'assistant' } },
      { type: 'agent_state_changed', ...agent, state: 'responding' },
      {
        type: 'agent_response_audio_transcript_delta',
        ...agent,
        response_id: 'r',
        item_id: 'i',
        delta: 'Hello ',
      },
      {
        type: 'agent_response_audio_transcript_delta',
        ...agent,
        response_id: 'r',
        item_id: 'i',
        delta: 'there',
      },
    ];
    for (const e of events) model.apply(e);
    expect(model.room).toBe('assistant');
    expect(model.agents.get('a1')).toEqual({
      id: 'a1',
      name: 'assistant',
      persona: 'assistant',
      state: 'responding',
      ready: false,
      ended: false,
    });
    expect(model.transcript.map((e) => [e.name, e.text, e.done])).toEqual([
      ['assistant', 'Hello there', false],
    ]);
    model.apply({
      type: 'agent_response_audio_transcript_done',
      ...agent,
      response_id: 'r',
      item_id: 'i',
      transcript: 'Hello there.',
    });
    expect(model.transcript.map((e) => [e.text, e.done])).toEqual([['Hello there.', true]]);
  });

  it('marks an interrupted reply with what was heard and keeps the heard words', () => {
    const model = new SessionModel(() => 0);
    model.apply({
      type: 'agent_response_audio_transcript_delta',
      ...agent,
      response_id: 'r',
      item_id: 'i',
      delta: 'One two',
    });
    model.apply({
      type: 'agent_response_interrupted',
      ...agent,
      response_id: 'r',
      item_id: 'i',
      audio_end_ms: 1200,
    });
    model.apply({
      type: 'agent_response_audio_transcript_done',
      ...agent,
      response_id: 'r',
      item_id: 'i',
      transcript: 'One two three four.',
    });
    expect(model.transcript.map((e) => [e.text, e.interrupted, e.heardMs])).toEqual([
      ['One two', true, 1200],
    ]);
    expect(model.notices.at(-1)).toMatchObject({
      kind: 'interrupted',
      text: 'assistant was interrupted after 1.2 s',
    });
  });

  it('merges one spoken turn heard by several agents into one entry', () => {
    let now = 1000;
    const model = new SessionModel(() => now);
    model.apply({ type: 'agent_input_started', ...agent, item_id: 'u1', audio_start_ms: 0 });
    now = 1400;
    model.apply({
      type: 'agent_input_started',
      agent_id: 'a2',
      agent_name: 'bob',
      item_id: 'u2',
      audio_start_ms: 0,
    });
    model.apply({ type: 'agent_input_transcription_done', ...agent, item_id: 'u1', transcript: 'hello' });
    model.apply({
      type: 'agent_input_transcription_done',
      agent_id: 'a2',
      agent_name: 'bob',
      item_id: 'u2',
      transcript: 'hello',
    });
    expect(model.transcript.map((e) => [e.speaker, e.text, e.spoken, e.done])).toEqual([
      ['user', 'hello', true, true],
    ]);
  });

  it('follows tool calls from arguments to result, and cancellations', () => {
    const model = new SessionModel(() => 0);
    const toolUse = {
      type: 'tool_use' as const,
      id: 'c1',
      name: 'get_weather',
      input: { city: 'Paris' },
      raw_input: '{"city":"Paris"}',
    };
    model.apply({
      type: 'agent_response_tool_use_done',
      ...agent,
      response_id: 'r',
      item_id: 'i',
      tool_use: toolUse,
    });
    expect(model.tools[0]).toMatchObject({
      name: 'get_weather',
      args: '{"city":"Paris"}',
      status: 'running',
    });
    model.apply({
      type: 'agent_response_tool_result',
      ...agent,
      tool_result: { type: 'tool_result', id: 'c1', name: 'get_weather', output: 'sunny' },
    });
    expect(model.tools[0]).toMatchObject({ result: 'sunny', status: 'done', isError: false });
    model.apply({
      type: 'agent_response_tool_use_delta',
      ...agent,
      response_id: 'r',
      item_id: 'i',
      tool_use: { ...toolUse, id: 'c2', input: {}, raw_input: '{"ci' },
    });
    model.apply({ type: 'agent_tool_call_cancelled', ...agent, call_ids: ['c2'] });
    expect(model.tools[1]).toMatchObject({ args: '{"ci', status: 'cancelled' });
  });

  it('records handoffs, floor changes, errors and per-turn latency (server figures and first audio heard)', () => {
    let now = 0;
    const model = new SessionModel(() => now);
    model.userTyped('What time is it?');
    model.apply({ type: 'room_floor_changed', agent_id: 'a1', reason: 'mentioned' });
    model.apply({ type: 'agent_ready', ...agent });
    now = 1000;
    model.apply({
      type: 'agent_response_audio_delta',
      ...agent,
      response_id: 'r1',
      item_id: 'i',
      delta: 'AAAA',
      format: { type: 'audio/pcm', rate: 24000 },
    });
    model.apply({
      type: 'agent_turn_metrics',
      ...agent,
      response_id: 'r1',
      time_to_first_audio_ms: 420,
      e2e_ms: 2100,
      interrupted: false,
      tool_durations_ms: { c1: 30, c2: 12 },
    });
    model.apply({ type: 'agent_handoff', ...agent, from: 'assistant', to: 'billing' });
    model.apply({ type: 'server_error', code: 'invalid_event', message: 'bad rate', path: 'format.rate' });
    expect(model.floor).toBe('a1');
    expect(model.turns).toEqual([
      {
        responseId: 'r1',
        agentName: 'assistant',
        timeToFirstAudioMs: 420,
        e2eMs: 2100,
        interrupted: false,
        toolMs: 42,
        turn: 1,
        userText: 'What time is it?',
        heardAfterMs: 1000,
      },
    ]);
    expect(model.notices.map((n) => n.text)).toEqual([
      'Floor: a1 (mentioned)',
      'assistant handed off to billing',
      'invalid_event: bad rate (at format.rate)',
    ]);
  });

  it('keeps the transcript bounded', () => {
    const model = new SessionModel(() => 0);
    for (let i = 0; i < SESSION_LIMITS.transcript + 5; i++) model.userTyped(`m${i}`);
    expect(model.transcript).toHaveLength(SESSION_LIMITS.transcript);
    expect(model.transcript[0]?.text).toBe('m5');
  });
});

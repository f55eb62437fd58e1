import fc from 'fast-check';
import type { AudioFormat } from '../src/audio-format.js';
import { PCM_SAMPLE_RATES } from '../src/audio-format.js';
import type { ClientEvent } from '../src/client-events.js';
import type { ModelEvent } from '../src/model-events.js';
import { RESPONSE_STATUSES } from '../src/response-shapes.js';
import type { ServerEvent } from '../src/server-events.js';

// Generators of canonical events, one per event type, for round-trip properties. A generator map
// keyed by the event type string makes a missing type a compile error.

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function hasUnsafeKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasUnsafeKey);
  return Object.keys(value).some(
    (k) => UNSAFE_KEYS.has(k) || hasUnsafeKey((value as Record<string, unknown>)[k]),
  );
}

export const id = fc.string({ minLength: 1, maxLength: 24 });
export const text = fc.string({ unit: 'binary', maxLength: 60 });
export const ms = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true }).map(Math.abs);
export const count = fc.nat({ max: 1_000_000 });
export const base64 = fc.uint8Array({ maxLength: 96 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const safeKey = fc.string({ maxLength: 12 }).filter((k) => !UNSAFE_KEYS.has(k));
// JSON has no -0; normalizing through JSON text keeps generated values representable.
export const json = fc
  .jsonValue({ maxDepth: 3 })
  .filter((v) => !hasUnsafeKey(v))
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);
export const jsonObject = fc.dictionary(safeKey, json, { maxKeys: 4 });

export const audioFormat: fc.Arbitrary<AudioFormat> = fc.oneof(
  fc.constantFrom(...PCM_SAMPLE_RATES).map((rate): AudioFormat => ({ type: 'audio/pcm', rate })),
  fc.constant<AudioFormat>({ type: 'audio/pcmu', rate: 8000 }),
  fc.constant<AudioFormat>({ type: 'audio/pcma', rate: 8000 }),
);

const toolUse = fc.record({ id, name: id, input: fc.option(jsonObject, { nil: null }), raw_input: text });
const toolUseBlock = fc.record({
  type: fc.constant('tool_use' as const),
  id,
  name: id,
  input: jsonObject,
  raw_input: text,
});
const wholeMs = fc.nat({ max: 1e7 });
const toolOutputBlock = fc.oneof(
  fc.record({ type: fc.constant('text' as const), text }, { requiredKeys: ['type'] }),
  fc.record({
    type: fc.constantFrom('image' as const, 'audio' as const, 'video' as const),
    source: fc.oneof(
      fc.record({ type: fc.constant('base64' as const), media_type: id, data: base64 }),
      fc.record({ type: fc.constant('url' as const), url: text }),
    ),
  }),
);
const toolOutput = fc.oneof(text, fc.array(toolOutputBlock, { maxLength: 4 }));

const responseItem = { response_id: id, item_id: id };

// Shapes shared by model events and their agent_* mirrors, keyed by the name without prefix.
const mirrored = {
  response_created: fc.record({ response_id: id }),
  response_done: fc.record({
    response_id: id,
    input_tokens: count,
    output_tokens: count,
    metadata: jsonObject,
    status: fc.constantFrom(...RESPONSE_STATUSES),
  }),
  response_audio_delta: fc.record({ ...responseItem, delta: base64, format: audioFormat }),
  response_audio_done: fc.record(responseItem),
  response_audio_transcript_delta: fc.record({ ...responseItem, delta: text }),
  response_audio_transcript_done: fc.record({ ...responseItem, transcript: text }),
  response_text_delta: fc.record({ ...responseItem, delta: text }),
  response_text_done: fc.record({ ...responseItem, text }),
  response_tool_use_delta: fc.record({ ...responseItem, tool_use: toolUse }),
  response_tool_use_done: fc.record({ ...responseItem, tool_use: toolUse }),
  tool_call_cancelled: fc.record(
    { response_id: id, call_ids: fc.array(id, { maxLength: 4 }) },
    { requiredKeys: ['call_ids'] },
  ),
  input_transcription_delta: fc.record({ item_id: id, delta: text }),
  input_transcription_done: fc.record({ item_id: id, transcript: text }),
  input_started: fc.record({ item_id: id, audio_start_ms: ms }),
  input_done: fc.record({ item_id: id, audio_end_ms: ms }),
  error: fc.record({ error_type: id, code: id, message: text, fatal: fc.boolean() }),
  rate_limits_updated: fc.record({
    rate_limits: fc.array(
      fc.record(
        { name: fc.constantFrom('requests', 'tokens'), limit: ms, remaining: ms, reset_seconds: ms },
        { requiredKeys: ['name'] },
      ),
      { maxLength: 4 },
    ),
  }),
} as const;

type Mirrored = keyof typeof mirrored;

// Generated events are checked at run time (every one must parse back to itself), so the helpers
// only track the `type` at compile time.
type Generated<T extends string> = fc.Arbitrary<{ type: T } & Record<string, unknown>>;

function withType<T extends string>(type: T, arb: fc.Arbitrary<object>): Generated<T> {
  return arb.map((fields) => ({ type, ...fields }));
}

function modelMirror<K extends Mirrored>(name: K): Generated<`model_${K}`> {
  return withType(`model_${name}`, mirrored[name] as fc.Arbitrary<object>);
}

const agent = fc.record(
  { agent_id: id, agent_name: id, room_id: id },
  { requiredKeys: ['agent_id', 'agent_name'] },
);

function agentEvent<T extends string>(type: T, arb: fc.Arbitrary<object>): Generated<T> {
  return fc.tuple(agent, arb).map(([who, fields]) => ({ type, ...who, ...fields }));
}

function agentMirror<K extends Mirrored>(name: K): Generated<`agent_${K}`> {
  return agentEvent(`agent_${name}`, mirrored[name] as fc.Arbitrary<object>);
}

type ArbitraryMap<E extends { type: string }> = { [T in E['type']]: Generated<T> };

export const modelEventArbitraries: ArbitraryMap<ModelEvent> = {
  model_session_created: withType('model_session_created', fc.record({ session_id: id })),
  model_session_ended: withType(
    'model_session_ended',
    fc.record({ session_id: id, reason: text, retryable: fc.boolean() }),
  ),
  model_response_created: modelMirror('response_created'),
  model_response_done: modelMirror('response_done'),
  model_response_audio_delta: modelMirror('response_audio_delta'),
  model_response_audio_done: modelMirror('response_audio_done'),
  model_response_audio_transcript_delta: modelMirror('response_audio_transcript_delta'),
  model_response_audio_transcript_done: modelMirror('response_audio_transcript_done'),
  model_response_text_delta: modelMirror('response_text_delta'),
  model_response_text_done: modelMirror('response_text_done'),
  model_response_tool_use_delta: modelMirror('response_tool_use_delta'),
  model_response_tool_use_done: modelMirror('response_tool_use_done'),
  model_tool_call_cancelled: modelMirror('tool_call_cancelled'),
  model_input_transcription_delta: modelMirror('input_transcription_delta'),
  model_input_transcription_done: modelMirror('input_transcription_done'),
  model_input_started: modelMirror('input_started'),
  model_input_done: modelMirror('input_done'),
  model_error: modelMirror('error'),
  model_rate_limits_updated: modelMirror('rate_limits_updated'),
  model_raw: withType(
    'model_raw',
    fc.record({ provider: fc.constantFrom('openai', 'gemini', 'dashscope'), event: json }),
  ),
};

export const serverEventArbitraries: ArbitraryMap<ServerEvent> = {
  server_session_created: withType(
    'server_session_created',
    fc.record(
      {
        session_id: id,
        config: jsonObject,
        resume_token: id.filter((t) => t.length <= 128),
        resumed: fc.boolean(),
      },
      { requiredKeys: ['session_id'] },
    ),
  ),
  server_session_updated: withType(
    'server_session_updated',
    fc.record({ session_id: id, config: jsonObject }, { requiredKeys: ['session_id'] }),
  ),
  server_session_ended: withType(
    'server_session_ended',
    fc.record({ session_id: id, reason: text }, { requiredKeys: ['session_id'] }),
  ),
  agent_ready: agentEvent('agent_ready', fc.constant({})),
  agent_ended: agentEvent('agent_ended', fc.constant({})),
  agent_response_created: agentMirror('response_created'),
  agent_response_done: agentEvent(
    'agent_response_done',
    fc.record({
      response_id: id,
      input_tokens: count,
      output_tokens: count,
      metadata: fc.dictionary(safeKey, text, { maxKeys: 4 }),
      status: fc.constantFrom(...RESPONSE_STATUSES),
    }),
  ),
  agent_response_audio_delta: agentMirror('response_audio_delta'),
  agent_response_audio_done: agentMirror('response_audio_done'),
  agent_response_audio_transcript_delta: agentMirror('response_audio_transcript_delta'),
  agent_response_audio_transcript_done: agentMirror('response_audio_transcript_done'),
  agent_response_text_delta: agentMirror('response_text_delta'),
  agent_response_text_done: agentMirror('response_text_done'),
  agent_response_tool_use_delta: agentEvent(
    'agent_response_tool_use_delta',
    fc.record({ ...responseItem, tool_use: toolUseBlock }),
  ),
  agent_response_tool_use_done: agentEvent(
    'agent_response_tool_use_done',
    fc.record({ ...responseItem, tool_use: toolUseBlock }),
  ),
  agent_response_tool_result: agentEvent(
    'agent_response_tool_result',
    fc.record({
      tool_result: fc.record(
        {
          type: fc.constant('tool_result' as const),
          id,
          name: id,
          output: toolOutput,
          is_error: fc.boolean(),
        },
        { requiredKeys: ['type', 'id', 'name', 'output'] },
      ),
    }),
  ),
  agent_tool_call_cancelled: agentMirror('tool_call_cancelled'),
  agent_input_transcription_delta: agentMirror('input_transcription_delta'),
  agent_input_transcription_done: agentMirror('input_transcription_done'),
  agent_input_started: agentEvent('agent_input_started', fc.record({ item_id: id, audio_start_ms: wholeMs })),
  agent_input_done: agentEvent('agent_input_done', fc.record({ item_id: id, audio_end_ms: wholeMs })),
  agent_error: agentMirror('error'),
  agent_rate_limits_updated: agentMirror('rate_limits_updated'),
  agent_state_changed: agentEvent(
    'agent_state_changed',
    fc.record({ state: fc.constantFrom('idle', 'listening', 'thinking', 'speaking') }),
  ),
  agent_response_interrupted: agentEvent(
    'agent_response_interrupted',
    fc.record(
      { response_id: id, item_id: id, audio_end_ms: ms },
      { requiredKeys: ['item_id', 'audio_end_ms'] },
    ),
  ),
  agent_handoff: agentEvent('agent_handoff', fc.record({ from: id, to: id })),
  agent_guardrail_tripped: agentEvent(
    'agent_guardrail_tripped',
    fc.record({ response_id: id, guardrail: id, message: text, text }),
  ),
  agent_tool_approval_requested: agentEvent(
    'agent_tool_approval_requested',
    fc.record({ call_id: id, name: id, arguments: json.map((v) => JSON.stringify(v)) }),
  ),
  agent_history_updated: agentEvent('agent_history_updated', fc.record({ items: count })),
  agent_turn_metrics: agentEvent(
    'agent_turn_metrics',
    fc.record(
      {
        response_id: id,
        time_to_first_audio_ms: ms,
        e2e_ms: ms,
        interrupted: fc.boolean(),
        tool_durations_ms: fc.dictionary(safeKey, ms, { maxKeys: 3 }),
      },
      { requiredKeys: ['response_id', 'interrupted', 'tool_durations_ms'] },
    ),
  ),
  room_floor_changed: withType(
    'room_floor_changed',
    fc.record(
      { room_id: id, agent_id: fc.option(id, { nil: null }), reason: text },
      { requiredKeys: ['agent_id'] },
    ),
  ),
  room_user_message: withType(
    'room_user_message',
    fc.record({ room_id: id, user_id: id, user_name: id, text }, { requiredKeys: ['user_id', 'text'] }),
  ),
  server_room_moved: withType(
    'server_room_moved',
    fc.record(
      {
        room_id: id,
        reason: fc.constantFrom('owner_lost', 'owner_shutdown', 'bus_interrupted', 'lease_lost'),
        lost: fc.array(fc.record({ agent_id: id, response_id: id, what: fc.constant('response_cut') }), {
          maxLength: 3,
        }),
        restored_items: count,
      },
      { requiredKeys: ['room_id', 'reason', 'lost'] },
    ),
  ),
  server_events_dropped: withType(
    'server_events_dropped',
    fc.record(
      { session_id: id, dropped: count, dropped_bytes: count, reason: text },
      { requiredKeys: ['session_id', 'dropped', 'dropped_bytes'] },
    ),
  ),
  server_error: withType(
    'server_error',
    fc.record({ code: id, message: text, path: id, event_id: id }, { requiredKeys: ['code', 'message'] }),
  ),
};

const envelope = { session_id: id, event_id: id };

function clientEvent<T extends string>(type: T, fields: Record<string, fc.Arbitrary<unknown>>): Generated<T> {
  return withType(
    type,
    fc.record({ ...envelope, ...fields }, { requiredKeys: Object.keys(fields) as never[] }),
  );
}

const KNOWN_CONFIG_KEYS = new Set([
  'instructions',
  'user_name',
  'room',
  'voice',
  'modalities',
  'input_audio_format',
  'output_audio_format',
]);

const sessionConfig = fc
  .tuple(
    fc.record(
      {
        instructions: text,
        user_name: id,
        room: id,
        voice: id,
        modalities: fc.subarray(['audio', 'text'] as ('audio' | 'text')[]),
        input_audio_format: audioFormat,
        output_audio_format: audioFormat,
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(
      safeKey.filter((k) => !KNOWN_CONFIG_KEYS.has(k)),
      json,
      { maxKeys: 3 },
    ),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

export const clientEventArbitraries: ArbitraryMap<ClientEvent> = {
  client_session_create: clientEvent('client_session_create', { config: sessionConfig }),
  client_session_end: clientEvent('client_session_end', {}),
  client_response_create: clientEvent('client_response_create', {}),
  client_response_cancel: clientEvent('client_response_cancel', {}),
  client_text_append: clientEvent('client_text_append', { text }),
  client_audio_append: clientEvent('client_audio_append', { audio: base64, format: audioFormat }),
  client_audio_commit: clientEvent('client_audio_commit', {}),
  client_image_append: clientEvent('client_image_append', {
    image: base64,
    format: fc.record({
      mime_type: fc.constantFrom('image/jpeg' as const, 'image/png' as const, 'image/webp' as const),
    }),
  }),
  client_tool_result: clientEvent('client_tool_result', { id, name: id, output: toolOutput }),
  client_playback_position: clientEvent('client_playback_position', { item_id: id, audio_end_ms: ms }),
  client_tool_approval: withType(
    'client_tool_approval',
    fc.record(
      { ...envelope, call_id: id, approved: fc.boolean(), reason: text },
      { requiredKeys: ['call_id', 'approved'] },
    ),
  ),
};

/** Any canonical event of each family. */
export const anyModelEvent = fc.oneof(...Object.values(modelEventArbitraries)) as fc.Arbitrary<ModelEvent>;
export const anyServerEvent = fc.oneof(...Object.values(serverEventArbitraries)) as fc.Arbitrary<ServerEvent>;
export const anyClientEvent = fc.oneof(...Object.values(clientEventArbitraries)) as fc.Arbitrary<ClientEvent>;

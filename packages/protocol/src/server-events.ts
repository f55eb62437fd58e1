import { z } from 'zod';
import { errorCodeField } from './error-codes.js';
import { idField, jsonObjectField, millisecondsField, nameField, textField } from './fields.js';
import { historyItemSchema, MAX_HISTORY_ITEMS_PER_EVENT } from './history-items.js';
import { MAX_TEXT_CHARS, MAX_TOOL_TEXT_CHARS } from './limits.js';
import {
  agentInputDoneShape,
  agentInputStartedShape,
  agentResponseDoneShape,
  agentToolUseShape,
  errorShape,
  inputTranscriptionDeltaShape,
  inputTranscriptionDoneShape,
  interruptedShape,
  rateLimitsShape,
  responseAudioDeltaShape,
  responseCreatedShape,
  responseItemShape,
  responseTextDeltaShape,
  responseTextDoneShape,
  responseTranscriptDoneShape,
  toolCallCancelledShape,
  toolResultBlockSchema,
} from './response-shapes.js';

// ServerEvents: what the backend sends to frontends and to the other agents in a room, in
// AgentScope's names. Every `agent_*` event says which agent it is about; `room_id` is set when a
// room relays it (optional, so a single-agent session needs no room).

/** Who an `agent_*` event is about. */
const agentShape = {
  agent_id: idField,
  agent_name: nameField,
  room_id: idField.optional(),
};

/**
 * Chorus addition: whose speech an `agent_input_*` event is about. A room with several users sets
 * it on every input event, since each user's speech reaches an agent as a turn of its own.
 */
const speakerShape = {
  user_id: idField.optional(),
  user_name: nameField.optional(),
};

export const serverSessionCreatedSchema = z.object({
  type: z.literal('server_session_created'),
  session_id: idField,
  config: jsonObjectField.optional(),
  /**
   * Chorus addition: the secret a client sends back (`client_session_create.resume_token`) to pick
   * this session up again after its socket dropped, within the gateway's grace period. Single use:
   * each resumption hands out a new one. Absent when the gateway does not hold sessions.
   */
  resume_token: textField(128).optional(),
  /** Chorus addition: true when this answers a resumption (the session went on; nothing restarted). */
  resumed: z.boolean().optional(),
});

/** A session config field the backend did not apply, and why. */
export const notAppliedFieldSchema = z.object({ field: textField(256), reason: textField(1024) });

export const serverSessionUpdatedSchema = z.object({
  type: z.literal('server_session_updated'),
  session_id: idField,
  config: jsonObjectField.optional(),
  /** Chorus addition: the config fields that took effect. */
  applied: z.array(textField(256)).max(256).optional(),
  /** Chorus addition: the config fields that did not, each with the reason. */
  not_applied: z.array(notAppliedFieldSchema).max(256).optional(),
});

export const serverSessionEndedSchema = z.object({
  type: z.literal('server_session_ended'),
  session_id: idField,
  reason: textField(4096).optional(),
});

export const agentReadySchema = z.object({ type: z.literal('agent_ready'), ...agentShape });

export const agentEndedSchema = z.object({ type: z.literal('agent_ended'), ...agentShape });

export const agentResponseCreatedSchema = z.object({
  type: z.literal('agent_response_created'),
  ...agentShape,
  ...responseCreatedShape,
});

export const agentResponseDoneSchema = z.object({
  type: z.literal('agent_response_done'),
  ...agentShape,
  ...agentResponseDoneShape,
});

export const agentResponseAudioDeltaSchema = z.object({
  type: z.literal('agent_response_audio_delta'),
  ...agentShape,
  ...responseAudioDeltaShape,
});

export const agentResponseAudioDoneSchema = z.object({
  type: z.literal('agent_response_audio_done'),
  ...agentShape,
  ...responseItemShape,
  ...interruptedShape,
});

export const agentResponseAudioTranscriptDeltaSchema = z.object({
  type: z.literal('agent_response_audio_transcript_delta'),
  ...agentShape,
  ...responseTextDeltaShape,
});

export const agentResponseAudioTranscriptDoneSchema = z.object({
  type: z.literal('agent_response_audio_transcript_done'),
  ...agentShape,
  ...responseTranscriptDoneShape,
  ...interruptedShape,
});

/** Chorus addition: mirror of `model_response_text_delta` (text-only modality). */
export const agentResponseTextDeltaSchema = z.object({
  type: z.literal('agent_response_text_delta'),
  ...agentShape,
  ...responseTextDeltaShape,
});

/** Chorus addition: mirror of `model_response_text_done`. */
export const agentResponseTextDoneSchema = z.object({
  type: z.literal('agent_response_text_done'),
  ...agentShape,
  ...responseTextDoneShape,
  ...interruptedShape,
});

export const agentResponseToolUseDeltaSchema = z.object({
  type: z.literal('agent_response_tool_use_delta'),
  ...agentShape,
  ...agentToolUseShape,
});

export const agentResponseToolUseDoneSchema = z.object({
  type: z.literal('agent_response_tool_use_done'),
  ...agentShape,
  ...agentToolUseShape,
  /**
   * Chorus addition: the client runs this tool itself (it declared it for the session or for this
   * response); the agent runs nothing and waits for its `client_tool_result`.
   */
  client_tool: z.boolean().optional(),
});

export const agentResponseToolResultSchema = z.object({
  type: z.literal('agent_response_tool_result'),
  ...agentShape,
  tool_result: toolResultBlockSchema,
});

/**
 * Chorus addition: mirror of `model_tool_call_cancelled`, so a frontend showing a running tool can
 * show it was withdrawn.
 */
export const agentToolCallCancelledSchema = z.object({
  type: z.literal('agent_tool_call_cancelled'),
  ...agentShape,
  ...toolCallCancelledShape,
});

export const agentInputTranscriptionDeltaSchema = z.object({
  type: z.literal('agent_input_transcription_delta'),
  ...agentShape,
  ...inputTranscriptionDeltaShape,
  ...speakerShape,
});

export const agentInputTranscriptionDoneSchema = z.object({
  type: z.literal('agent_input_transcription_done'),
  ...agentShape,
  ...inputTranscriptionDoneShape,
  ...speakerShape,
});

export const agentInputStartedSchema = z.object({
  type: z.literal('agent_input_started'),
  ...agentShape,
  ...agentInputStartedShape,
  ...speakerShape,
});

export const agentInputDoneSchema = z.object({
  type: z.literal('agent_input_done'),
  ...agentShape,
  ...agentInputDoneShape,
  ...speakerShape,
});

/**
 * An error, attributed to the agent it is about. Errors about a client's own frames are attributed
 * to the agent id {@link GATEWAY_AGENT_ID} (see the dialect rules in the README); then `path` names
 * the offending field and `event_id` echoes the client's event id, as in `server_error`.
 */
export const agentErrorSchema = z.object({
  type: z.literal('agent_error'),
  ...agentShape,
  ...errorShape,
  path: textField(1024).optional(),
  event_id: idField.optional(),
});

/** The `agent_id` (and `agent_name`) of an `agent_error` the gateway sends about a client's frame. */
export const GATEWAY_AGENT_ID = 'gateway';

/** Chorus addition: the agent's provider reported its rate limits (mirrors `model_rate_limits_updated`). */
export const agentRateLimitsUpdatedSchema = z.object({
  type: z.literal('agent_rate_limits_updated'),
  ...agentShape,
  ...rateLimitsShape,
});

/**
 * Chorus addition: the agent's lifecycle state changed (e.g. listening, thinking, speaking). The
 * agent is a state machine; frontends show the state and tests assert on it instead of guessing
 * from audio.
 */
export const agentStateChangedSchema = z.object({
  type: z.literal('agent_state_changed'),
  ...agentShape,
  state: textField(128),
});

/**
 * Chorus addition: the agent's response was cut off (barge-in or cancel). Clients must clear queued
 * playback. `audio_end_ms` is how much of the item the listener heard; the conversation history is
 * truncated to it. AgentScope had no interruption at all.
 */
export const agentResponseInterruptedSchema = z.object({
  type: z.literal('agent_response_interrupted'),
  ...agentShape,
  response_id: idField.optional(),
  item_id: idField,
  audio_end_ms: millisecondsField,
});

/** Chorus addition: control passed from one agent to another (a `transfer_to_<name>` tool call). */
export const agentHandoffSchema = z.object({
  type: z.literal('agent_handoff'),
  ...agentShape,
  from: nameField,
  to: nameField,
});

/**
 * Chorus addition: an output guardrail rejected what the agent was saying; the response is cut
 * and the model gets feedback. `text` is the output that tripped it.
 */
export const agentGuardrailTrippedSchema = z.object({
  type: z.literal('agent_guardrail_tripped'),
  ...agentShape,
  response_id: idField,
  guardrail: nameField,
  message: textField(16 * 1024),
  text: textField(MAX_TOOL_TEXT_CHARS),
});

/**
 * Chorus addition: a tool marked as needing approval was called; the call waits for a
 * `client_tool_approval` with the same `call_id`. `arguments` is the raw JSON text of the call.
 */
export const agentToolApprovalRequestedSchema = z.object({
  type: z.literal('agent_tool_approval_requested'),
  ...agentShape,
  call_id: idField,
  name: nameField,
  arguments: textField(MAX_TOOL_TEXT_CHARS),
});

/**
 * Chorus addition: the agent's conversation history changed; `items` is its new length. The change
 * itself is listed so a client can keep its own copy: `added` items go after `previous_item_id`
 * (null: at the start; absent: at the end), `updated` items replace those with the same id, and
 * `removed` ids are gone (dropped to stay within the history's bound, or deleted).
 */
export const agentHistoryUpdatedSchema = z.object({
  type: z.literal('agent_history_updated'),
  ...agentShape,
  items: z.number().int().nonnegative(),
  added: z.array(historyItemSchema).max(MAX_HISTORY_ITEMS_PER_EVENT).optional(),
  previous_item_id: idField.nullable().optional(),
  updated: z.array(historyItemSchema).max(MAX_HISTORY_ITEMS_PER_EVENT).optional(),
  removed: z.array(idField).max(MAX_HISTORY_ITEMS_PER_EVENT).optional(),
});

/**
 * Chorus addition: timings of one turn, for dashboards and latency tests. Absent figures were not
 * measured (no audio in a text turn, an interrupted turn with no end).
 */
export const agentTurnMetricsSchema = z.object({
  type: z.literal('agent_turn_metrics'),
  ...agentShape,
  response_id: idField,
  time_to_first_audio_ms: millisecondsField.optional(),
  e2e_ms: millisecondsField.optional(),
  interrupted: z.boolean(),
  /** Wall time of each tool call in the turn, by call id. */
  tool_durations_ms: z.record(z.string(), millisecondsField),
});

/**
 * Chorus addition: who holds the floor in a room changed; `agent_id` null means nobody (the users
 * may speak). AgentScope let every agent talk at once.
 */
export const roomFloorChangedSchema = z.object({
  type: z.literal('room_floor_changed'),
  room_id: idField.optional(),
  agent_id: idField.nullable(),
  reason: textField(1024).optional(),
});

/**
 * Chorus addition: attributes one user's words to the others in a multi-user room (AgentScope was
 * single-user, so nobody knew who said what).
 */
export const roomUserMessageSchema = z.object({
  type: z.literal('room_user_message'),
  room_id: idField.optional(),
  user_id: idField,
  user_name: nameField.optional(),
  text: textField(MAX_TEXT_CHARS),
  /** `false`: the user's words are context only; nobody answers until asked (OpenAI dialect). */
  respond: z.boolean().optional(),
});

/** Chorus addition: what a room lost when it moved to another gateway process (a reply cut mid-way). */
export const lostResponseSchema = z.object({
  agent_id: idField,
  response_id: idField,
  what: z.literal('response_cut'),
});

/**
 * Chorus addition: a shared room moved to another gateway process (its owner stopped or died, or the
 * bus was interrupted). The agents restarted there with the conversation kept on the bus
 * (`restored_items` entries of it); `lost` names the replies that were cut. The session goes on.
 */
export const serverRoomMovedSchema = z.object({
  type: z.literal('server_room_moved'),
  room_id: idField,
  reason: z.enum(['owner_lost', 'owner_shutdown', 'bus_interrupted', 'lease_lost']),
  lost: z.array(lostResponseSchema).max(64),
  restored_items: z.number().int().nonnegative().max(1_000_000).optional(),
});

/**
 * Chorus addition: events meant for this client were lost while its socket was away (the gateway's
 * replay buffer is bounded by bytes): `dropped` events of `dropped_bytes`, the oldest first. Sent
 * before the replay of the events that were kept.
 */
export const serverEventsDroppedSchema = z.object({
  type: z.literal('server_events_dropped'),
  session_id: idField,
  dropped: z.number().int().nonnegative(),
  dropped_bytes: z.number().int().nonnegative(),
  reason: textField(1024).optional(),
});

/**
 * Chorus addition: the backend rejected a client event (bad JSON, bad field, unknown type) or failed
 * on its own. `path` names the offending field; `event_id` echoes the client's event id, if it sent
 * one. The session goes on.
 */
export const serverErrorSchema = z.object({
  type: z.literal('server_error'),
  code: errorCodeField,
  message: textField(16 * 1024),
  path: textField(1024).optional(),
  event_id: idField.optional(),
});

/** Every server event (backend -> frontends and other agents), discriminated on `type`. */
export const serverEventSchema = z.discriminatedUnion('type', [
  serverSessionCreatedSchema,
  serverSessionUpdatedSchema,
  serverSessionEndedSchema,
  agentReadySchema,
  agentEndedSchema,
  agentResponseCreatedSchema,
  agentResponseDoneSchema,
  agentResponseAudioDeltaSchema,
  agentResponseAudioDoneSchema,
  agentResponseAudioTranscriptDeltaSchema,
  agentResponseAudioTranscriptDoneSchema,
  agentResponseTextDeltaSchema,
  agentResponseTextDoneSchema,
  agentResponseToolUseDeltaSchema,
  agentResponseToolUseDoneSchema,
  agentResponseToolResultSchema,
  agentToolCallCancelledSchema,
  agentInputTranscriptionDeltaSchema,
  agentInputTranscriptionDoneSchema,
  agentInputStartedSchema,
  agentInputDoneSchema,
  agentErrorSchema,
  agentRateLimitsUpdatedSchema,
  agentStateChangedSchema,
  agentResponseInterruptedSchema,
  agentHandoffSchema,
  agentGuardrailTrippedSchema,
  agentToolApprovalRequestedSchema,
  agentHistoryUpdatedSchema,
  agentTurnMetricsSchema,
  roomFloorChangedSchema,
  roomUserMessageSchema,
  serverRoomMovedSchema,
  serverEventsDroppedSchema,
  serverErrorSchema,
]);

/** A server event in canonical form. */
export type ServerEvent = z.infer<typeof serverEventSchema>;

/** A server event as accepted on input (optional defaults, audio format aliases). */
export type ServerEventInput = z.input<typeof serverEventSchema>;

/** The server event with the given `type`. */
export type ServerEventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;

/** Every server event type string. */
export const SERVER_EVENT_TYPES = [
  'server_session_created',
  'server_session_updated',
  'server_session_ended',
  'agent_ready',
  'agent_ended',
  'agent_response_created',
  'agent_response_done',
  'agent_response_audio_delta',
  'agent_response_audio_done',
  'agent_response_audio_transcript_delta',
  'agent_response_audio_transcript_done',
  'agent_response_text_delta',
  'agent_response_text_done',
  'agent_response_tool_use_delta',
  'agent_response_tool_use_done',
  'agent_response_tool_result',
  'agent_tool_call_cancelled',
  'agent_input_transcription_delta',
  'agent_input_transcription_done',
  'agent_input_started',
  'agent_input_done',
  'agent_error',
  'agent_rate_limits_updated',
  'agent_state_changed',
  'agent_response_interrupted',
  'agent_handoff',
  'agent_guardrail_tripped',
  'agent_tool_approval_requested',
  'agent_history_updated',
  'agent_turn_metrics',
  'room_floor_changed',
  'room_user_message',
  'server_room_moved',
  'server_events_dropped',
  'server_error',
] as const satisfies readonly ServerEvent['type'][];

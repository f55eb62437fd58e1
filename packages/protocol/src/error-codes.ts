import { textField } from './fields.js';

// Every `error_type` and `code` Chorus itself puts in an error (`server_error`, `agent_error`,
// `model_error`, the OpenAI route's `error`), declared once. Emitting functions and the event types
// take these unions, so a code nobody declared fails typecheck; clients depend on the spellings, so
// they never change. A provider's own codes (OpenAI's `rate_limit_exceeded`, a Gemini close reason)
// are passed through as they came, marked with `providerErrorCode`.

/** What kind of error it is: whose fault, and whether the session can go on. */
export const ERROR_TYPES = {
  /** The client's input was refused (bad field, wrong state, unsupported request); nothing changed. */
  invalid_request_error: 'client',
  /** Chorus or the room failed while handling valid input. */
  server_error: 'server',
  /** The model's provider reported an error (non-fatal unless `fatal`). */
  provider: 'model',
  /** The model connection failed or closed (connect, drop, lost stream). */
  connection: 'model',
  /** The provider refused the credentials; the session cannot go on. */
  authentication_error: 'model',
  /** A Gemini session ended for a reason no retry can fix (Gemini's spelling of a fatal provider error). */
  fatal: 'model',
  /** The provider sent a frame Chorus could not read. */
  invalid_server_event: 'model',
  /** The model could not transcribe the user's audio. */
  transcription_error: 'model',
  /** The model has no transcriber, so the user's audio is not transcribed (the local model without STT). */
  transcription_unavailable: 'model',
} as const;

/** An `error_type` Chorus emits. */
export type ChorusErrorType = keyof typeof ERROR_TYPES;

/**
 * Every error code Chorus emits, by meaning. The value says who emits it: `parser` (protocol
 * parsing, any route), `gateway` (the server's routes), `openai` (the OpenAI route, OpenAI's own
 * spelling for the same refusal), `agent` (the core's agents and rooms), `model` (adapters and the
 * model connection), `tools` (tool sources).
 */
export const ERROR_CODES = {
  // --- parser ---
  /** The frame is not UTF-8 JSON. */
  invalid_json: 'parser',
  /** JSON, but not a valid event: a wrong or missing field, not an object, an unsafe key. */
  invalid_event: 'parser',
  /** `type` names no event of this family. */
  unknown_type: 'parser',
  /** The frame exceeds the family's size or shape cap. */
  too_large: 'parser',
  // --- gateway ---
  /** An event arrived before `client_session_create` (or after the session ended). */
  no_session: 'gateway',
  /** `client_session_create` while a session is open on this socket. */
  session_exists: 'gateway',
  /** The event names another session than the socket's. */
  session_mismatch: 'gateway',
  /** An event arrived while the session was starting and could not be kept (more than it holds meanwhile). */
  session_starting: 'gateway',
  /** `config.room` (or the model name) names no room this server serves. */
  unknown_room: 'gateway',
  /** The room could not be started or joined. */
  room_unavailable: 'gateway',
  /** `config.room` names a shared room, but the bus that shares rooms between gateway processes is down. */
  bus_unavailable: 'gateway',
  /** Input for a shared room that is moving between gateway processes (or whose bus is down) was not delivered. */
  room_unreachable: 'gateway',
  /** `client_session_create{resume_token}` could not resume: the token is unknown, used, or its grace ran out. */
  resume_refused: 'gateway',
  /** A binary frame with a bad header. */
  invalid_binary_frame: 'gateway',
  /** The client reads too slowly: agent audio was dropped. */
  slow_consumer: 'gateway',
  /** The gateway failed while handling valid input. */
  internal_error: 'gateway',
  /** A phone provider's message that could not be read (logged and counted; the call goes on). */
  invalid_message: 'gateway',
  // --- openai route ---
  /** The OpenAI route's `unknown_type`: the client event type is not one OpenAI defines. */
  unknown_event_type: 'openai',
  /** A field holds a value the route does not take (e.g. a sample rate the GA service does not offer). */
  invalid_value: 'openai',
  /** OpenAI's answer to a `session.update` that tries to turn a realtime session into a transcription one. */
  invalid_parameter: 'openai',
  /** A parameter OpenAI defines that this route cannot honour; `param` names it. */
  unsupported_parameter: 'openai',
  /** A content part an item cannot carry here (e.g. audio in a system message). */
  unsupported_content: 'openai',
  /** An item type `conversation.item.create` cannot add here. */
  unsupported_item: 'openai',
  /** `previous_item_id` names an item other than the newest (the agent's history is appended to in order). */
  unsupported_previous_item_id: 'openai',
  /** No item with that id (retrieve, delete, truncate, a reference). */
  item_not_found: 'openai',
  /** An `input_image` that is not PNG, JPEG or WebP bytes. */
  invalid_image: 'openai',
  /** A commit of less than 100 ms of audio. */
  input_audio_buffer_commit_empty: 'openai',
  /** Input audio arrives faster than the allowed multiple of real time; the append was dropped. */
  input_audio_rate_exceeded: 'openai',
  /** `response.create` while a response is running. */
  conversation_already_has_active_response: 'openai',
  /** `output_audio_buffer.clear` before any response. */
  no_output_audio: 'openai',
  /** An event other than `session.update` arrived while the session was starting and could not be kept. */
  not_ready: 'openai',
  /** The agent did not start a response the client asked for in time. */
  response_not_started: 'openai',
  /** The route's shared room moved to another gateway process; the reply it was giving was cut. */
  room_moved: 'openai',
  // --- agent ---
  /** `client_response_cancel` (or `response.cancel`) with no response running. */
  response_cancel_not_active: 'agent',
  /** The model does not take this kind of input (images to a model without image input). */
  unsupported_input: 'agent',
  /** The audio format of input differs from the session's and cannot be converted. */
  unsupported_audio_format: 'agent',
  /** The agent's fixed audio format cannot change on a running session. */
  audio_format_mismatch: 'agent',
  /** Input arrived while the model was away and more of it than the buffer keeps. */
  input_buffer_overflow: 'agent',
  /** A tool or handoff name is taken by another one; the later one was left out. */
  tool_dropped: 'agent',
  /** The model called a tool the agent does not have. */
  unknown_tool: 'agent',
  /** A tool result or approval names a call that is not waiting. */
  unknown_tool_call: 'agent',
  /** A handoff names an agent that is not in the room. */
  unknown_target: 'agent',
  /** An output guardrail threw. */
  guardrail_error: 'agent',
  /** An observer threw; the others went on. */
  observer_error: 'agent',
  /** The agent failed and stopped. */
  agent_failed: 'agent',
  /** The agent's actor failed unexpectedly. */
  agent_actor_error: 'agent',
  /** Input to an agent that is not running. */
  agent_not_running: 'agent',
  /** A room member failed. */
  member_failed: 'agent',
  /** The room could not deliver an event to a member. */
  room_delivery_failed: 'agent',
  /** The room's floor policy threw. */
  floor_policy_failed: 'agent',
  /** The room failed to start. */
  room_start_failed: 'agent',
  /** The room failed to stop cleanly. */
  room_stop_failed: 'agent',
  /** Input to a room that is not running. */
  room_not_running: 'agent',
  /** The room's actor failed unexpectedly. */
  room_actor_failed: 'agent',
  /** A room's outgoing observer (what carries its events to clients) threw on an event. */
  outgoing_failed: 'agent',
  /** The floor refused a turn (the speaker may not speak now). */
  turn_refused: 'agent',
  /** A line to say (`say`, a filler, an idle prompt) was not spoken: too many lines were already waiting. */
  too_many_lines: 'agent',
  /** A tool call sent more progress updates than are spoken per call; the rest are dropped. */
  tool_progress_dropped: 'agent',
  /** The model cannot apply a history edit in place; it sees the edit when the history is next replayed. */
  history_not_applied: 'agent',
  /** A room user's queued speech exceeded the queue while someone else's turn was heard; the excess was dropped. */
  input_audio_dropped: 'agent',
  // --- model ---
  /** The provider cannot take this history edit mid-session (Gemini Live: anything but appends); it arrives on replay. */
  history_edit_unsupported: 'model',
  /** The model connection was lost mid-response; the agent asks again once it is back. */
  model_connection_lost: 'model',
  /** The model's event stream failed. */
  model_stream_error: 'model',
  /** The model connection's actor failed. */
  connection_actor_error: 'model',
  /** Input sent while the model was not connected. */
  not_connected: 'model',
  /** `connect` while already connected. */
  already_connected: 'model',
  /** The model was used after `close()`. */
  closed: 'model',
  /** A fatal error already ended this model. */
  fatal_error_reported: 'model',
  /** Connecting was given up. */
  aborted: 'model',
  /** The provider did not accept the session in time. */
  connect_timeout: 'model',
  /** The provider did not finish setup in time. */
  setup_timeout: 'model',
  /** Connecting failed (network, handshake). */
  connect_failed: 'model',
  /** The connection closed. */
  connection_closed: 'model',
  /** The connection closed unexpectedly. */
  connection_lost: 'model',
  /** The provider stopped answering pings. */
  pong_timeout: 'model',
  /** A network error on the provider socket. */
  network_error: 'model',
  /** The provider closed the socket. */
  server_closed: 'model',
  /** No API key was configured. */
  missing_api_key: 'model',
  /** The provider refused the key. */
  invalid_api_key: 'model',
  /** The provider refused access. */
  forbidden: 'model',
  /** The provider does not know the model. */
  model_not_found: 'model',
  /** The provider's endpoint was not found. */
  not_found: 'model',
  /** The provider rate-limited the session (OpenAI's spelling, used for every provider). */
  rate_limit_exceeded: 'model',
  /** The account's quota or credit is exhausted. */
  credit_exhausted: 'model',
  /** The provider's session expired. */
  session_expired: 'model',
  /** The provider ended the session. */
  session_ended: 'model',
  /** The provider refused to resume a session. */
  resume_rejected: 'model',
  /** The provider closed for a policy violation. */
  policy_violation: 'model',
  /** The provider refused an argument. */
  invalid_argument: 'model',
  /** The provider reported an internal error. */
  server_error: 'model',
  /** A provider frame that could not be read. */
  invalid_server_message: 'model',
  /** A provider audio delta that is not valid base64. */
  invalid_audio: 'model',
  /** The provider documents no function calling (DashScope), and the agent has tools. */
  tools_unsupported: 'model',
  /** The provider takes no typed text (DashScope without `textItems`). */
  text_input_unsupported: 'model',
  /** A session change the provider cannot apply on a running session. */
  unsupported_session_update: 'model',
  /** Replaying the conversation into a new session failed. */
  replay_failed: 'model',
  /** The user's audio could not be transcribed. */
  transcription_failed: 'model',
  /** Transcription was asked for but no transcriber is available. */
  transcription_unavailable: 'model',
  /** The local model has no transcriber configured. */
  no_transcriber: 'model',
  /** The local model's text-to-speech failed. */
  tts_failed: 'model',
  /** The local model's brain (rules or chat endpoint) failed. */
  brain_failed: 'model',
  /** The local model could not be set up. */
  local_setup_failed: 'model',
  /** Audio the local model could not read. */
  bad_audio: 'model',
  // --- tools ---
  /** A tool source (an MCP server) failed to start or list its tools. */
  tool_source_failed: 'tools',
  /** A tool source (an MCP server) went away; its tools are withdrawn. */
  tool_source_down: 'tools',
} as const;

/**
 * Codes that carry a number: `closed_N`, the provider closed its socket with WebSocket close code N
 * (and gave no code of its own); `http_N`, the provider refused the upgrade with HTTP status N.
 */
export type NumberedErrorCode = `closed_${number}` | `http_${number}`;

/** An error code Chorus itself emits (see {@link ERROR_CODES} for each one's meaning). */
export type ChorusErrorCode = keyof typeof ERROR_CODES | NumberedErrorCode;

/** Who emits an error code (see {@link ERROR_CODES}). */
export type ErrorSource = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** The codes one source emits, e.g. `ErrorCodeOf<'gateway'>`. */
export type ErrorCodeOf<S extends ErrorSource> = {
  [K in keyof typeof ERROR_CODES]: (typeof ERROR_CODES)[K] extends S ? K : never;
}[keyof typeof ERROR_CODES];

declare const providerBrand: unique symbol;
/** A code or type a provider sent, passed on unchanged (make one with {@link providerErrorCode}). */
export type ProviderErrorCode = string & { readonly [providerBrand]: 'provider' };

/** Marks a provider's own error code or type, passed through as it came (never a Chorus code). */
export function providerErrorCode(code: string): ProviderErrorCode {
  return code as ProviderErrorCode;
}

/** A code in an error event: one of Chorus's, or a provider's passed through. */
export type ErrorCode = ChorusErrorCode | ProviderErrorCode;
/** An `error_type` in an error event: one of Chorus's, or a provider's passed through. */
export type ErrorType = ChorusErrorType | ProviderErrorCode;

/** The field of an error event's `code` (parsing accepts any bounded string: newer servers may add codes). */
export const errorCodeField = textField(256).transform((code) => code as ErrorCode);
/** The field of an error event's `error_type`. */
export const errorTypeField = textField(256).transform((type) => type as ErrorType);

/** Whether `code` is one Chorus declares (a provider's own codes are not). */
export function isChorusErrorCode(code: string): code is ChorusErrorCode {
  return Object.hasOwn(ERROR_CODES, code) || /^(closed|http)_\d+$/.test(code);
}

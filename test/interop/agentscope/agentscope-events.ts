import { z } from 'zod';

// AgentScope v1.0.21's realtime wire, written field by field from its pydantic models
// (`src/agentscope/realtime/_events/_client_event.py`, `_server_event.py`, `_utils.py`) and its
// content blocks (`src/agentscope/message/_message_block.py`). Deliberately independent of
// `@chorus/protocol`: this is the other side's contract, so a Chorus frame is checked against what
// an AgentScope frontend or backend would accept, not against what Chorus thinks it sends.
//
// How pydantic reads these models, and how that is mirrored here:
// - `BaseModel` ignores unknown keys (extra='ignore'), so every object is a non-strict `z.object`.
//   `AudioFormat` says extra='allow' explicitly: same effect for validation.
// - `str` is strict in pydantic v2 lax mode for numbers (an int is not a str), so `z.string()`.
// - `int` accepts an int or a float with no fractional part (3.0, not 3.5). pydantic also takes a
//   numeric string ("3"); that lenience is not mirrored, since no sender should rely on it.
// - `dict[str, str]` wants every value a string; `dict` (session config) any JSON object.
// - Blocks are `TypedDict(total=False)`: only the keys marked `Required` must be present.

const int = z.number().refine(Number.isInteger, { message: 'pydantic int: a whole number' });

/** `_utils.AudioFormat`: `type: str`, `rate: int`, extra allowed. */
export const audioFormat = z.looseObject({ type: z.string(), rate: int });

// --- message blocks -------------------------------------------------------------------------

export const textBlock = z.object({ type: z.literal('text'), text: z.string().optional() });

const base64Source = z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() });
const urlSource = z.object({ type: z.literal('url'), url: z.string() });
const source = z.discriminatedUnion('type', [base64Source, urlSource]);

export const imageBlock = z.object({ type: z.literal('image'), source });
export const audioBlock = z.object({ type: z.literal('audio'), source });
export const videoBlock = z.object({ type: z.literal('video'), source });

/** `ToolUseBlock`: `type`, `id`, `name`, `input: dict[str, object]` required; `raw_input: str`. */
export const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
  raw_input: z.string().optional(),
});

/** What a tool result's `output` may be: `str | list[TextBlock | ImageBlock | AudioBlock | VideoBlock]`. */
export const toolOutput = z.union([
  z.string(),
  z.array(z.discriminatedUnion('type', [textBlock, imageBlock, audioBlock, videoBlock])),
]);

/** `ToolResultBlock`: `type`, `id`, `output`, `name`, all required. */
export const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  id: z.string(),
  output: toolOutput,
  name: z.string(),
});

// --- ClientEvents (frontend -> backend) ------------------------------------------------------

const client = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

export const clientEvents = {
  client_session_create: client('client_session_create', { config: z.record(z.string(), z.unknown()) }),
  client_session_end: client('client_session_end', { session_id: z.string() }),
  client_response_create: client('client_response_create', { session_id: z.string() }),
  client_response_cancel: client('client_response_cancel', { session_id: z.string() }),
  client_image_append: client('client_image_append', {
    session_id: z.string(),
    image: z.string(),
    format: z.record(z.string(), z.unknown()),
  }),
  client_text_append: client('client_text_append', { session_id: z.string(), text: z.string() }),
  client_audio_append: client('client_audio_append', {
    session_id: z.string(),
    audio: z.string(),
    format: audioFormat,
  }),
  client_audio_commit: client('client_audio_commit', { session_id: z.string() }),
  client_tool_result: client('client_tool_result', {
    session_id: z.string(),
    id: z.string(),
    name: z.string(),
    output: toolOutput,
  }),
} as const;

export const clientEvent = z.discriminatedUnion('type', Object.values(clientEvents) as never);

// --- ServerEvents (backend -> frontend) ------------------------------------------------------

const who = { agent_id: z.string(), agent_name: z.string() };
const server = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

export const serverEvents = {
  server_session_created: server('server_session_created', { session_id: z.string() }),
  server_session_updated: server('server_session_updated', { session_id: z.string() }),
  server_session_ended: server('server_session_ended', { session_id: z.string() }),
  agent_ready: server('agent_ready', who),
  agent_ended: server('agent_ended', who),
  agent_response_created: server('agent_response_created', { response_id: z.string(), ...who }),
  agent_response_done: server('agent_response_done', {
    response_id: z.string(),
    input_tokens: int,
    output_tokens: int,
    metadata: z.record(z.string(), z.string()).optional(),
    ...who,
  }),
  agent_response_audio_delta: server('agent_response_audio_delta', {
    response_id: z.string(),
    item_id: z.string(),
    delta: z.string(),
    format: audioFormat,
    ...who,
  }),
  agent_response_audio_done: server('agent_response_audio_done', {
    response_id: z.string(),
    item_id: z.string(),
    ...who,
  }),
  agent_response_audio_transcript_delta: server('agent_response_audio_transcript_delta', {
    response_id: z.string(),
    item_id: z.string(),
    delta: z.string(),
    ...who,
  }),
  // AgentScope's model has no `transcript` here; an extra key is ignored by pydantic.
  agent_response_audio_transcript_done: server('agent_response_audio_transcript_done', {
    response_id: z.string(),
    item_id: z.string(),
    ...who,
  }),
  agent_response_tool_use_delta: server('agent_response_tool_use_delta', {
    response_id: z.string(),
    item_id: z.string(),
    tool_use: toolUseBlock,
    ...who,
  }),
  agent_response_tool_use_done: server('agent_response_tool_use_done', {
    response_id: z.string(),
    item_id: z.string(),
    tool_use: toolUseBlock,
    ...who,
  }),
  agent_response_tool_result: server('agent_response_tool_result', { tool_result: toolResultBlock, ...who }),
  agent_input_transcription_delta: server('agent_input_transcription_delta', {
    item_id: z.string(),
    delta: z.string(),
    ...who,
  }),
  agent_input_transcription_done: server('agent_input_transcription_done', {
    transcript: z.string(),
    item_id: z.string(),
    input_tokens: int.nullable().optional(),
    output_tokens: int.nullable().optional(),
    ...who,
  }),
  agent_input_started: server('agent_input_started', { item_id: z.string(), audio_start_ms: int, ...who }),
  agent_input_done: server('agent_input_done', { item_id: z.string(), audio_end_ms: int, ...who }),
  agent_error: server('agent_error', {
    error_type: z.string(),
    code: z.string(),
    message: z.string(),
    ...who,
  }),
} as const;

/** Every server event type AgentScope defines. */
export type AgentScopeServerType = keyof typeof serverEvents;

export function isAgentScopeServerType(type: string): type is AgentScopeServerType {
  return Object.hasOwn(serverEvents, type);
}

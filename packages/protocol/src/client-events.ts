import { z } from 'zod';
import { audioFormatSchema } from './audio-format.js';
import { base64Field } from './base64.js';
import { toolOutputSchema } from './content-blocks.js';
import { idField, millisecondsField, nameField, textField } from './fields.js';
import { imageFormatSchema } from './image-format.js';
import {
  MAX_AUDIO_BASE64_CHARS,
  MAX_IMAGE_BASE64_CHARS,
  MAX_INSTRUCTIONS_CHARS,
  MAX_TEXT_CHARS,
  MAX_TOOL_TEXT_CHARS,
} from './limits.js';

// ClientEvents: what a frontend sends to the backend, in AgentScope's names. `session_id` is
// optional because the gateway already knows the session from the socket's URL; `event_id` is an
// optional client-chosen id that a `server_error` about this event echoes back.

const envelopeShape = {
  session_id: idField.optional(),
  event_id: idField.optional(),
};

/** Output modalities a session may ask for. */
export const MODALITIES = ['audio', 'text'] as const;

/** At most this many tools a client declares at once (session or one response). */
export const MAX_CLIENT_TOOLS = 128;

/** A tool the client runs itself, declared as a JSON-schema function. */
export const clientToolSchema = z.object({
  name: nameField,
  description: textField(MAX_INSTRUCTIONS_CHARS).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

/** At most this many items a `client_response_create` may give as the response's own context. */
export const MAX_RESPONSE_INPUT_ITEMS = 1024;

/**
 * One item of a response's own context (`client_response_create.input`), in the agent's history
 * form: a message, a tool call, or a tool call's output.
 */
export const responseInputItemSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    role: z.enum(['user', 'assistant', 'system']),
    text: textField(MAX_TEXT_CHARS),
  }),
  z.object({
    type: z.literal('function_call'),
    call_id: idField,
    name: nameField,
    arguments: textField(MAX_TOOL_TEXT_CHARS),
  }),
  z.object({
    type: z.literal('function_call_output'),
    call_id: idField,
    output: textField(MAX_TOOL_TEXT_CHARS),
  }),
]);
export type ResponseInputItem = z.infer<typeof responseInputItemSchema>;

/** How the model may use tools in one response: OpenAI's modes, or one function by name. */
export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('function'), name: nameField }),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

/**
 * Session configuration. Known fields are validated; unknown fields pass through untouched so
 * provider-specific settings reach the adapter that understands them.
 */
export const sessionConfigSchema = z.looseObject({
  instructions: textField(MAX_INSTRUCTIONS_CHARS).optional(),
  user_name: nameField.optional(),
  /** The room to join; absent means a one-agent session. */
  room: idField.optional(),
  voice: nameField.optional(),
  modalities: z.array(z.enum(MODALITIES)).max(2).optional(),
  input_audio_format: audioFormatSchema.optional(),
  output_audio_format: audioFormatSchema.optional(),
  /**
   * Chorus addition: how errors about this client's frames are sent. `both` (the default):
   * `server_error`, then the same as `agent_error` from the `gateway` agent; `chorus`: `server_error`
   * only; `agentscope`: `agent_error` only.
   */
  dialect: z.enum(['both', 'chorus', 'agentscope']).optional(),
  /**
   * Chorus addition: tools the client runs itself. The model is offered them beside the agent's own;
   * when it calls one, the agent emits `agent_response_tool_use_done` and runs nothing, and the
   * client answers with `client_tool_result`. A name the agent's own tools already use stays the
   * agent's (the client's declaration of it is ignored and reported in `server_session_updated`),
   * so one call never gets two answers. Replaces the previous list.
   */
  client_tools: z.array(clientToolSchema).max(MAX_CLIENT_TOOLS).optional(),
  /**
   * Chorus addition: how the agent detects turns in the user's audio. `none` leaves turns to the
   * client (`client_audio_commit` + `client_response_create`); `create_response: false` keeps the
   * detection but answers only when asked. Absent keeps the agent's own setting.
   */
  turn_detection: z
    .object({
      type: z.enum(['server_vad', 'semantic_vad', 'none']),
      create_response: z.boolean().optional(),
      interrupt_response: z.boolean().optional(),
    })
    .optional(),
});

/** A session configuration in canonical form. */
export type SessionConfig = z.infer<typeof sessionConfigSchema>;

export const clientSessionCreateSchema = z.object({
  type: z.literal('client_session_create'),
  ...envelopeShape,
  config: sessionConfigSchema,
  /**
   * Chorus addition: continue the session this token came from (`server_session_created.resume_token`)
   * after the socket dropped: the room, the agents' conversation and the events missed meanwhile. A
   * token that is unknown, used or past the grace period is refused (`server_error{code:
   * 'resume_refused', path:'resume_token'}` naming why) and a fresh session is created from `config`.
   */
  resume_token: z.string().min(1).max(128).optional(),
});

export const clientSessionEndSchema = z.object({ type: z.literal('client_session_end'), ...envelopeShape });

export const clientResponseCreateSchema = z.object({
  type: z.literal('client_response_create'),
  ...envelopeShape,
  /** Chorus addition: instructions for this response only, on top of the session's. */
  instructions: textField(MAX_INSTRUCTIONS_CHARS).optional(),
  /** Chorus addition: output modalities for this response only (e.g. `['text']`). */
  modalities: z.array(z.enum(MODALITIES)).min(1).max(2).optional(),
  /** Chorus addition: `none` asks for an out-of-band answer the model keeps out of its conversation. */
  conversation: z.enum(['auto', 'none']).optional(),
  /**
   * Chorus addition: the context this response sees instead of the conversation (`[]`: none). Usually
   * with `conversation: 'none'`; models that cannot take a per-response context refuse the response.
   */
  input: z.array(responseInputItemSchema).max(MAX_RESPONSE_INPUT_ITEMS).optional(),
  /**
   * Chorus addition: the client's tools for this response only, instead of its `client_tools`; the
   * agent's own tools stay offered (a name they use stays the agent's).
   */
  tools: z.array(clientToolSchema).max(MAX_CLIENT_TOOLS).optional(),
  /** Chorus addition: how the model may use tools in this response only. */
  tool_choice: toolChoiceSchema.optional(),
});

export const clientResponseCancelSchema = z.object({
  type: z.literal('client_response_cancel'),
  ...envelopeShape,
});

export const clientTextAppendSchema = z.object({
  type: z.literal('client_text_append'),
  ...envelopeShape,
  text: textField(MAX_TEXT_CHARS),
  /**
   * Chorus addition: `false` adds the words to the conversation without asking for an answer (the
   * OpenAI dialect, where only `response.create` starts a response). Absent or `true`: typed text
   * answers by itself, as AgentScope frontends expect.
   */
  respond: z.boolean().optional(),
  /**
   * Chorus addition: whose words these are. `system` and `assistant` seed the conversation (a
   * client resuming one replays it this way); they never start a response. Default `user`.
   */
  role: z.enum(['user', 'system', 'assistant']).optional(),
});

export const clientAudioAppendSchema = z.object({
  type: z.literal('client_audio_append'),
  ...envelopeShape,
  /** Base64 audio in `format`. */
  audio: base64Field(MAX_AUDIO_BASE64_CHARS),
  format: audioFormatSchema,
});

export const clientAudioCommitSchema = z.object({ type: z.literal('client_audio_commit'), ...envelopeShape });

export const clientImageAppendSchema = z.object({
  type: z.literal('client_image_append'),
  ...envelopeShape,
  /** Base64 image bytes in `format`. */
  image: base64Field(MAX_IMAGE_BASE64_CHARS),
  format: imageFormatSchema,
});

export const clientToolResultSchema = z.object({
  type: z.literal('client_tool_result'),
  ...envelopeShape,
  /** The tool call id this answers. */
  id: idField,
  name: nameField,
  /** Text, or AgentScope's list of text, image, audio and video blocks. */
  output: toolOutputSchema,
  /** Chorus addition: `false` records the result without asking for the next response (OpenAI dialect). */
  respond: z.boolean().optional(),
});

/**
 * Chorus addition: how much of an agent's audio item the listener has really played. The backend
 * cannot know (audio is buffered on the client), so on barge-in it truncates to this position
 * instead of to what was sent.
 */
export const clientPlaybackPositionSchema = z.object({
  type: z.literal('client_playback_position'),
  ...envelopeShape,
  item_id: idField,
  audio_end_ms: millisecondsField,
});

/** Chorus addition: the user's answer to an `agent_tool_approval_requested`. */
export const clientToolApprovalSchema = z.object({
  type: z.literal('client_tool_approval'),
  ...envelopeShape,
  call_id: idField,
  approved: z.boolean(),
  reason: textField(4096).optional(),
});

/** Every client event (frontend -> backend), discriminated on `type`. */
export const clientEventSchema = z.discriminatedUnion('type', [
  clientSessionCreateSchema,
  clientSessionEndSchema,
  clientResponseCreateSchema,
  clientResponseCancelSchema,
  clientTextAppendSchema,
  clientAudioAppendSchema,
  clientAudioCommitSchema,
  clientImageAppendSchema,
  clientToolResultSchema,
  clientPlaybackPositionSchema,
  clientToolApprovalSchema,
]);

/** A client event in canonical form (aliases normalized). */
export type ClientEvent = z.infer<typeof clientEventSchema>;

/** A client event as accepted on input (aliases allowed). */
export type ClientEventInput = z.input<typeof clientEventSchema>;

/** The client event with the given `type`. */
export type ClientEventOf<T extends ClientEvent['type']> = Extract<ClientEvent, { type: T }>;

/** Every client event type string. */
export const CLIENT_EVENT_TYPES = [
  'client_session_create',
  'client_session_end',
  'client_response_create',
  'client_response_cancel',
  'client_text_append',
  'client_audio_append',
  'client_audio_commit',
  'client_image_append',
  'client_tool_result',
  'client_playback_position',
  'client_tool_approval',
] as const satisfies readonly ClientEvent['type'][];

import { z } from 'zod';
import { audioFormatSchema } from './audio-format.js';
import { base64Field } from './base64.js';
import { toolOutputSchema } from './content-blocks.js';
import { errorCodeField, errorTypeField } from './error-codes.js';
import {
  idField,
  jsonObjectField,
  millisecondsField,
  nameField,
  stringMapField,
  textField,
} from './fields.js';
import { MAX_AUDIO_BASE64_CHARS, MAX_TOOL_TEXT_CHARS } from './limits.js';

// Field shapes shared by a model event (`model_x`) and its server mirror (`agent_x`), so the two
// families cannot drift apart.

// Provider text can be long (a whole response transcript); this cap only stops runaway frames.
const LONG_TEXT_CHARS = 1024 * 1024;

/** How a response ended. */
export const RESPONSE_STATUSES = ['completed', 'cancelled', 'failed', 'incomplete'] as const;

/** A tool call as the model streams it. */
export const toolUseSchema = z.object({
  id: idField,
  name: nameField,
  /** The arguments parsed as a JSON object, or null while incomplete or when they did not parse. */
  input: jsonObjectField.nullable(),
  /** The arguments exactly as the model sent them (JSON text, possibly partial in a delta). */
  raw_input: textField(MAX_TOOL_TEXT_CHARS),
});

/** A tool call: id, name, parsed input (or null) and the raw JSON text. */
export type ToolUse = z.infer<typeof toolUseSchema>;

/**
 * A tool call as clients see it: AgentScope's `ToolUseBlock`, which has `type: 'tool_use'` and an
 * `input` that is always an object (`{}` while the arguments are incomplete or did not parse;
 * `raw_input` has them as sent).
 */
export const toolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: idField,
  name: nameField,
  input: jsonObjectField,
  raw_input: textField(MAX_TOOL_TEXT_CHARS),
});

export type ToolUseBlock = z.infer<typeof toolUseBlockSchema>;

/** A tool's result as clients see it: AgentScope's `ToolResultBlock`. */
export const toolResultBlockSchema = z.object({
  type: z.literal('tool_result'),
  id: idField,
  name: nameField,
  output: toolOutputSchema,
  /** Chorus addition: the tool failed (its output says why). */
  is_error: z.boolean().optional(),
});

export type ToolResultBlock = z.infer<typeof toolResultBlockSchema>;

export const responseCreatedShape = {
  response_id: idField,
  /** `none`: an out-of-band response; its output stays out of the conversation (and the history). */
  conversation: z.enum(['auto', 'none']).optional(),
};

export const responseDoneShape = {
  response_id: idField,
  input_tokens: z.number().int().nonnegative().default(0),
  output_tokens: z.number().int().nonnegative().default(0),
  /** Provider details (usage, timings) as JSON; the agent's mirror turns them into strings. */
  metadata: jsonObjectField.default({}),
  /**
   * Chorus addition: how the response ended. AgentScope has no status, so a cancelled or failed
   * response looked the same as a finished one; turn-taking and truncation need the difference.
   */
  status: z.enum(RESPONSE_STATUSES).default('completed'),
};

/**
 * `agent_response_done`: AgentScope's `metadata` is `dict[str, str]`, so a number or an object from
 * the provider arrives as its JSON text (`"210.83"`, `"{\"total_tokens\":12}"`).
 */
export const agentResponseDoneShape = { ...responseDoneShape, metadata: stringMapField.default({}) };

export const responseAudioDeltaShape = {
  response_id: idField,
  item_id: idField,
  /** Base64 audio in `format`. */
  delta: base64Field(MAX_AUDIO_BASE64_CHARS),
  format: audioFormatSchema,
};

export const responseItemShape = { response_id: idField, item_id: idField };

export const responseTextDeltaShape = {
  response_id: idField,
  item_id: idField,
  delta: textField(LONG_TEXT_CHARS),
};

export const responseTranscriptDoneShape = {
  response_id: idField,
  item_id: idField,
  transcript: textField(LONG_TEXT_CHARS),
};

export const responseTextDoneShape = {
  response_id: idField,
  item_id: idField,
  text: textField(LONG_TEXT_CHARS),
};

export const responseToolUseShape = {
  response_id: idField,
  item_id: idField,
  tool_use: toolUseSchema,
};

export const agentToolUseShape = {
  response_id: idField,
  item_id: idField,
  tool_use: toolUseBlockSchema,
};

/**
 * Chorus addition on `agent_response_audio_transcript_done`, `agent_response_text_done` and
 * `agent_response_audio_done`: the item was cut by a barge-in or a cancel, and the transcript is what
 * the listener heard, not what the model wrote.
 */
export const interruptedShape = { interrupted: z.boolean().optional() };

export const toolCallCancelledShape = {
  /** The response the calls belonged to, when the provider says (Gemini does not). */
  response_id: idField.optional(),
  call_ids: z.array(idField).max(1024),
};

export const inputTranscriptionDeltaShape = { item_id: idField, delta: textField(LONG_TEXT_CHARS) };

export const inputTranscriptionDoneShape = { item_id: idField, transcript: textField(LONG_TEXT_CHARS) };

export const inputStartedShape = { item_id: idField, audio_start_ms: millisecondsField };

export const inputDoneShape = { item_id: idField, audio_end_ms: millisecondsField };

/** AgentScope's mirrors carry whole milliseconds (`int`). */
export const agentInputStartedShape = { item_id: idField, audio_start_ms: millisecondsField.int() };

export const agentInputDoneShape = { item_id: idField, audio_end_ms: millisecondsField.int() };

export const errorShape = {
  error_type: errorTypeField,
  code: errorCodeField,
  message: textField(16 * 1024),
  /**
   * Chorus addition: whether the session cannot go on (bad key, exhausted quota). Non-fatal errors
   * (a rejected event) leave the session running; fatal ones end it without a retry.
   */
  fatal: z.boolean().default(false),
};

/**
 * Chorus addition: the provider's rate limits as it last reported them (OpenAI `rate_limits.updated`,
 * sent as each response starts), so clients can show how close a session is to its limits.
 */
export const rateLimitsShape = {
  rate_limits: z
    .array(
      z.object({
        /** `requests` or `tokens` on OpenAI. */
        name: textField(64),
        limit: z.number().nonnegative().optional(),
        remaining: z.number().nonnegative().optional(),
        reset_seconds: z.number().nonnegative().optional(),
      }),
    )
    .max(16),
};

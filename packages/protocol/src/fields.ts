import { z } from 'zod';
import { MAX_ID_CHARS } from './limits.js';

/** An identifier: session, item, response, call or agent id. */
export const idField = z.string().max(MAX_ID_CHARS);

/** A display name (agent name, user name, tool name). */
export const nameField = z.string().max(MAX_ID_CHARS);

/** A position in an audio stream in milliseconds. */
export const millisecondsField = z.number().nonnegative();

/** A capped free-text field. */
export function textField(maxChars: number) {
  return z.string().max(maxChars, { message: `too long: at most ${maxChars} characters` });
}

/** A JSON object with string keys (metadata, configs). */
export const jsonObjectField = z.record(z.string(), z.unknown());

/** A string-to-string map (AgentScope's `dict[str, str]`, e.g. response metadata). */
export const stringMapField = z.record(z.string().max(MAX_ID_CHARS), z.string().max(64 * 1024));

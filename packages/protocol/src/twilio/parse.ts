import type { z } from 'zod';
import { checkJsonShape } from '../json-shape.js';
import { MAX_TWILIO_FRAME_BYTES } from './limits.js';
import {
  TWILIO_INBOUND_EVENTS,
  type TwilioInbound,
  type TwilioOutbound,
  twilioInboundSchema,
  twilioOutboundSchema,
} from './messages.js';

/** Why a Media Streams frame was refused: `path` names the field (`media.payload`). */
export interface TwilioParseError {
  readonly message: string;
  readonly path: string;
}

export type TwilioParseResult<T> =
  | { readonly ok: true; readonly message: T }
  | { readonly ok: false; readonly error: TwilioParseError };

function fail(path: string, message: string): { ok: false; error: TwilioParseError } {
  return { ok: false, error: { path, message: `${path}: ${message}` } };
}

function decode(input: string | Uint8Array): TwilioParseResult<Record<string, unknown>> {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_TWILIO_FRAME_BYTES)
    return fail('(root)', `frame too large: at most ${MAX_TWILIO_FRAME_BYTES} bytes`);
  const shape = checkJsonShape(input);
  if (shape) return fail('(root)', shape.message);
  let value: unknown;
  try {
    value = JSON.parse(typeof input === 'string' ? input : new TextDecoder().decode(input));
  } catch {
    return fail('(root)', 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('(root)', 'must be a JSON object');
  return { ok: true, message: value as Record<string, unknown> };
}

function fromZod(error: z.ZodError): { ok: false; error: TwilioParseError } {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  return fail(path, issue?.message ?? 'invalid');
}

/** Parses one frame Twilio sent on a Media Stream. Never throws; errors name the offending field. */
export function parseTwilioInbound(input: string | Uint8Array): TwilioParseResult<TwilioInbound> {
  const decoded = decode(input);
  if (!decoded.ok) return decoded;
  const event = decoded.message.event;
  if (typeof event !== 'string' || !(TWILIO_INBOUND_EVENTS as readonly string[]).includes(event)) {
    return fail('event', `must be one of ${TWILIO_INBOUND_EVENTS.join(', ')}`);
  }
  const parsed = twilioInboundSchema.safeParse(decoded.message);
  return parsed.success ? { ok: true, message: parsed.data } : fromZod(parsed.error);
}

/** Parses one frame a server sent to Twilio (`media`, `mark`, `clear`); fakes check what they receive. */
export function parseTwilioOutbound(input: string | Uint8Array): TwilioParseResult<TwilioOutbound> {
  const decoded = decode(input);
  if (!decoded.ok) return decoded;
  const parsed = twilioOutboundSchema.safeParse(decoded.message);
  return parsed.success ? { ok: true, message: parsed.data } : fromZod(parsed.error);
}

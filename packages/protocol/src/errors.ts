/** Why an incoming event was rejected. */
export const PROTOCOL_ERROR_CODES = ['invalid_json', 'invalid_event', 'unknown_type', 'too_large'] as const;

/**
 * - `invalid_json`: the frame is not UTF-8 JSON.
 * - `invalid_event`: JSON, but not a valid event (wrong or missing field, not an object, unsafe key).
 * - `unknown_type`: `type` names no event of this family.
 * - `too_large`: the frame exceeds the family's size cap.
 */
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/** A rejected event: what was wrong, and where. */
export interface ProtocolError {
  code: ProtocolErrorCode;
  /** Human-readable: names the field and the expected shape. */
  message: string;
  /** The offending field, dotted with array indices in brackets, e.g. `format.rate`, `call_ids[2]`. */
  path?: string;
  /** The rejected event's own `event_id`, when it had a readable one, so a reply can refer to it. */
  event_id?: string;
}

/** The outcome of parsing: the canonical event, or an error. Parsing never throws. */
export type ParseResult<T> = { ok: true; event: T } | { ok: false; error: ProtocolError };

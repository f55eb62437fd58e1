import type { z } from 'zod';
import { CLIENT_EVENT_TYPES, type ClientEvent, clientEventSchema } from './client-events.js';
import type { ParseResult, ProtocolError } from './errors.js';
import { parseHotClientEvent } from './hot-client-events.js';
import { checkJsonShape, type JsonShapeProblem } from './json-shape.js';
import { MAX_CLIENT_EVENT_SIZE, MAX_ID_CHARS, MAX_SERVER_EVENT_SIZE } from './limits.js';
import { MODEL_EVENT_TYPES, type ModelEvent, modelEventSchema } from './model-events.js';
import { SERVER_EVENT_TYPES, type ServerEvent, serverEventSchema } from './server-events.js';
import { findUnsafeStructure, formatPath } from './unsafe-structure.js';
import { validatedClientEvents } from './validated-events.js';

/** Options for the `parse*Event` functions. */
export interface ParseOptions {
  /**
   * Largest accepted frame, in bytes for binary input and UTF-16 code units for strings. Defaults to
   * {@link MAX_CLIENT_EVENT_SIZE} for client events and {@link MAX_SERVER_EVENT_SIZE} otherwise.
   */
  maxSize?: number;
}

interface EventFamily<T> {
  name: string;
  schema: z.ZodType<T>;
  types: ReadonlySet<string>;
  typeList: string;
  maxSize: number;
  /** A hand-written check for the family's high-rate events (undefined: use the schema). */
  hot?: (type: string, record: Record<string, unknown>) => T | undefined;
  /** Events this family's parser returned, which it hands back unchecked when given them again. */
  validated?: WeakSet<object>;
}

function family<T>(
  name: string,
  schema: z.ZodType<T>,
  types: readonly string[],
  maxSize: number,
): EventFamily<T> {
  return { name, schema, types: new Set(types), typeList: types.join(', '), maxSize };
}

const clientFamily: EventFamily<ClientEvent> = {
  ...family<ClientEvent>('client', clientEventSchema, CLIENT_EVENT_TYPES, MAX_CLIENT_EVENT_SIZE),
  hot: parseHotClientEvent,
  validated: validatedClientEvents,
};
const serverFamily = family<ServerEvent>(
  'server',
  serverEventSchema,
  SERVER_EVENT_TYPES,
  MAX_SERVER_EVENT_SIZE,
);
const modelFamily = family<ModelEvent>('model', modelEventSchema, MODEL_EVENT_TYPES, MAX_SERVER_EVENT_SIZE);

/**
 * Parse a frontend's event: a JSON string, a UTF-8 byte frame, or an already-parsed value. Never
 * throws; aliases come out in canonical form. An event this function returned is recognised when it
 * comes back (a room passing it on to an agent) and returned as it is without a second check, so
 * treat returned events as read-only.
 */
export function parseClientEvent(input: unknown, options?: ParseOptions): ParseResult<ClientEvent> {
  return parseEvent(clientFamily, input, options);
}

/** Parse a backend event (see {@link parseClientEvent}). Never throws. */
export function parseServerEvent(input: unknown, options?: ParseOptions): ParseResult<ServerEvent> {
  return parseEvent(serverFamily, input, options);
}

/** Parse a provider adapter's event (see {@link parseClientEvent}). Never throws. */
export function parseModelEvent(input: unknown, options?: ParseOptions): ParseResult<ModelEvent> {
  return parseEvent(modelFamily, input, options);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(
  code: ProtocolError['code'],
  message: string,
  path?: string,
  eventId?: string,
): { ok: false; error: ProtocolError } {
  const error: ProtocolError = { code, message };
  if (path !== undefined) error.path = path;
  if (eventId !== undefined) error.event_id = eventId;
  return { ok: false, error };
}

function parseEvent<T>(fam: EventFamily<T>, input: unknown, options?: ParseOptions): ParseResult<T> {
  try {
    return parseEventUnsafe(fam, input, options?.maxSize ?? fam.maxSize);
  } catch (cause) {
    // Reached only by hostile objects (throwing getters, proxies) or engine limits; still no throw.
    return fail('invalid_event', `could not read the event: ${describe(cause)}`);
  }
}

function parseEventUnsafe<T>(fam: EventFamily<T>, input: unknown, maxSize: number): ParseResult<T> {
  if (typeof input === 'object' && input !== null && fam.validated?.has(input)) {
    return { ok: true, event: input as T };
  }
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array || input instanceof ArrayBuffer) {
    let text: string;
    if (typeof input === 'string') {
      if (input.length > maxSize) return tooLarge(input.length, maxSize);
      const shape = checkJsonShape(input);
      if (shape) return shapeFailure(shape);
      text = input;
    } else {
      if (input.byteLength > maxSize) return tooLarge(input.byteLength, maxSize);
      const shape = checkJsonShape(input instanceof ArrayBuffer ? new Uint8Array(input) : input);
      if (shape) return shapeFailure(shape);
      try {
        text = utf8.decode(input);
      } catch {
        return fail('invalid_json', 'frame is not valid UTF-8 text');
      }
    }
    try {
      value = JSON.parse(text);
    } catch (cause) {
      return fail('invalid_json', `frame is not valid JSON: ${describe(cause)}`);
    }
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('invalid_event', `expected a JSON object with a string "type" field, got ${kindOf(value)}`);
  }
  const record = value as Record<string, unknown>;
  const eventId = readEventId(record);

  const unsafe = findUnsafeStructure(record);
  if (unsafe) return fail('invalid_event', unsafe.message, unsafe.path, eventId);

  const type = record.type;
  if (typeof type !== 'string') {
    return fail(
      'invalid_event',
      `"type" must be a string naming a ${fam.name} event, got ${kindOf(type)}; known ${fam.name} event types: ${fam.typeList}`,
      'type',
      eventId,
    );
  }
  if (!fam.types.has(type)) {
    return fail(
      'unknown_type',
      `unknown ${fam.name} event type "${truncate(type, 64)}"; known ${fam.name} event types: ${fam.typeList}`,
      'type',
      eventId,
    );
  }

  let event = fam.hot?.(type, record);
  if (event === undefined) {
    const result = fam.schema.safeParse(record);
    if (!result.success) return schemaFailure(type, result.error, eventId);
    event = result.data;
  }
  if (typeof event === 'object' && event !== null) fam.validated?.add(event);
  return { ok: true, event };
}

function schemaFailure(
  type: string,
  error: z.ZodError,
  eventId: string | undefined,
): { ok: false; error: ProtocolError } {
  const [first, ...rest] = error.issues;
  const path = first ? formatPath(first.path) : undefined;
  const described = error.issues
    .slice(0, 3)
    .map((issue) => `${formatPath(issue.path) || '(event)'}: ${issue.message}`)
    .join('; ');
  const more = rest.length > 2 ? `; and ${rest.length - 2} more` : '';
  return fail('invalid_event', `invalid ${type}: ${described}${more}`, path || undefined, eventId);
}

function shapeFailure(shape: JsonShapeProblem): { ok: false; error: ProtocolError } {
  if (shape.kind === 'depth') return fail('invalid_event', shape.message);
  return fail('too_large', `frame ${shape.message}`);
}

function tooLarge(size: number, maxSize: number): { ok: false; error: ProtocolError } {
  return fail('too_large', `frame is ${size} long, over the limit of ${maxSize}`);
}

function readEventId(record: Record<string, unknown>): string | undefined {
  const id = record.event_id;
  return typeof id === 'string' && id.length <= MAX_ID_CHARS ? id : undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  return `a ${typeof value}`;
}

function describe(cause: unknown): string {
  return truncate(cause instanceof Error ? cause.message : String(cause), 200);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

export { formatPath };

import type { z } from 'zod';
import { MAX_EVENT_DEPTH, MAX_SERVER_EVENT_SIZE } from '../limits.js';

/** One thing wrong with a provider frame: where (`session.audio.input.format.rate`) and what. */
export interface ProviderParseIssue {
  readonly path: string;
  readonly message: string;
}

/** Why a provider frame was refused; `message` names the first offending path. */
export interface ProviderParseError {
  readonly message: string;
  readonly issues: readonly ProviderParseIssue[];
  /** The event type, when the frame had one. */
  readonly eventType?: string;
}

/** An event whose `type` this package does not know: kept whole so newer protocol versions flow through. */
export type UnknownProviderEvent = { readonly type: string; readonly unknown: true } & {
  readonly [key: string]: unknown;
};

/**
 * The outcome of parsing one provider frame. Parsers never throw: a known event validates into
 * `event`, an unknown `type` becomes an {@link UnknownProviderEvent}, anything else an error.
 */
export type ProviderParseResult<E> =
  | { readonly ok: true; readonly unknown: false; readonly event: E; readonly dialect: 'ga' | 'beta' }
  | { readonly ok: true; readonly unknown: true; readonly event: UnknownProviderEvent }
  | { readonly ok: false; readonly error: ProviderParseError };

/** Joins a zod issue path the way the errors print it: `a.b[0].c`. */
export function joinPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Turns a zod error into a {@link ProviderParseError} whose message names the first path. */
export function errorFromZod(error: z.ZodError, eventType?: string): ProviderParseError {
  const issues = error.issues.map((issue) => ({ path: joinPath(issue.path), message: issue.message }));
  const first = issues[0];
  const prefix = eventType ? `${eventType}: ` : '';
  return {
    message: first ? `${prefix}${first.path}: ${first.message}` : `${prefix}invalid event`,
    issues,
    ...(eventType ? { eventType } : {}),
  };
}

function depthOf(value: unknown, limit: number): number {
  // Iterative, so a hostile frame nested a million levels deep cannot overflow the stack here.
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > limit) return max;
    if (node !== null && typeof node === 'object') {
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return max;
}

/** A frame decoded to a plain object with a string `type`, or the error saying why not. */
export type DecodedFrame =
  | { readonly ok: true; readonly value: { type: string } & Record<string, unknown> }
  | { readonly ok: false; readonly error: ProviderParseError };

/**
 * Decodes a WebSocket frame (text, bytes, or an already parsed value) into an object with a `type`.
 * Never throws: bad JSON, oversized frames, excessive nesting and a missing `type` are errors.
 */
export function decodeFrame(input: unknown, maxChars: number = MAX_SERVER_EVENT_SIZE): DecodedFrame {
  const decoded = decodeFrameShallow(input, maxChars);
  return decoded.ok ? checkDepth(decoded) : decoded;
}

/** Fails a decoded frame nested deeper than the limit (a guard for code that walks the whole value). */
export function checkDepth(decoded: DecodedFrame & { ok: true }): DecodedFrame {
  if (depthOf(decoded.value, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH) {
    return fail('(root)', `nested deeper than ${MAX_EVENT_DEPTH} levels`);
  }
  return decoded;
}

const utf8 = new TextDecoder();

/**
 * {@link decodeFrame} without the nesting check, for callers that look only at the top-level fields
 * of a frame before deciding whether to walk it.
 */
export function decodeFrameShallow(input: unknown, maxChars: number = MAX_SERVER_EVENT_SIZE): DecodedFrame {
  let value: unknown = input;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
    if (bytes.byteLength > maxChars) return tooLarge(bytes.byteLength, maxChars);
    value = utf8.decode(bytes);
  }
  if (typeof value === 'string') {
    if (value.length > maxChars) return tooLarge(value.length, maxChars);
    try {
      value = JSON.parse(value);
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      return {
        ok: false,
        error: {
          message: `(root): frame is not valid JSON (${why})`,
          issues: [{ path: '(root)', message: `not valid JSON: ${why}` }],
        },
      };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(
      '(root)',
      `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || type === '') {
    return fail(
      'type',
      type === undefined ? 'missing; every event needs a string type' : 'must be a non-empty string',
    );
  }
  return { ok: true, value: value as { type: string } & Record<string, unknown> };
}

function fail(path: string, message: string): DecodedFrame {
  return { ok: false, error: { message: `${path}: ${message}`, issues: [{ path, message }] } };
}

function tooLarge(size: number, max: number): DecodedFrame {
  return fail('(root)', `frame of ${size} characters exceeds the ${max} limit`);
}

import type { z } from 'zod';
import { MAX_CLIENT_EVENT_SIZE, MAX_EVENT_DEPTH, MAX_SERVER_EVENT_SIZE } from '../limits.js';
import {
  type GeminiClientMessage,
  type GeminiClientMessageKind,
  geminiClientMessageKind,
  geminiClientMessageSchema,
} from './client-messages.js';
import {
  type GeminiServerMessage,
  type GeminiServerMessageKind,
  geminiServerMessageKind,
  geminiServerMessageSchema,
} from './server-messages.js';

/** Why a Gemini frame was refused: a message naming the first bad field, and that field's path. */
export interface GeminiParseError {
  readonly message: string;
  /** Dotted path of the first offending field, e.g. `serverContent.modelTurn.parts[0].text`; `(root)` for the frame. */
  readonly path: string;
}

/** The outcome of parsing one frame. Parsers never throw. */
export type GeminiParseResult<M, K> =
  | { readonly ok: true; readonly message: M; readonly kind: K }
  | { readonly ok: false; readonly error: GeminiParseError };

/** A WebSocket frame as `ws` or a browser delivers it: text, bytes, an ArrayBuffer, or fragments. */
export type GeminiFrame = string | Uint8Array | ArrayBuffer | readonly Uint8Array[];

/**
 * Parses a frame from the Gemini Live server. Accepts text and binary frames (Gemini sends both),
 * keeps unknown fields, and reports a message type it does not know as kind `unknown`.
 */
export function parseGeminiServerMessage(
  frame: GeminiFrame | unknown,
  maxSize: number = MAX_SERVER_EVENT_SIZE,
): GeminiParseResult<GeminiServerMessage, GeminiServerMessageKind> {
  return parseWith(frame, maxSize, geminiServerMessageSchema, geminiServerMessageKind);
}

/** Parses a frame a client sends to Gemini Live: exactly one of setup, realtimeInput, clientContent, toolResponse. */
export function parseGeminiClientMessage(
  frame: GeminiFrame | unknown,
  maxSize: number = MAX_CLIENT_EVENT_SIZE,
): GeminiParseResult<GeminiClientMessage, GeminiClientMessageKind> {
  return parseWith(frame, maxSize, geminiClientMessageSchema, geminiClientMessageKind);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseWith<M, K>(
  frame: unknown,
  maxSize: number,
  schema: z.ZodType<M>,
  kindOf: (message: M) => K,
): GeminiParseResult<M, K> {
  try {
    const decoded = decode(frame, maxSize);
    if (!decoded.ok) return decoded;
    const result = schema.safeParse(decoded.value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const path = issue ? pathText(issue.path) : '(root)';
      return fail(path, issue?.message ?? 'invalid message');
    }
    return { ok: true, message: result.data, kind: kindOf(result.data) };
  } catch (cause) {
    // Only hostile inputs (throwing getters, proxies) get here; the promise is still: no throw.
    return fail(
      '(root)',
      `could not read the frame: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

type Decoded = { ok: true; value: object } | { ok: false; error: GeminiParseError };

function decode(frame: unknown, maxSize: number): Decoded {
  let value: unknown = frame;
  let text: string | undefined;
  if (typeof frame === 'string') {
    if (frame.length > maxSize) return tooLarge(frame.length, maxSize);
    text = frame;
  } else if (frame instanceof Uint8Array || frame instanceof ArrayBuffer || isFragmentList(frame)) {
    const bytes = joinBytes(frame);
    if (bytes.byteLength > maxSize) return tooLarge(bytes.byteLength, maxSize);
    try {
      text = utf8.decode(bytes);
    } catch {
      return fail('(root)', 'binary frame is not valid UTF-8 text');
    }
  }
  if (text !== undefined) {
    try {
      value = JSON.parse(text);
    } catch (cause) {
      return fail(
        '(root)',
        `frame is not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`,
      );
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return fail('(root)', `expected a JSON object, got ${got}`);
  }
  if (tooDeep(value, MAX_EVENT_DEPTH)) return fail('(root)', `nested deeper than ${MAX_EVENT_DEPTH} levels`);
  if (Object.hasOwn(value, '__proto__')) return fail('__proto__', 'the key "__proto__" is not allowed');
  return { ok: true, value };
}

function isFragmentList(frame: unknown): frame is readonly Uint8Array[] {
  return Array.isArray(frame) && frame.length > 0 && frame.every((part) => part instanceof Uint8Array);
}

function joinBytes(frame: Uint8Array | ArrayBuffer | readonly Uint8Array[]): Uint8Array {
  if (frame instanceof Uint8Array) return frame;
  if (frame instanceof ArrayBuffer) return new Uint8Array(frame);
  const total = frame.reduce((sum, part) => sum + part.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of frame) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined;
}

function tooDeep(root: unknown, limit: number): boolean {
  // Iterative, so a hostile frame nested a million levels deep cannot overflow the stack here.
  const stack: Array<[unknown, number]> = [[root, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next;
    if (depth > limit) return true;
    if (node !== null && typeof node === 'object') {
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function fail(path: string, message: string): { ok: false; error: GeminiParseError } {
  return { ok: false, error: { path, message: `${path}: ${message}` } };
}

function tooLarge(size: number, max: number): { ok: false; error: GeminiParseError } {
  return fail('(root)', `frame of ${size} is over the ${max} limit`);
}

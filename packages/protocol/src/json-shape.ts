import { MAX_EVENT_DEPTH, MAX_EVENT_NODES } from './limits.js';

/** Why a frame's JSON is refused before it is parsed. */
export interface JsonShapeProblem {
  /** `depth`: nested too deep; `nodes`: too many values. */
  readonly kind: 'depth' | 'nodes';
  readonly message: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * A structural precheck of untrusted JSON text, before `JSON.parse` builds anything: counts values
 * (objects, arrays and the commas between members) and nesting depth in one pass over the bytes,
 * skipping over strings with a native `indexOf`. It stops at the first cap passed, so a frame of
 * half a million empty objects costs a scan of its bytes instead of half a million objects, error
 * paths and schema walks. Malformed JSON is left for `JSON.parse` to describe.
 *
 * Works on UTF-8 bytes as well as on text: the structural characters are ASCII, and no byte of a
 * multi-byte UTF-8 sequence is below 0x80.
 */
export function checkJsonShape(
  input: string | Uint8Array,
  maxNodes: number = MAX_EVENT_NODES,
  maxDepth: number = MAX_EVENT_DEPTH,
): JsonShapeProblem | undefined {
  const text = typeof input === 'string';
  const length = text ? input.length : input.byteLength;
  const at = text ? (i: number) => input.charCodeAt(i) : (i: number) => input[i] as number;
  const nextQuote = text
    ? (from: number) => input.indexOf('"', from)
    : (from: number) => input.indexOf(QUOTE, from);
  let nodes = 0;
  let depth = 0;
  for (let i = 0; i < length; i++) {
    const c = at(i);
    if (c === QUOTE) {
      i = closingQuote(i, nextQuote, at);
      if (i < 0) return undefined; // unterminated: JSON.parse names it
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      nodes++;
      // The top-level object is level 0, as in the parsers' own depth checks.
      if (++depth > maxDepth + 1) return { kind: 'depth', message: `nested deeper than ${maxDepth} levels` };
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === COMMA) {
      nodes++;
    } else {
      continue;
    }
    if (nodes > maxNodes) {
      return { kind: 'nodes', message: `holds more than ${maxNodes} JSON values (objects, arrays, members)` };
    }
  }
  return undefined;
}

/** The index of the quote closing the string opened at `open`, or -1. */
function closingQuote(open: number, nextQuote: (from: number) => number, at: (i: number) => number): number {
  let from = open + 1;
  for (;;) {
    const close = nextQuote(from);
    if (close < 0) return -1;
    // Escaped when preceded by an odd number of backslashes.
    let slashes = 0;
    for (let j = close - 1; j > open && at(j) === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return close;
    from = close + 1;
  }
}

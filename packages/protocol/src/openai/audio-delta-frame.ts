import { MAX_ID_CHARS, MAX_SERVER_EVENT_SIZE } from '../limits.js';

/**
 * An audio delta read straight from the received frame: the audio decoded once into bytes, the
 * other fields as {@link parseOpenAIServerEvent} would return them.
 */
export interface OpenAIAudioDeltaFrame {
  readonly dialect: 'ga' | 'beta';
  readonly event_id: string;
  readonly response_id: string;
  readonly item_id: string;
  readonly output_index: number;
  readonly content_index: number;
  readonly audio: Uint8Array;
}

const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const DASH = 0x2d;
const UNDERSCORE = 0x5f;
const GA_TYPE = ascii('response.output_audio.delta');
const BETA_TYPE = ascii('response.audio.delta');

// The frame's keys, as bits: each must come exactly once, and no other.
const KEYS: readonly (readonly [Uint8Array, number])[] = [
  [ascii('type'), 1],
  [ascii('event_id'), 2],
  [ascii('response_id'), 4],
  [ascii('item_id'), 8],
  [ascii('output_index'), 16],
  [ascii('content_index'), 32],
  [ascii('delta'), 64],
];
const ALL_KEYS = 127;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const EQUALS = 0x3d;

// Standard base64 alphabet, for the edge check.
const IN_ALPHABET = new Uint8Array(256);
const ALPHABET_VALUE = new Uint8Array(256);
for (const [value, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) {
  IN_ALPHABET[c.charCodeAt(0)] = 1;
  ALPHABET_VALUE[c.charCodeAt(0)] = value;
}
/** Characters of each end of the audio checked one by one, as `looksLikeBase64` does for text. */
const EDGE = 64;

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function equalAt(frame: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (frame[start + i] !== word[i]) return false;
  return true;
}

/** End of a plain string (printable ASCII, no escapes) starting after its quote, or -1. */
function plainStringEnd(frame: Uint8Array, start: number, limit: number): number {
  for (let i = start; i < limit; i++) {
    const byte = frame[i] as number;
    if (byte === QUOTE) return i;
    if (byte === BACKSLASH || byte < 0x20 || byte > 0x7e) return -1;
  }
  return -1;
}

/**
 * Whether the audio's base64 ends, and its length, are what `looksLikeBase64` accepts, and it holds
 * no URL-safe `-` or `_` anywhere (Node's decoder would take them where the full check refuses them;
 * finding them is a native byte search, not a loop over the audio).
 */
function edgesLookLikeBase64(frame: Uint8Array, start: number, end: number, padding: number): boolean {
  const last = end - padding;
  const head = Math.min(last, start + EDGE);
  for (let i = start; i < head; i++) if (IN_ALPHABET[frame[i] as number] !== 1) return false;
  for (let i = Math.max(head, last - EDGE); i < last; i++)
    if (IN_ALPHABET[frame[i] as number] !== 1) return false;
  const audio = frame.subarray(start, last);
  return audio.indexOf(DASH) < 0 && audio.indexOf(UNDERSCORE) < 0;
}

/**
 * Reads an OpenAI `response.output_audio.delta` (GA) or `response.audio.delta` (beta) frame
 * without building the frame's objects: the ids become strings, the base64 audio is decoded once,
 * straight into bytes. It takes only the documented shape, one flat object with exactly the
 * fields `type`, `event_id`, `response_id`, `item_id`, `output_index`, `content_index` and
 * `delta` in any order, ids of plain printable ASCII, indices as plain non-negative integers,
 * padded standard base64; anything else (escapes, other fields, repeated keys, invalid JSON, an
 * audio length the decoder does not confirm) returns undefined, and the caller parses the frame in
 * full, which gives the same event or names what is wrong.
 *
 * The audio's first and last 64 characters are checked against the alphabet and the decoded
 * length against the text's: a character the decoder skips (outside the alphabet) shortens the
 * audio and sends the frame to the full parse, and so does a URL-safe `-` or `_` anywhere (Node's
 * decoder would take them; the full parse's check refuses them).
 */
export function readOpenAIAudioDelta(frame: Uint8Array): OpenAIAudioDeltaFrame | undefined {
  if (!NodeBuffer || frame.byteLength > MAX_SERVER_EVENT_SIZE) return undefined;
  const bytes = NodeBuffer.isBuffer(frame)
    ? frame
    : NodeBuffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const n = frame.byteLength;
  let i = 0;
  while (isSpace(frame[i])) i++;
  if (frame[i] !== 0x7b /* { */) return undefined;
  i++;
  let seen = 0;
  let dialect: 'ga' | 'beta' | undefined;
  let eventId = '';
  let responseId = '';
  let itemId = '';
  let outputIndex = -1;
  let contentIndex = -1;
  let audioStart = -1;
  let audioEnd = -1;
  for (;;) {
    while (isSpace(frame[i])) i++;
    if (frame[i] !== QUOTE) return undefined;
    const keyStart = i + 1;
    const keyEnd = plainStringEnd(frame, keyStart, n);
    if (keyEnd < 0) return undefined;
    let bit = 0;
    for (const [word, wordBit] of KEYS) {
      if (equalAt(frame, keyStart, keyEnd, word)) {
        bit = wordBit;
        break;
      }
    }
    if (bit === 0 || (seen & bit) !== 0) return undefined;
    seen |= bit;
    i = keyEnd + 1;
    while (isSpace(frame[i])) i++;
    if (frame[i] !== 0x3a /* : */) return undefined;
    i++;
    while (isSpace(frame[i])) i++;
    if (bit === 16 || bit === 32) {
      // A non-negative integer as JSON writes it: no sign, no leading zero, no fraction or exponent.
      const start = i;
      let value = 0;
      while (i < n && (frame[i] as number) >= 0x30 && (frame[i] as number) <= 0x39) {
        value = value * 10 + ((frame[i] as number) - 0x30);
        i++;
      }
      const digits = i - start;
      if (digits === 0 || digits > 15 || (digits > 1 && frame[start] === 0x30)) return undefined;
      if (bit === 16) outputIndex = value;
      else contentIndex = value;
    } else {
      if (frame[i] !== QUOTE) return undefined;
      const start = i + 1;
      if (bit === 64) {
        // Base64 holds no quote, so the first one ends it; anything odd inside fails the decode below.
        const end = bytes.indexOf(QUOTE, start);
        if (end < 0) return undefined;
        audioStart = start;
        audioEnd = end;
        i = end + 1;
      } else {
        const end = plainStringEnd(frame, start, n);
        if (end < 0) return undefined;
        if (bit === 1) {
          if (equalAt(frame, start, end, GA_TYPE)) dialect = 'ga';
          else if (equalAt(frame, start, end, BETA_TYPE)) dialect = 'beta';
          else return undefined;
        } else {
          if (end - start > MAX_ID_CHARS) return undefined;
          const text = bytes.toString('latin1', start, end);
          if (bit === 2) eventId = text;
          else if (bit === 4) responseId = text;
          else itemId = text;
        }
        i = end + 1;
      }
    }
    while (isSpace(frame[i])) i++;
    if (frame[i] === 0x2c /* , */) {
      i++;
      continue;
    }
    if (frame[i] !== 0x7d /* } */) return undefined;
    i++;
    break;
  }
  while (isSpace(frame[i])) i++;
  if (i !== n || seen !== ALL_KEYS || dialect === undefined) return undefined;
  const length = audioEnd - audioStart;
  if (length % 4 !== 0) return undefined;
  let padding = 0;
  if (length > 0 && frame[audioEnd - 1] === EQUALS) padding = frame[audioEnd - 2] === EQUALS ? 2 : 1;
  if (!edgesLookLikeBase64(frame, audioStart, audioEnd, padding)) return undefined;
  // Canonical only (the bits past the last byte are zero), so the bytes encode back to the same text.
  const lastValue = ALPHABET_VALUE[frame[audioEnd - padding - 1] as number] as number;
  if (padding > 0 && (lastValue & (padding === 1 ? 3 : 15)) !== 0) return undefined;
  const expected = (length / 4) * 3 - padding;
  const audio = NodeBuffer.allocUnsafeSlow(expected);
  const text = bytes.toString('latin1', audioStart, audioEnd);
  if (audio.write(text, 0, 'base64') !== expected) return undefined;
  return {
    dialect,
    event_id: eventId,
    response_id: responseId,
    item_id: itemId,
    output_index: outputIndex,
    content_index: contentIndex,
    audio,
  };
}

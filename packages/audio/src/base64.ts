/**
 * Standard base64 (RFC 4648 section 4): the `+` and `/` alphabet, padding optional but, when present,
 * only at the end and only to complete the last 4-character group. No whitespace, no URL-safe alphabet.
 */
const BASE64_PATTERN = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Largest slice handed to `String.fromCharCode` at once where Buffer is missing (browsers). */
const CHAR_CODE_CHUNK = 0x8000;

const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * Whether `s` is standard base64 that {@link bytesFromBase64} accepts: only `A-Z a-z 0-9 + /`, an
 * optional `=`/`==` ending a group, and a length that is not 1 more than a multiple of 4 (those cannot
 * encode whole bytes). The empty string is valid (zero bytes).
 */
export function isBase64(s: string): boolean {
  return s.length % 4 !== 1 && BASE64_PATTERN.test(s);
}

const ALPHABET_RUN = /^[A-Za-z0-9+/]*$/;

/**
 * A cheap check for base64 that is forwarded without being decoded: the length, the padding, and the
 * alphabet of the first and last `edge` characters. It catches the usual mistakes (another encoding
 * such as hex or base64url, a data-URL prefix, a cut-off or binary payload) at a fixed cost, where
 * {@link isBase64} scans every character, which costs about as much as decoding it. A corrupt
 * character in the middle of a long string passes; whoever decodes the audio later reads it as
 * noise rather than failing. Strings up to `2 * edge` characters are checked whole.
 */
export function looksLikeBase64(s: string, edge = 64): boolean {
  if (s.length <= 2 * edge) return isBase64(s);
  if (s.length % 4 === 1) return false;
  return ALPHABET_RUN.test(s.slice(0, edge)) && BASE64_PATTERN.test(s.slice(-edge));
}

/**
 * Encodes bytes as standard padded base64. Uses Node's Buffer without copying the input; elsewhere
 * it falls back to `btoa` over bounded chunks, so large frames never overflow the call stack.
 */
export function base64FromBytes(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHAR_CODE_CHUNK) {
    binary += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + CHAR_CODE_CHUNK)));
  }
  return btoa(binary);
}

/**
 * Decodes standard base64 (padding optional) into bytes.
 *
 * Node's own decoder silently skips characters it does not know, which would turn a corrupted frame
 * into shorter audio; this checks the text first and refuses it instead.
 *
 * @throws Error when `b64` is not valid base64, naming its length and the first offending character.
 */
export function bytesFromBase64(b64: string): Uint8Array {
  if (!isBase64(b64)) throw new Error(describeInvalidBase64(b64));
  if (NodeBuffer) {
    const buffer = NodeBuffer.from(b64, 'base64');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Decodes base64 that arrives in bulk (provider audio) at the cost of the decode alone: the
 * fixed-cost {@link looksLikeBase64} check, then Node's decoder, whose output length is compared
 * with the text's (a character it skips makes the audio shorter, and the text is then checked in
 * full by {@link bytesFromBase64}), as is text with a URL-safe `-` or `_` anywhere. Where Buffer is
 * missing it is {@link bytesFromBase64}.
 *
 * @throws Error when `b64` is not valid base64, as {@link bytesFromBase64} does.
 */
export function bytesFromBase64Quick(b64: string): Uint8Array {
  // Node's decoder takes the URL-safe `-` and `_`, which the full check refuses: such text goes there.
  if (!NodeBuffer || !looksLikeBase64(b64) || b64.includes('-') || b64.includes('_'))
    return bytesFromBase64(b64);
  const buffer = NodeBuffer.from(b64, 'base64');
  let padding = 0;
  if (b64.endsWith('==')) padding = 2;
  else if (b64.endsWith('=')) padding = 1;
  const expected = Math.floor(((b64.length - padding) * 3) / 4);
  if (buffer.byteLength !== expected) return bytesFromBase64(b64);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Says what makes `b64` invalid for {@link isBase64} (the first bad character, length or padding). */
export function describeInvalidBase64(b64: string): string {
  const bad = /[^A-Za-z0-9+/=]/.exec(b64);
  if (bad) {
    return `invalid base64 (length ${b64.length}): character ${JSON.stringify(bad[0])} at index ${bad.index} is not in the base64 alphabet`;
  }
  if (b64.length % 4 === 1) {
    return `invalid base64: length ${b64.length} leaves a single character in the last group, which cannot encode a byte`;
  }
  return `invalid base64 (length ${b64.length}): padding '=' may only appear at the end, completing the last 4-character group`;
}

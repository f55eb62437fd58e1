import { z } from 'zod';

// Standard alphabet, padded; a length that is a multiple of 4 with `=` only at the end is valid.
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether `value` is standard, padded base64 (the empty string counts: a zero-length frame). */
export function isBase64(value: string): boolean {
  return value.length % 4 === 0 && BASE64_PATTERN.test(value);
}

/**
 * Decoded size of a base64 string from its length and padding alone, without decoding it (it runs
 * per audio chunk). Exact for valid base64, padded or not.
 */
export function base64ByteLength(base64: string): number {
  const length = base64.length;
  if (length === 0) return 0;
  let padding = 0;
  if (base64.charCodeAt(length - 1) === 61 /* = */) padding++;
  if (length > 1 && base64.charCodeAt(length - 2) === 61) padding++;
  return ((length * 3) >> 2) - padding;
}

/** A base64 string field capped at `maxChars`; errors say what was expected rather than echo the data. */
export function base64Field(maxChars: number) {
  return z
    .string()
    .max(maxChars, { message: `too long: at most ${maxChars} base64 characters` })
    .refine(isBase64, {
      message: 'must be base64 (standard alphabet A-Z a-z 0-9 + /, padded with = to a multiple of 4)',
    });
}

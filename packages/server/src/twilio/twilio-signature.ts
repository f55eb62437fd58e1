import { createHmac, timingSafeEqual } from 'node:crypto';

/** POST parameters as Twilio sent them (form fields; a repeated field keeps every value). */
export type TwilioParams = Iterable<readonly [string, string]>;

/**
 * Twilio's request signature: HMAC-SHA1, keyed with the account's auth token, over the full URL
 * Twilio requested followed by every POST parameter as name then value, sorted by name (and, for a
 * repeated name, by value), base64-encoded. A WebSocket handshake has no body, so its signature
 * covers the URL alone.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams = []): string {
  const sorted = [...params].sort(([a, av], [b, bv]) =>
    a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0,
  );
  const hmac = createHmac('sha1', authToken).update(url, 'utf8');
  for (const [name, value] of sorted) hmac.update(name, 'utf8').update(value, 'utf8');
  return hmac.digest('base64');
}

/** Whether `signature` (the `X-Twilio-Signature` header) signs `url` and `params`, compared in constant time. */
export function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: TwilioParams = [],
): boolean {
  if (signature === undefined || signature.length === 0 || signature.length > 64) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

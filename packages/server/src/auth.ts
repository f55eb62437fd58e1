import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** API keys: a map or record of key -> user id (the key may only open that user's sessions), or a list of keys. */
export type ApiKeys = ReadonlyMap<string, string> | Readonly<Record<string, string>> | readonly string[];

export interface AuthOptions {
  /** Accepted keys. When absent, `CHORUS_API_KEYS` is read (see {@link parseApiKeysEnv}). */
  readonly apiKeys?: ApiKeys;
  /**
   * Accept connections without a key. Allowed only when the server is bound to a loopback address,
   * and even then only connections that arrive on a loopback address are let in.
   */
  readonly insecureDev?: boolean;
  /**
   * Browser origins allowed to connect (`Origin` header, e.g. `https://app.example`; `*` for any).
   * Non-browser clients send none and are not affected. Absent: any origin when keys are required
   * (a page must still present a key); in insecure dev mode only loopback origins
   * (`http://localhost:5173`, `http://127.0.0.1:8787`, ...), and these stay allowed when some are listed,
   * because a keyless gateway would otherwise let any web page a developer opens read every session.
   */
  readonly allowedOrigins?: readonly string[];
}

/** Who a connection is, once authenticated. */
export interface Principal {
  /** The user the key belongs to, or undefined for keys not bound to a user (any path user allowed). */
  readonly userId: string | undefined;
  /** True when let in by insecure dev mode. */
  readonly insecure: boolean;
}

export type AuthResult =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

// Subprotocol prefixes that carry a key, because browsers cannot set headers on a WebSocket.
const KEY_PROTOCOL_PREFIXES = ['chorus-key.', 'openai-insecure-api-key.'];

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Parses `CHORUS_API_KEYS`: entries separated by commas or whitespace, each either `key` (any user)
 * or `userId:key` (that user only). Returns undefined when the variable is unset or blank.
 */
export function parseApiKeysEnv(value: string | undefined): Map<string, string | undefined> | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const keys = new Map<string, string | undefined>();
  for (const entry of value.split(/[\s,]+/)) {
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    if (colon > 0 && colon < entry.length - 1) keys.set(entry.slice(colon + 1), entry.slice(0, colon));
    else keys.set(entry, undefined);
  }
  return keys;
}

function normalizeKeys(keys: ApiKeys): Map<string, string | undefined> {
  if (Array.isArray(keys)) return new Map((keys as readonly string[]).map((k) => [k, undefined]));
  if (keys instanceof Map) return new Map(keys);
  return new Map(Object.entries(keys as Record<string, string>));
}

/** Whether `address` (an IP literal or host name) is a loopback address. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const host = address.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (host === '::1') return true;
  return host.startsWith('::ffff:127.');
}

/** Whether `origin` (an `Origin` header value) is a page served from this machine. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopback(url.hostname);
  } catch {
    return false;
  }
}

/** Reads the key a client presented: `Authorization: Bearer`, `api-key` header, or a key subprotocol. */
export function presentedKey(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1];
  }
  const apiKey = request.headers['api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  const protocols = request.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const protocol of protocols.split(',')) {
      const trimmed = protocol.trim();
      const prefix = KEY_PROTOCOL_PREFIXES.find((p) => trimmed.startsWith(p));
      if (prefix && trimmed.length > prefix.length) return trimmed.slice(prefix.length);
    }
  }
  return undefined;
}

/**
 * Checks credentials on upgrade. Keys are stored only as SHA-256 digests and compared in constant
 * time, so neither memory dumps nor timing reveal them.
 */
export class Authenticator {
  readonly #digests: { digest: Buffer; userId: string | undefined }[];
  readonly #insecureDev: boolean;
  readonly #origins: ReadonlySet<string> | undefined;

  constructor(options: AuthOptions, env: NodeJS.ProcessEnv = process.env) {
    const keys = options.apiKeys ? normalizeKeys(options.apiKeys) : parseApiKeysEnv(env.CHORUS_API_KEYS);
    this.#digests = [...(keys ?? new Map()).entries()].map(([key, userId]) => ({
      digest: digest(key),
      userId,
    }));
    this.#insecureDev = options.insecureDev === true;
    this.#origins = options.allowedOrigins ? new Set(options.allowedOrigins) : undefined;
    if (this.#digests.length === 0 && !this.#insecureDev) {
      throw new Error(
        'no API keys configured: pass auth.apiKeys, set CHORUS_API_KEYS, or use auth.insecureDev on a loopback address',
      );
    }
  }

  get insecureDev(): boolean {
    return this.#insecureDev;
  }

  /** Number of configured keys (never the keys themselves). */
  get keyCount(): number {
    return this.#digests.length;
  }

  #originAllowed(origin: string): boolean {
    if (this.#origins?.has('*') || this.#origins?.has(origin)) return true;
    if (this.#insecureDev) return isLoopbackOrigin(origin);
    return this.#origins === undefined;
  }

  authenticate(request: IncomingMessage): AuthResult {
    const origin = request.headers.origin;
    if (typeof origin === 'string' && !this.#originAllowed(origin)) {
      return {
        ok: false,
        status: 403,
        reason: this.#insecureDev
          ? `origin ${origin.slice(0, 128)} not allowed: without keys only loopback pages may connect (allow others with --allow-origin / allowedOrigins)`
          : `origin ${origin.slice(0, 128)} not allowed`,
      };
    }
    const key = presentedKey(request);
    if (key !== undefined) {
      const presented = digest(key);
      let match: { userId: string | undefined } | undefined;
      // Compare against every key so the time taken does not say which one matched.
      for (const entry of this.#digests) {
        if (timingSafeEqual(entry.digest, presented) && !match) match = entry;
      }
      if (match) return { ok: true, principal: { userId: match.userId, insecure: false } };
      if (!this.#insecureDev) return { ok: false, status: 401, reason: 'invalid API key' };
    }
    if (this.#insecureDev) {
      if (!isLoopback(request.socket.localAddress)) {
        return { ok: false, status: 401, reason: 'insecure dev mode accepts loopback connections only' };
      }
      return { ok: true, principal: { userId: undefined, insecure: true } };
    }
    return { ok: false, status: 401, reason: 'missing API key' };
  }
}

import { type ErrorCode, providerErrorCode } from '@chorus/protocol';
/** How an adapter treats a provider error. */
export type ErrorSeverity = 'fatal' | 'retryable' | 'recoverable';

// Codes and types meaning the account cannot be served at all: retrying only repeats the failure.
const FATAL = [
  'invalid_api_key',
  'missing_api_key',
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
  'account_deactivated',
  'unsupported_country_region_territory',
  'model_not_found',
  'invalid_model',
  // api.openai.com no longer serves the beta shape (close 4000 follows): only an Azure-style endpoint does.
  'beta_api_shape_disabled',
  'invalidapikey',
  'arrearage',
  'accessdenied',
  'accessdenied.unpurchased',
  'datainspectionfailed.fatal',
];

// The session is unusable but a new one may work (after a backoff).
const RETRYABLE = [
  'rate_limit_exceeded',
  'server_error',
  'session_expired',
  'throttling',
  'internalerror',
  'serviceunavailable',
];

/**
 * Classifies a provider error: `fatal` (bad key, quota, billing: never retried), `retryable` (rate
 * limits, server errors, expiry: end the session and reconnect with backoff), or `recoverable` (a
 * rejected client event: the session goes on).
 */
export function classifyProviderError(error: {
  type?: unknown;
  code?: unknown;
  message?: unknown;
}): ErrorSeverity {
  const names = [error.type, error.code]
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.toLowerCase());
  if (names.some((n) => FATAL.includes(n) || n.startsWith('billing'))) return 'fatal';
  if (names.some((n) => RETRYABLE.some((r) => n === r || n.startsWith(`${r}.`) || n.startsWith(r))))
    return 'retryable';
  return 'recoverable';
}

/**
 * Classifies a close frame: OpenAI closes with 3000 `type.code` (and 4000 after a refusal that
 * repeats); DashScope with 1008 and a code.
 */
export function classifyClose(code: number, reason: string): { fatal: boolean; code: ErrorCode } {
  const parts = reason
    .split('.')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const name = parts.at(-1) ?? reason;
  // OpenAI closes with 4000 after an error it will repeat on every retry (an invalid model, the
  // beta shape refused): the error frame before it says why.
  if (code === 4000) return { fatal: true, code: name === '' ? 'closed_4000' : providerErrorCode(name) };
  if (
    (code === 3000 || code === 1008 || code === 4001 || code === 4003) &&
    classifyProviderError({ type: parts[0], code: name }) === 'fatal'
  ) {
    return { fatal: true, code: providerErrorCode(name) };
  }
  return { fatal: false, code: code === 1006 ? 'connection_lost' : `closed_${code}` };
}

/** Classifies an HTTP status refusing the WebSocket upgrade. */
export function classifyHttpStatus(status: number): { fatal: boolean; code: ErrorCode } {
  if (status === 401) return { fatal: true, code: 'invalid_api_key' };
  if (status === 403) return { fatal: true, code: 'forbidden' };
  if (status === 404) return { fatal: true, code: 'not_found' };
  if (status === 429) return { fatal: false, code: 'rate_limit_exceeded' };
  return { fatal: false, code: `http_${status}` };
}

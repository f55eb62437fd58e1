import type { ErrorCode } from '@chorus/protocol';
/** What a close or a refused upgrade means for the session. */
export interface CloseVerdict {
  /** A stable code for logs and `model_error.code`, e.g. `invalid_api_key`, `server_error`. */
  readonly code: ErrorCode;
  /** Never retried: a bad key, an unknown model, exhausted prepaid credit, a setup the service refuses. */
  readonly fatal: boolean;
  readonly message: string;
}

const mentions = (text: string, ...words: string[]) =>
  words.some((word) => text.toLowerCase().includes(word));

/**
 * Exhausted credit, as Google words it: "Your prepayment credits are depleted. Please go to AI Studio
 * ... to manage your project and billing." (HTTP 402 since the change announced at
 * https://discuss.ai.google.dev/t/api-update-depleted-prepay-credits-now-return-http-402-instead-of-429/183654),
 * or a billing account that is disabled or not set up. Waiting does not help.
 */
const CREDIT_EXHAUSTED =
  /prepay(ment)? credits?|credits? (are|is|has been) depleted|billing (account|is not enabled|has been disabled|is disabled)/i;

/**
 * Rate limits and quotas that refill: "You exceeded your current quota, please check your plan and
 * billing details" (Google's 429 RESOURCE_EXHAUSTED text, which links the rate-limits page),
 * "Resource has been exhausted (e.g. check quota)", per-minute limits. Retried with backoff.
 */
const RATE_LIMITED =
  /exceeded your current quota|resource has been exhausted|resource_exhausted|rate.?limit|too many requests|quota/i;

/**
 * An unknown or retired model: "models/gemini-live-2.5-flash-preview is not found for API version
 * v1alpha, or is not supported for bidiGenerateContent" with close 1008 (google/adk-python#3964).
 */
const MODEL_NOT_FOUND = /is not found for api version|not supported for bidigeneratecontent/i;

/**
 * Classifies a WebSocket close from Gemini Live.
 *
 * - A resume the service refuses is retryable: the adapter forgets the handle and the next attempt
 *   starts a fresh session with a history replay. Field reports show 1011 "Deadline expired" and then
 *   the resume refused with 1007; any 1007/1008 answering a resume (other than a bad key, an unknown
 *   model or exhausted credit, which a fresh session would meet again) is read that way.
 * - Otherwise 1007 (invalid argument, e.g. a bad key) and 1008 (policy, unknown model) are fatal.
 * - Exhausted prepaid credit is fatal whatever the code; rate limits and quotas that refill are not.
 * - 1011 is retryable otherwise; drops (1006) and normal closes are retryable.
 */
export function classifyClose(code: number, reason: string, context: { resuming: boolean }): CloseVerdict {
  const said = reason ? `: ${reason}` : '';
  if (CREDIT_EXHAUSTED.test(reason))
    return {
      code: 'credit_exhausted',
      fatal: true,
      message: `Gemini billing: credit exhausted (${code}${said})`,
    };
  if (MODEL_NOT_FOUND.test(reason))
    return {
      code: 'model_not_found',
      fatal: true,
      message: `Gemini does not serve this model (${code}${said})`,
    };
  if (code === 1007 && mentions(reason, 'api key', 'api_key'))
    return { code: 'invalid_api_key', fatal: true, message: `Gemini refused the API key (1007${said})` };
  if (RATE_LIMITED.test(reason))
    return { code: 'rate_limit_exceeded', fatal: false, message: `Gemini rate limit (${code}${said})` };
  if ((code === 1007 || code === 1008) && context.resuming) {
    return {
      code: 'resume_rejected',
      fatal: false,
      message: `Gemini refused the session resumption (${code}${said})`,
    };
  }
  if (code === 1007)
    return { code: 'invalid_argument', fatal: true, message: `Gemini refused the request (1007${said})` };
  if (code === 1008)
    return { code: 'policy_violation', fatal: true, message: `Gemini refused the session (1008${said})` };
  if (code === 1011)
    return { code: 'server_error', fatal: false, message: `Gemini internal error (1011${said})` };
  if (code === 1006)
    return { code: 'connection_lost', fatal: false, message: 'the connection to Gemini dropped (1006)' };
  return { code: 'server_closed', fatal: false, message: `Gemini closed the connection (${code}${said})` };
}

/** Classifies an HTTP status that refused the WebSocket upgrade. */
export function classifyHttpRefusal(status: number): CloseVerdict {
  if (status === 400 || status === 401 || status === 403) {
    return {
      code: 'invalid_api_key',
      fatal: true,
      message: `Gemini refused the connection with HTTP ${status} (check the API key)`,
    };
  }
  if (status === 402) {
    return {
      code: 'credit_exhausted',
      fatal: true,
      message: 'Gemini refused the connection with HTTP 402: prepaid credit is depleted',
    };
  }
  if (status === 404)
    return {
      code: 'not_found',
      fatal: true,
      message: 'Gemini Live endpoint not found (HTTP 404): check the URL',
    };
  if (status === 429)
    return { code: 'rate_limit_exceeded', fatal: false, message: 'Gemini rate limit (HTTP 429)' };
  return {
    code: `http_${status}`,
    fatal: false,
    message: `Gemini refused the connection with HTTP ${status}`,
  };
}

/** What a close or a refused upgrade means for the session. */
export interface CloseVerdict {
  /** A stable code for logs and `model_error.code`, e.g. `invalid_api_key`, `server_error`. */
  readonly code: string;
  /** Never retried: a bad key, exhausted quota or billing, a setup the service refuses. */
  readonly fatal: boolean;
  readonly message: string;
}

const mentions = (text: string, ...words: string[]) =>
  words.some((word) => text.toLowerCase().includes(word));

/**
 * Classifies a WebSocket close from Gemini Live. 1007 (invalid argument, e.g. a bad key) and 1008
 * (policy) are fatal, except a 1008 answering a resume (the handle was refused: retry without it);
 * 1011 is retryable unless it names billing; drops (1006) and normal closes are retryable.
 */
export function classifyClose(code: number, reason: string, context: { resuming: boolean }): CloseVerdict {
  const said = reason ? `: ${reason}` : '';
  if (code === 1007) {
    return mentions(reason, 'api key', 'api_key')
      ? { code: 'invalid_api_key', fatal: true, message: `Gemini refused the API key (1007${said})` }
      : { code: 'invalid_argument', fatal: true, message: `Gemini refused the request (1007${said})` };
  }
  if (code === 1008) {
    if (context.resuming) {
      return {
        code: 'resume_rejected',
        fatal: false,
        message: `Gemini refused the session resumption (1008${said})`,
      };
    }
    return mentions(reason, 'billing', 'quota')
      ? { code: 'quota_exceeded', fatal: true, message: `Gemini quota or billing problem (1008${said})` }
      : { code: 'policy_violation', fatal: true, message: `Gemini refused the session (1008${said})` };
  }
  if (code === 1011) {
    if (mentions(reason, 'billing'))
      return { code: 'quota_exceeded', fatal: true, message: `Gemini billing problem (1011${said})` };
    if (mentions(reason, 'exhausted', 'quota', 'rate limit', 'too many')) {
      return { code: 'rate_limited', fatal: false, message: `Gemini rate limit (1011${said})` };
    }
    return { code: 'server_error', fatal: false, message: `Gemini internal error (1011${said})` };
  }
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
  if (status === 404)
    return {
      code: 'not_found',
      fatal: true,
      message: 'Gemini Live endpoint not found (HTTP 404): check the URL',
    };
  if (status === 429) return { code: 'rate_limited', fatal: false, message: 'Gemini rate limit (HTTP 429)' };
  return {
    code: `http_${status}`,
    fatal: false,
    message: `Gemini refused the connection with HTTP ${status}`,
  };
}

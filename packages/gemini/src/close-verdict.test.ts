import { describe, expect, it } from 'vitest';
import { classifyClose, classifyHttpRefusal } from './close-verdict.js';

const CREDIT =
  'Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage your project and billing. Learn more at https://ai.google.dev/gemini-api/docs/billing#prepay.';
const QUOTA_429 =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.';

describe('classifyClose', () => {
  it.each([
    [1007, 'API key not valid. Please pass a valid API key.', false, 'invalid_api_key', true],
    [1007, 'API key not valid. Please pass a valid API key.', true, 'invalid_api_key', true],
    [1007, 'Request contains an invalid argument.', false, 'invalid_argument', true],
    // A refused resume forgets the handle and starts afresh (field reports: 1011, then 1007 on resume).
    [1007, 'Request contains an invalid argument.', true, 'resume_rejected', false],
    [1008, 'Requested entity was not found.', false, 'policy_violation', true],
    [
      1008,
      'models/gemini-live-2.5-flash-preview is not found for API version v1alpha, or is not supported for bidiGenerateContent',
      false,
      'model_not_found',
      true,
    ],
    [
      1008,
      'models/gemini-live-2.5-flash-preview is not found for API version v1beta, or is not supported for bidiGenerateContent',
      true,
      'model_not_found',
      true,
    ],
    [1011, 'Internal error occurred.', false, 'server_error', false],
    [1011, 'Deadline expired before operation could complete.', false, 'server_error', false],
    [1011, 'Resource has been exhausted (e.g. check quota).', false, 'rate_limit_exceeded', false],
    // Google's per-minute/per-day 429 text mentions billing but refills: retry with backoff.
    [1011, QUOTA_429, false, 'rate_limit_exceeded', false],
    [1011, CREDIT, false, 'credit_exhausted', true],
    [1008, CREDIT, true, 'credit_exhausted', true],
    [1006, '', false, 'connection_lost', false],
    [1000, 'Session time limit reached', false, 'server_closed', false],
  ] as const)('%i "%s" (resuming: %s) -> %s, fatal %s', (code, reason, resuming, expected, fatal) => {
    expect(classifyClose(code, reason, { resuming })).toMatchObject({ code: expected, fatal });
  });
});

describe('classifyHttpRefusal', () => {
  it.each([
    [400, 'invalid_api_key', true],
    [402, 'credit_exhausted', true],
    [403, 'invalid_api_key', true],
    [404, 'not_found', true],
    [429, 'rate_limit_exceeded', false],
    [503, 'http_503', false],
  ] as const)('HTTP %i -> %s, fatal %s', (status, code, fatal) => {
    expect(classifyHttpRefusal(status)).toMatchObject({ code, fatal });
  });
});

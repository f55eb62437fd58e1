import { describe, expect, it } from 'vitest';
import { classifyClose, classifyHttpRefusal } from './close-verdict.js';

describe('classifyClose', () => {
  it.each([
    [1007, 'API key not valid. Please pass a valid API key.', false, 'invalid_api_key', true],
    [1007, 'Request contains an invalid argument.', false, 'invalid_argument', true],
    [1008, 'Session resumption handle is invalid or expired.', true, 'resume_rejected', false],
    [1008, 'Requested entity was not found.', false, 'policy_violation', true],
    [1011, 'Internal error occurred.', false, 'server_error', false],
    [1011, 'Resource has been exhausted (e.g. check quota).', false, 'rate_limited', false],
    [
      1011,
      'You exceeded your current quota, please check your plan and billing details.',
      false,
      'quota_exceeded',
      true,
    ],
    [1006, '', false, 'connection_lost', false],
    [1000, 'Session time limit reached', false, 'server_closed', false],
  ] as const)('%i "%s" (resuming: %s) -> %s, fatal %s', (code, reason, resuming, expected, fatal) => {
    expect(classifyClose(code, reason, { resuming })).toMatchObject({ code: expected, fatal });
  });
});

describe('classifyHttpRefusal', () => {
  it.each([
    [400, 'invalid_api_key', true],
    [403, 'invalid_api_key', true],
    [404, 'not_found', true],
    [429, 'rate_limited', false],
    [503, 'http_503', false],
  ] as const)('HTTP %i -> %s, fatal %s', (status, code, fatal) => {
    expect(classifyHttpRefusal(status)).toMatchObject({ code, fatal });
  });
});

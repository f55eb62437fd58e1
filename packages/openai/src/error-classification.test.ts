import { describe, expect, it } from 'vitest';
import { classifyClose, classifyHttpStatus, classifyProviderError } from './error-classification.js';

describe('classifyProviderError', () => {
  it.each([
    [{ type: 'invalid_request_error', code: 'invalid_api_key' }, 'fatal'],
    [{ type: 'insufficient_quota', code: 'insufficient_quota' }, 'fatal'],
    [{ type: 'invalid_request_error', code: 'billing_hard_limit_reached' }, 'fatal'],
    [{ type: 'invalid_request_error', code: 'InvalidApiKey' }, 'fatal'],
    [{ type: 'invalid_request_error', code: 'Arrearage' }, 'fatal'],
    [{ type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' }, 'retryable'],
    [{ type: 'rate_limit_exceeded', code: 'Throttling.RateQuota' }, 'retryable'],
    [{ type: 'server_error', code: null }, 'retryable'],
    [{ type: 'invalid_request_error', code: 'session_expired' }, 'retryable'],
    [{ type: 'invalid_request_error', code: 'response_cancel_not_active' }, 'recoverable'],
    [{ type: 'invalid_request_error', code: 'invalid_value' }, 'recoverable'],
  ])('%j is %s', (error, severity) => {
    expect(classifyProviderError(error)).toBe(severity);
  });
});

describe('classifyClose', () => {
  it('treats OpenAI 3000 auth and quota closes as fatal', () => {
    expect(classifyClose(3000, 'invalid_request_error.invalid_api_key')).toEqual({
      fatal: true,
      code: 'invalid_api_key',
    });
    expect(classifyClose(3000, 'insufficient_quota.insufficient_quota')).toEqual({
      fatal: true,
      code: 'insufficient_quota',
    });
  });

  it('treats DashScope 1008 InvalidApiKey as fatal', () => {
    expect(classifyClose(1008, 'InvalidApiKey')).toEqual({ fatal: true, code: 'InvalidApiKey' });
  });

  it('treats drops, 1011 and idle closes as retryable', () => {
    expect(classifyClose(1006, '')).toEqual({ fatal: false, code: 'connection_lost' });
    expect(classifyClose(1011, 'internal error')).toEqual({ fatal: false, code: 'closed_1011' });
    expect(classifyClose(1000, 'idle timeout')).toEqual({ fatal: false, code: 'closed_1000' });
  });
});

describe('classifyHttpStatus', () => {
  it('refused keys are fatal, throttling and server errors are not', () => {
    expect(classifyHttpStatus(401)).toEqual({ fatal: true, code: 'invalid_api_key' });
    expect(classifyHttpStatus(403)).toEqual({ fatal: true, code: 'forbidden' });
    expect(classifyHttpStatus(429)).toEqual({ fatal: false, code: 'rate_limit_exceeded' });
    expect(classifyHttpStatus(503)).toEqual({ fatal: false, code: 'http_503' });
  });
});

describe('close 4000', () => {
  it('is fatal: OpenAI sends it after a refusal every retry would repeat', () => {
    expect(classifyClose(4000, 'invalid_request_error.beta_api_shape_disabled')).toEqual({
      fatal: true,
      code: 'beta_api_shape_disabled',
    });
    expect(classifyClose(4000, '')).toEqual({ fatal: true, code: 'closed_4000' });
  });
});

import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ChorusErrorCode,
  ERROR_CODES,
  type ErrorCode,
  type ErrorCodeOf,
  type ErrorType,
  isChorusErrorCode,
  providerErrorCode,
} from './error-codes.js';
import type { ModelEventOf } from './model-events.js';
import { parseServerEvent } from './parse.js';
import type { ServerEventOf } from './server-events.js';

describe('typed error codes', () => {
  it('error events carry the declared unions, so an undeclared code fails typecheck', () => {
    expectTypeOf<ServerEventOf<'server_error'>['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<ServerEventOf<'agent_error'>['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<ServerEventOf<'agent_error'>['error_type']>().toEqualTypeOf<ErrorType>();
    expectTypeOf<ModelEventOf<'model_error'>['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<'made_up_code'>().not.toExtend<ErrorCode>();
    expectTypeOf<'closed_1006'>().toExtend<ChorusErrorCode>();
    // @ts-expect-error: a code nobody declared is refused by tsc
    const undeclared: ErrorCode = 'made_up_code';
    // A provider's own code is passed on only when marked as one.
    const passedOn: ErrorCode = providerErrorCode('made_up_code');
    expect([undeclared, passedOn]).toEqual(['made_up_code', 'made_up_code']);
  });

  it("the gateway's codes include the ones the gateway emits that the old hand-written union lacked", () => {
    expectTypeOf<'session_starting'>().toExtend<ErrorCodeOf<'gateway'>>();
    expectTypeOf<'no_session'>().toExtend<ErrorCodeOf<'gateway'>>();
    expectTypeOf<'invalid_json'>().not.toExtend<ErrorCodeOf<'gateway'>>();
    expect(ERROR_CODES.session_starting).toBe('gateway');
  });

  it('parsing keeps any bounded code (a newer server may add codes), and knows which are Chorus own', () => {
    const parsed = parseServerEvent({ type: 'server_error', code: 'from_the_future', message: 'm' });
    expect(parsed.ok && parsed.event.type === 'server_error' && parsed.event.code).toBe('from_the_future');
    expect(isChorusErrorCode('from_the_future')).toBe(false);
    expect(isChorusErrorCode('http_429')).toBe(true);
    expect(isChorusErrorCode('no_session')).toBe(true);
  });
});

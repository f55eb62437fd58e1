import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/**
 * Fails the suite when anything escapes to the process: an unhandled promise rejection or an
 * uncaught exception, even one raised after the test that caused it has finished.
 */
export function failOnProcessErrors(): { readonly escaped: readonly string[] } {
  const escaped: string[] = [];
  const onRejection = (reason: unknown) => escaped.push(`unhandledRejection: ${describe(reason)}`);
  const onException = (error: unknown) => escaped.push(`uncaughtException: ${describe(error)}`);
  beforeAll(() => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  });
  afterEach(() => {
    expect(escaped.splice(0)).toEqual([]);
  });
  afterAll(() => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  });
  return { escaped };
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}

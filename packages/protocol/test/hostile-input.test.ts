import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_EVENT_TYPES,
  MODEL_EVENT_TYPES,
  type ParseResult,
  PROTOCOL_ERROR_CODES,
  parseClientEvent,
  parseModelEvent,
  parseServerEvent,
  SERVER_EVENT_TYPES,
  serializeEvent,
} from '../src/index.js';
import { anyClientEvent, anyModelEvent, anyServerEvent } from './arbitraries.js';

const parsers = [
  { name: 'client', parse: parseClientEvent, types: CLIENT_EVENT_TYPES, any: anyClientEvent },
  { name: 'server', parse: parseServerEvent, types: SERVER_EVENT_TYPES, any: anyServerEvent },
  { name: 'model', parse: parseModelEvent, types: MODEL_EVENT_TYPES, any: anyModelEvent },
] as const;

function expectError(result: ParseResult<unknown>) {
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.event)}`);
  expect(PROTOCOL_ERROR_CODES).toContain(result.error.code);
  expect(typeof result.error.message).toBe('string');
  expect(result.error.message.length).toBeGreaterThan(0);
  return result.error;
}

// A value of a different JSON kind than `value`, so the field it replaces is certainly wrong.
function wrongKindFor(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'not a number';
  if (typeof value === 'boolean') return 'not a boolean';
  if (value === null) return 7;
  // A list may also be allowed as text (a tool output), never as a number.
  if (Array.isArray(value)) return 12345;
  return 'not an object';
}

// Fields whose schema accepts any JSON value, so no replacement is wrong.
const ANY_VALUE_FIELDS = new Set(['model_raw.event']);

for (const { name, parse, types, any } of parsers) {
  describe(`${name} parser on hostile input`, () => {
    it('random JSON values are rejected without throwing', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const isKnown =
            typeof value === 'object' &&
            value !== null &&
            !Array.isArray(value) &&
            (types as readonly unknown[]).includes((value as Record<string, unknown>).type);
          fc.pre(!isKnown);
          expectError(parse(JSON.stringify(value)));
          expectError(parse(value));
        }),
        { numRuns: 300 },
      );
    });

    it('random objects with a known type either parse or fail cleanly', () => {
      fc.assert(
        fc.property(fc.constantFrom(...types), fc.dictionary(fc.string(), fc.jsonValue()), (type, fields) => {
          const result = parse({ ...fields, type });
          if (result.ok) expect(result.event.type).toBe(type);
          else expect(PROTOCOL_ERROR_CODES).toContain(result.error.code);
        }),
        { numRuns: 300 },
      );
    });

    it('a valid event with one field of the wrong kind is rejected naming that field', () => {
      fc.assert(
        fc.property(any, fc.nat(), (event, pick) => {
          const fields = Object.keys(event).filter(
            (k) => k !== 'type' && !ANY_VALUE_FIELDS.has(`${event.type}.${k}`),
          );
          fc.pre(fields.length > 0);
          const field = fields[pick % fields.length]!;
          const broken = { ...event, [field]: wrongKindFor((event as Record<string, unknown>)[field]) };
          const error = expectError(parse(JSON.stringify(broken)));
          expect(error.code).toBe('invalid_event');
          expect(error.path === field || error.path?.startsWith(`${field}.`)).toBe(true);
        }),
        { numRuns: 400 },
      );
    });

    it('a wrong-kind type field is rejected at path type', () => {
      fc.assert(
        fc.property(
          any,
          fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string())),
          (e, t) => {
            const error = expectError(parse(JSON.stringify({ ...e, type: t })));
            expect(error.path).toBe('type');
          },
        ),
        { numRuns: 100 },
      );
    });

    it('random bytes are rejected without throwing', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
          expectError(parse(bytes));
        }),
        { numRuns: 300 },
      );
    });

    it('a valid event with an invalid UTF-8 byte inside is invalid_json', () => {
      fc.assert(
        fc.property(any, fc.constantFrom(0x80, 0xc0, 0xfe, 0xff), fc.nat(), (event, bad, at) => {
          const bytes = new TextEncoder().encode(serializeEvent(event as never));
          const position = 1 + (at % (bytes.length - 1));
          const corrupted = new Uint8Array([
            ...bytes.subarray(0, position),
            bad,
            ...bytes.subarray(position),
          ]);
          expect(expectError(parse(corrupted)).code).toBe('invalid_json');
        }),
        { numRuns: 200 },
      );
    });

    it('random strings are rejected without throwing', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
          fc.pre(!text.trimStart().startsWith('{'));
          expectError(parse(text));
        }),
        { numRuns: 300 },
      );
    });

    it('truncated events are rejected without throwing', () => {
      fc.assert(
        fc.property(any, fc.nat(), (event, cut) => {
          const text = serializeEvent(event as never);
          expectError(parse(text.slice(0, cut % text.length)));
        }),
        { numRuns: 200 },
      );
    });

    it('huge string fields are rejected, not buffered', () => {
      const huge = 'x'.repeat(2 * 1024 * 1024);
      for (const type of types) {
        const result = parse(
          JSON.stringify({ type, session_id: huge, text: huge, item_id: huge, agent_id: huge }),
        );
        expectError(result);
      }
    });
  });
}

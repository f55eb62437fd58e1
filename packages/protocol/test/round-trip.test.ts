import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_EVENT_TYPES,
  MODEL_EVENT_TYPES,
  parseClientEvent,
  parseModelEvent,
  parseServerEvent,
  SERVER_EVENT_TYPES,
  serializeEvent,
} from '../src/index.js';
import {
  anyClientEvent,
  anyModelEvent,
  anyServerEvent,
  clientEventArbitraries,
  modelEventArbitraries,
  serverEventArbitraries,
} from './arbitraries.js';

const families = [
  {
    name: 'client',
    types: CLIENT_EVENT_TYPES,
    arbitraries: clientEventArbitraries,
    parse: parseClientEvent,
    any: anyClientEvent,
  },
  {
    name: 'server',
    types: SERVER_EVENT_TYPES,
    arbitraries: serverEventArbitraries,
    parse: parseServerEvent,
    any: anyServerEvent,
  },
  {
    name: 'model',
    types: MODEL_EVENT_TYPES,
    arbitraries: modelEventArbitraries,
    parse: parseModelEvent,
    any: anyModelEvent,
  },
] as const;

for (const family of families) {
  describe(`${family.name} events round-trip`, () => {
    it('has a generator for every type and no other', () => {
      expect(Object.keys(family.arbitraries).sort()).toEqual([...family.types].sort());
    });

    for (const type of family.types) {
      it(`${type}: parse(serialize(e)) equals e`, () => {
        const arbitrary = (family.arbitraries as Record<string, fc.Arbitrary<{ type: string }>>)[type];
        if (!arbitrary) throw new Error(`no generator for ${type}`);
        fc.assert(
          fc.property(arbitrary, (event) => {
            const result = family.parse(serializeEvent(event as never));
            if (!result.ok) throw new Error(`${type} rejected: ${result.error.message}`);
            expect(result.event).toEqual(event);
            expect(result.event.type).toBe(type);
          }),
          { numRuns: 60 },
        );
      });
    }

    it('any event survives JSON text, UTF-8 bytes and an already-parsed object alike', () => {
      fc.assert(
        fc.property(family.any, (event) => {
          const text = serializeEvent(event as never);
          for (const input of [text, new TextEncoder().encode(text), JSON.parse(text) as unknown]) {
            const result = family.parse(input);
            expect(result).toEqual({ ok: true, event });
          }
        }),
        { numRuns: 300 },
      );
    });

    it('the canonical text is a fixed point: serialize(parse(text)) === text', () => {
      fc.assert(
        fc.property(family.any, (event) => {
          const first = family.parse(serializeEvent(event as never));
          if (!first.ok) throw new Error(first.error.message);
          const canonical = serializeEvent(first.event as never);
          const second = family.parse(canonical);
          expect(second.ok && serializeEvent(second.event as never)).toBe(canonical);
        }),
        { numRuns: 100 },
      );
    });
  });
}

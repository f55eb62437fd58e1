import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ID_CHARS } from '../limits.js';
import { OPENAI_HOT_DELTA_TYPES, parseHotDelta } from './hot-deltas.js';
import { parseOpenAIServerEvent } from './parse.js';
import { openaiServerEventSchemas } from './server-events.js';

// Field values near every edge the schemas draw: ids at and past the length cap, indexes that are
// negative, fractional, unsafe or not numbers, and deltas that are not strings.
const edgeId = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constant('x'.repeat(MAX_ID_CHARS)),
  fc.constant('x'.repeat(MAX_ID_CHARS + 1)),
  fc.integer(),
  fc.constant(null),
);
const edgeIndex = fc.oneof(
  fc.nat(),
  fc.integer({ min: -3, max: -1 }),
  fc.double({ noNaN: true }),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.string({ maxLength: 2 }),
);
const edgeDelta = fc.oneof(fc.string(), fc.base64String(), fc.integer(), fc.constant(null));
const extra = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 });

const candidate = fc
  .record(
    {
      type: fc.constantFrom(...OPENAI_HOT_DELTA_TYPES),
      event_id: edgeId,
      response_id: edgeId,
      item_id: edgeId,
      output_index: edgeIndex,
      content_index: edgeIndex,
      call_id: edgeId,
      delta: edgeDelta,
    },
    { requiredKeys: ['type', 'event_id', 'response_id', 'item_id', 'output_index', 'delta'] },
  )
  .chain((event) => extra.map((more) => ({ ...more, ...event })));

describe('hand-checked OpenAI deltas', () => {
  it('accept exactly what the zod schemas accept, and produce the same event', () => {
    fc.assert(
      fc.property(candidate, (event) => {
        const zod = openaiServerEventSchemas[event.type].safeParse(event);
        const hand = parseHotDelta(event, event.type);
        expect(hand !== undefined).toBe(zod.success);
        if (zod.success) expect(hand).toStrictEqual(zod.data);
      }),
      { numRuns: 20_000 },
    );
  });

  it('leave a rejected delta to the schema, whose error names the field', () => {
    const result = parseOpenAIServerEvent(
      JSON.stringify({
        type: 'response.output_audio.delta',
        event_id: 'e1',
        response_id: 'r1',
        item_id: 'i1',
        output_index: 0,
        content_index: -1,
        delta: 'AAAA',
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^response\.output_audio\.delta: content_index: /);
  });

  it('rename a beta delta and report the beta dialect', () => {
    const result = parseOpenAIServerEvent({
      type: 'response.audio_transcript.delta',
      event_id: 'e1',
      response_id: 'r1',
      item_id: 'i1',
      output_index: 0,
      content_index: 0,
      delta: 'hi',
      extra: { deep: [1] },
    });
    expect(result).toStrictEqual({
      ok: true,
      unknown: false,
      dialect: 'beta',
      event: {
        type: 'response.output_audio_transcript.delta',
        event_id: 'e1',
        response_id: 'r1',
        item_id: 'i1',
        output_index: 0,
        content_index: 0,
        delta: 'hi',
      },
    });
  });

  it('still refuse other frames nested past the depth limit', () => {
    let nested: unknown = 'leaf';
    for (let i = 0; i < 200; i++) nested = { nested };
    const result = parseOpenAIServerEvent({ type: 'response.created', event_id: 'e', response: nested });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/nested deeper than/);
  });
});

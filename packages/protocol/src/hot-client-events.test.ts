import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientAudioAppendSchema } from './client-events.js';
import { parseHotClientEvent } from './hot-client-events.js';
import { MAX_ID_CHARS } from './limits.js';
import { parseClientEvent } from './parse.js';

// Values near every edge the schema draws: ids at and past the cap, base64 that is and is not, and
// formats canonical, aliased, conflicting, at allowed and refused rates.
const edgeId = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constant('x'.repeat(MAX_ID_CHARS)),
  fc.constant('x'.repeat(MAX_ID_CHARS + 1)),
  fc.integer(),
  fc.constant(undefined),
);
const edgeAudio = fc.oneof(
  fc.base64String(),
  fc.constant(''),
  fc.string({ maxLength: 12 }),
  fc.base64String().map((s) => `${s}=`),
  fc.constant('QUJD RA=='),
  fc.integer(),
);
const edgeFormat = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record(
      {
        type: fc.constantFrom(
          'audio/pcm',
          'audio/pcmu',
          'audio/pcma',
          'pcm16',
          'g711_ulaw',
          'AUDIO/PCM',
          'wav',
          7,
        ),
        rate: fc.constantFrom(
          8000,
          16000,
          22050,
          24000,
          44100,
          48000,
          12000,
          16000.5,
          -1,
          '16000',
          undefined,
        ),
        encoding: fc.constantFrom('audio/pcm', 'pcmu', undefined),
        sample_rate: fc.constantFrom(16000, 8000, undefined),
        extra: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: ['type', 'rate'] },
    ),
  },
  fc.constant(null),
  fc.constant([]),
  fc.string({ maxLength: 4 }),
);
const candidate = fc
  .record(
    { session_id: edgeId, event_id: edgeId, audio: edgeAudio, format: edgeFormat, note: fc.string() },
    { requiredKeys: ['audio', 'format'] },
  )
  .map((fields) => ({ type: 'client_audio_append', ...fields }));

describe('hand-checked client_audio_append', () => {
  it('accepts only what the schema accepts, with the same result', () => {
    fc.assert(
      fc.property(candidate, (event) => {
        const zod = clientAudioAppendSchema.safeParse(event);
        const hand = parseHotClientEvent(event.type, event);
        // The hand check may leave a valid event to the schema (aliases), never accept an invalid one.
        if (hand !== undefined) {
          expect(zod.success).toBe(true);
          if (zod.success) expect(hand).toStrictEqual(zod.data);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('takes every canonical frame itself', () => {
    fc.assert(
      fc.property(
        fc.base64String({ maxLength: 2000 }),
        fc.constantFrom(
          { type: 'audio/pcm', rate: 24000 },
          { type: 'audio/pcm', rate: 16000 },
          { type: 'audio/pcmu', rate: 8000 },
          { type: 'audio/pcma' },
        ),
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        (audio, format, eventId) => {
          const event = {
            type: 'client_audio_append',
            audio,
            format,
            ...(eventId ? { event_id: eventId } : {}),
          };
          const hand = parseHotClientEvent(event.type, event);
          const zod = clientAudioAppendSchema.parse(event);
          expect(hand).toStrictEqual(zod);
          // Same key order too: both parsers' events serialize to the same text.
          expect(JSON.stringify(hand)).toBe(JSON.stringify(zod));
        },
      ),
    );
  });
});

describe('parseClientEvent', () => {
  it('hands back its own output unchecked, and checks everything else', () => {
    const first = parseClientEvent(
      '{"type":"client_audio_append","audio":"AAAA","format":{"type":"audio/pcm","rate":16000}}',
    );
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const again = parseClientEvent(first.event);
    expect(again.ok && again.event).toBe(first.event);
    // An equal object it did not produce is checked (and so is an alias it would rewrite).
    const copy = parseClientEvent({ ...first.event, format: { encoding: 'pcm16', sample_rate: 16000 } });
    expect(copy.ok && copy.event).toStrictEqual(first.event);
    expect(copy.ok && copy.event).not.toBe(first.event);
  });

  it('still names the field of a bad audio frame', () => {
    const result = parseClientEvent({
      type: 'client_audio_append',
      audio: 'A*AA',
      format: { type: 'audio/pcm', rate: 16000 },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_event', path: 'audio' } });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ID_CHARS } from '../limits.js';
import { readOpenAIAudioDelta } from './audio-delta-frame.js';
import { parseOpenAIServerEvent } from './parse.js';

const KEYS = [
  'type',
  'event_id',
  'response_id',
  'item_id',
  'output_index',
  'content_index',
  'delta',
] as const;

function frameText(fields: Record<string, unknown>, order: readonly string[] = KEYS, space = ''): string {
  const parts = order.map(
    (key) => `${space}${JSON.stringify(key)}${space}:${space}${JSON.stringify(fields[key])}`,
  );
  return `${space}{${parts.join(',')}${space}}${space}`;
}

const base = {
  type: 'response.output_audio.delta',
  event_id: 'event_1',
  response_id: 'resp_1',
  item_id: 'item_1',
  output_index: 0,
  content_index: 0,
  delta: Buffer.from([1, 2, 3, 4, 5, 250, 251, 252]).toString('base64'),
};

/** The fast read agrees with the full parse: same fields, the same audio byte for byte. */
function expectSameAsFullParse(text: string): void {
  const fast = readOpenAIAudioDelta(Buffer.from(text));
  const full = parseOpenAIServerEvent(Buffer.from(text));
  expect(fast).toBeDefined();
  if (!fast || !full.ok || full.unknown || full.event.type !== 'response.output_audio.delta')
    throw new Error(`full parse disagrees: ${JSON.stringify(full)}`);
  const { delta, type: _type, ...fields } = full.event;
  const { audio, dialect, ...fastFields } = fast;
  expect(fastFields).toEqual(fields);
  expect(dialect).toBe(full.dialect);
  expect(Buffer.from(audio).equals(Buffer.from(delta, 'base64'))).toBe(true);
  expect(Buffer.from(audio).toString('base64')).toBe(delta);
}

describe('readOpenAIAudioDelta: audio deltas read straight from the frame into bytes', () => {
  it('reads GA and beta deltas, in any key order and spacing, as the full parse does', () => {
    expectSameAsFullParse(frameText(base));
    expectSameAsFullParse(frameText({ ...base, type: 'response.audio.delta' }));
    expectSameAsFullParse(frameText(base, [...KEYS].reverse(), ' \n\t'));
    expectSameAsFullParse(frameText({ ...base, delta: '' }));
    expectSameAsFullParse(frameText({ ...base, delta: 'QQ==' }));
    expectSameAsFullParse(frameText({ ...base, delta: 'QUI=' }));
    expectSameAsFullParse(frameText({ ...base, output_index: 12, content_index: 345 }));
    expectSameAsFullParse(frameText({ ...base, item_id: 'x'.repeat(MAX_ID_CHARS) }));
  });

  it('reads any audio and any key order the same as the full parse (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.shuffledSubarray([...KEYS], { minLength: KEYS.length }),
        fc.constantFrom('', ' ', '\n  '),
        fc.constantFrom('response.output_audio.delta', 'response.audio.delta'),
        fc.nat({ max: 1000 }),
        (audio, order, space, type, index) => {
          const delta = Buffer.from(audio).toString('base64');
          expectSameAsFullParse(frameText({ ...base, type, delta, output_index: index }, order, space));
        },
      ),
    );
  });

  it('leaves every other shape to the full parse', () => {
    const others: Record<string, string> = {
      'another type': frameText({ ...base, type: 'response.output_audio_transcript.delta' }),
      'an extra field': frameText({ ...base, extra: 1 }, [...KEYS, 'extra']),
      'a missing field': frameText(base, KEYS.slice(1)),
      'a repeated key': frameText(base, [...KEYS, 'item_id']),
      'an escaped id': frameText({ ...base, item_id: 'a"b' }),
      'a non-ASCII id': frameText({ ...base, item_id: 'é' }),
      'an id past the cap': frameText({ ...base, item_id: 'x'.repeat(MAX_ID_CHARS + 1) }),
      'a negative index': frameText({ ...base, output_index: -1 }),
      'a fractional index': frameText({ ...base, content_index: 1.5 }),
      'an index as text': frameText({ ...base, content_index: '0' }),
      'an id as a number': frameText({ ...base, item_id: 7 }),
      'unpadded base64': frameText({ ...base, delta: 'QQ' }),
      'non-canonical base64': frameText({ ...base, delta: 'QR==' }),
      'base64 with a bad character inside': frameText({
        ...base,
        delta: `${'A'.repeat(200)}*${'A'.repeat(199)}`,
      }),
      'base64 with a space': frameText({ ...base, delta: 'QUJD QQ==' }),
      'base64 with an escape': frameText({ ...base, delta: 'QUJD\nQQ==' }),
      'padding inside': frameText({ ...base, delta: 'QQ==QUJD' }),
      'a delta that is no string': frameText({ ...base, delta: 5 }),
      'trailing garbage': `${frameText(base)}x`,
      'two objects': `${frameText(base)}{}`,
      'no closing brace': frameText(base).slice(0, -1),
      'an array': `[${frameText(base)}]`,
      'a byte order mark': `\uFEFF${frameText(base)}`,
      'a nested value': frameText({ ...base, item_id: { id: 'x' } }),
    };
    for (const [name, text] of Object.entries(others)) {
      expect(readOpenAIAudioDelta(Buffer.from(text)), name).toBeUndefined();
    }
  });

  it('never answers differently from the full parse on mangled frames (property)', () => {
    const good = frameText(base);
    fc.assert(
      fc.property(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const bytes = Buffer.from(good);
        bytes[at] = byte;
        const fast = readOpenAIAudioDelta(bytes);
        if (!fast) return;
        // Whatever it takes, the full parse takes too, with the same fields and audio.
        const text = bytes.toString('utf8');
        expectSameAsFullParse(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('sends long audio with a URL-safe character in its middle to the full parse, which refuses it', () => {
    const audio = Buffer.from(Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff)).toString('base64');
    for (const char of ['-', '_']) {
      const middle = Math.floor(audio.length / 2);
      const mangled = `${audio.slice(0, middle)}${char}${audio.slice(middle + 1)}`;
      expect(readOpenAIAudioDelta(Buffer.from(frameText({ ...base, delta: mangled })))).toBeUndefined();
    }
    // the same audio, unmangled, is read in place
    expect(readOpenAIAudioDelta(Buffer.from(frameText({ ...base, delta: audio })))).toBeDefined();
  });

  it('reads a frame from a byte view at an offset in a larger buffer', () => {
    const text = frameText(base);
    const pool = Buffer.alloc(text.length + 7);
    pool.write(text, 3);
    const view = new Uint8Array(pool.buffer, pool.byteOffset + 3, text.length);
    const audio = readOpenAIAudioDelta(view)?.audio;
    expect(audio && Buffer.from(audio).equals(Buffer.from(base.delta, 'base64'))).toBe(true);
  });
});

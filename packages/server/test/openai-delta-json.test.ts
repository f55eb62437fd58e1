import { describe, expect, it } from 'vitest';
import { jsonWithBase64Delta } from '../src/openai/openai-connection.js';

describe('jsonWithBase64Delta', () => {
  it('is JSON.stringify of the event, whatever its other fields hold', () => {
    const delta = Buffer.from(Uint8Array.from({ length: 4800 }, (_, i) => (i * 17) & 0xff)).toString(
      'base64',
    );
    const events = [
      {
        type: 'response.output_audio.delta',
        response_id: 'r',
        item_id: 'i',
        output_index: 0,
        content_index: 0,
        delta,
        event_id: 'e1',
      },
      {
        type: 'response.audio.delta',
        delta,
        item_id: 'x"delta":""',
        response_id: '\\"delta\\":\\"\\"',
        event_id: 'é\n',
      },
      { delta: '', type: 'response.output_audio.delta' },
      { type: 'response.output_audio.delta', nested: { delta: '' }, delta },
    ];
    for (const event of events) expect(jsonWithBase64Delta(event)).toBe(JSON.stringify(event));
  });

  it('falls back to JSON.stringify for an event without a text delta', () => {
    expect(jsonWithBase64Delta({ type: 'x' })).toBe('{"type":"x"}');
    expect(jsonWithBase64Delta({ type: 'x', delta: 5 })).toBe('{"type":"x","delta":5}');
  });
});

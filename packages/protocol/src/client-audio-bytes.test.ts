import { describe, expect, it } from 'vitest';
import { clientAudioBytes, parseClientAudioBytes } from './client-audio-bytes.js';
import { parseClientEvent } from './parse.js';

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const bytes = new Uint8Array(960).map((_, i) => i * 7);

describe('parseClientAudioBytes', () => {
  it('gives the event the JSON form parses to, encoding the audio only when it is read', () => {
    let encodings = 0;
    const counting = (b: Uint8Array) => {
      encodings++;
      return toBase64(b);
    };
    const result = parseClientAudioBytes(bytes, { type: 'audio/pcm', rate: 24000 }, 'e1', counting);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(clientAudioBytes(result.event)).toBe(bytes);
    expect(encodings).toBe(0);
    const json = parseClientEvent(
      JSON.stringify({
        type: 'client_audio_append',
        event_id: 'e1',
        audio: toBase64(bytes),
        format: { type: 'audio/pcm', rate: 24000 },
      }),
    );
    expect(JSON.stringify(result.event)).toBe(JSON.stringify(json.ok && json.event));
    expect(result.event.audio).toBe(toBase64(bytes));
    expect(encodings).toBe(1);
    // A parser that meets it again hands it back as it is.
    const again = parseClientEvent(result.event);
    expect(again.ok && again.event).toBe(result.event);
  });

  it('keeps the bytes for an aliased format too, canonicalising it', () => {
    const result = parseClientAudioBytes(
      bytes,
      { encoding: 'pcm16', sample_rate: 16000 },
      undefined,
      toBase64,
    );
    expect(result.ok && result.event.format).toEqual({ type: 'audio/pcm', rate: 16000 });
    expect(result.ok && clientAudioBytes(result.event)).toBe(bytes);
  });

  it.each([
    [{ type: 'audio/pcm', rate: 12345 }, 'e1', 'format.rate'],
    [{ type: 'wav' }, 'e1', 'format.type'],
    [{ type: 'audio/pcm', rate: 16000 }, 'x'.repeat(300), 'event_id'],
  ])('refuses %j (event_id %s) naming %s, as the JSON form would be refused', (format, eventId, path) => {
    const result = parseClientAudioBytes(bytes, format, eventId, toBase64);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_event', path } });
  });

  it('has no bytes for an event that came as JSON', () => {
    const json = parseClientEvent({
      type: 'client_audio_append',
      audio: 'AAAA',
      format: { type: 'audio/pcm', rate: 16000 },
    });
    expect(json.ok && clientAudioBytes(json.event as never)).toBeUndefined();
  });

  it('lets go of the bytes when the event is given other audio, whichever way it was parsed', () => {
    // The second format is an alias: that event takes the full parse.
    for (const format of [
      { type: 'audio/pcm', rate: 24000 },
      { encoding: 'pcm16', sample_rate: 16000 },
    ]) {
      const parsed = parseClientAudioBytes(bytes, format, undefined, toBase64);
      if (!parsed.ok) throw new Error(parsed.error.message);
      const event = parsed.event;
      expect(clientAudioBytes(event)).toBe(bytes);
      event.audio = 'AAAA';
      expect(event.audio).toBe('AAAA');
      expect(clientAudioBytes(event)).toBeUndefined();
      expect(JSON.parse(JSON.stringify(event))).toMatchObject({ audio: 'AAAA' });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_TWILIO_CUSTOM_PARAMETERS, MAX_TWILIO_PAYLOAD_CHARS } from './limits.js';
import { parseTwilioInbound, parseTwilioOutbound } from './parse.js';

// The example messages of Twilio's "Media Streams - WebSocket Messages" page, field for field.
const STREAM = 'MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX';
const examples = {
  connected: { event: 'connected', protocol: 'Call', version: '1.0.0' },
  start: {
    event: 'start',
    sequenceNumber: '1',
    start: {
      accountSid: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      streamSid: STREAM,
      callSid: 'CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      tracks: ['inbound', 'outbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      customParameters: { FirstName: 'Jane', LastName: 'Doe', RemoteParty: 'Bob' },
    },
    streamSid: STREAM,
  },
  media: {
    event: 'media',
    sequenceNumber: '3',
    media: { track: 'outbound', chunk: '1', timestamp: '5', payload: 'no+JhoaJjpzSHxAKBgYJ' },
    streamSid: STREAM,
  },
  dtmf: {
    event: 'dtmf',
    streamSid: STREAM,
    sequenceNumber: '5',
    dtmf: { track: 'inbound_track', digit: '1' },
  },
  mark: { event: 'mark', sequenceNumber: '4', streamSid: STREAM, mark: { name: 'my label' } },
  stop: {
    event: 'stop',
    sequenceNumber: '5',
    stop: { accountSid: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', callSid: 'CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' },
    streamSid: STREAM,
  },
};

describe('Twilio Media Streams messages', () => {
  it.each(Object.entries(examples))("accepts Twilio's documented %s message", (_name, message) => {
    const parsed = parseTwilioInbound(JSON.stringify(message));
    expect(parsed).toEqual({ ok: true, message });
  });

  it('accepts the documented messages to Twilio: media, mark, clear', () => {
    for (const message of [
      { event: 'media', streamSid: STREAM, media: { payload: 'no+JhoaJjpzSHxAKBgYJ' } },
      { event: 'mark', streamSid: STREAM, mark: { name: 'my label' } },
      { event: 'clear', streamSid: STREAM },
    ]) {
      expect(parseTwilioOutbound(JSON.stringify(message))).toEqual({ ok: true, message });
    }
  });

  it('refuses a format other than 8 kHz mono mu-law, naming the field', () => {
    const start = structuredClone(examples.start);
    start.start.mediaFormat.sampleRate = 16000;
    const parsed = parseTwilioInbound(JSON.stringify(start));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.path).toBe('start.mediaFormat.sampleRate');
  });

  it('bounds what a peer sends: payload length, base64, custom parameters, digits, frame size, event', () => {
    const cases: [unknown, string][] = [
      [
        {
          ...examples.media,
          media: { ...examples.media.media, payload: 'A'.repeat(MAX_TWILIO_PAYLOAD_CHARS + 4) },
        },
        'media.payload',
      ],
      [{ ...examples.media, media: { ...examples.media.media, payload: 'not base64!' } }, 'media.payload'],
      [{ ...examples.dtmf, dtmf: { track: 'inbound_track', digit: '12' } }, 'dtmf.digit'],
      [{ ...examples.media, sequenceNumber: '-1' }, 'sequenceNumber'],
      [{ event: 'hello' }, 'event'],
    ];
    const params = Object.fromEntries(
      Array.from({ length: MAX_TWILIO_CUSTOM_PARAMETERS + 1 }, (_, i) => [`p${i}`, 'x']),
    );
    cases.push([
      { ...examples.start, start: { ...examples.start.start, customParameters: params } },
      'start.customParameters',
    ]);
    cases.push([
      { ...examples.start, start: { ...examples.start.start, customParameters: { room: 'x'.repeat(2000) } } },
      'start.customParameters.room',
    ]);
    for (const [message, path] of cases) {
      const parsed = parseTwilioInbound(JSON.stringify(message));
      expect(parsed.ok ? undefined : parsed.error.path, JSON.stringify(message).slice(0, 80)).toBe(path);
    }
    const huge = parseTwilioInbound(JSON.stringify({ ...examples.mark, pad: 'x'.repeat(70_000) }));
    expect(huge.ok ? undefined : huge.error.message).toMatch(/too large/);
    expect(parseTwilioInbound('{not json').ok).toBe(false);
  });
});

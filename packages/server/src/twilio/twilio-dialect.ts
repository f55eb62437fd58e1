import { base64FromBytes, bytesFromBase64 } from '@chorus/audio';
import { parseTwilioInbound, type TwilioOutbound } from '@chorus/protocol/twilio';
import type { PhoneDialect, PhoneInbound } from './phone-dialect.js';

const write = (message: TwilioOutbound) => JSON.stringify(message);

/** Twilio Media Streams (bidirectional, `<Connect><Stream>`), as `@chorus/protocol/twilio` defines it. */
export const twilioDialect: PhoneDialect = {
  name: 'twilio',
  audioFormat: { type: 'audio/pcmu', rate: 8000 },
  frameBytes: 160,
  parse(data: Uint8Array, isBinary: boolean): PhoneInbound {
    if (isBinary)
      return { kind: 'invalid', path: '(root)', message: 'Media Streams messages are JSON text frames' };
    const parsed = parseTwilioInbound(data);
    if (!parsed.ok) return { kind: 'invalid', path: parsed.error.path, message: parsed.error.message };
    const message = parsed.message;
    switch (message.event) {
      case 'connected':
        return { kind: 'ignored' };
      case 'start':
        if (message.streamSid !== message.start.streamSid) {
          return {
            kind: 'invalid',
            path: 'start.streamSid',
            message: 'start.streamSid: differs from streamSid',
          };
        }
        return {
          kind: 'start',
          streamId: message.streamSid,
          callId: message.start.callSid,
          parameters: message.start.customParameters,
        };
      case 'media':
        // Only the caller's side is the caller's speech; `outbound` is what the call itself played.
        if (message.media.track !== 'inbound') return { kind: 'ignored' };
        return { kind: 'audio', streamId: message.streamSid, audio: bytesFromBase64(message.media.payload) };
      case 'mark':
        return { kind: 'played', streamId: message.streamSid, mark: message.mark.name };
      case 'dtmf':
        return { kind: 'digit', streamId: message.streamSid, digit: message.dtmf.digit };
      case 'stop':
        return { kind: 'stop', streamId: message.streamSid };
    }
  },
  media: (streamSid, audio) =>
    write({ event: 'media', streamSid, media: { payload: base64FromBytes(audio) } }),
  mark: (streamSid, name) => write({ event: 'mark', streamSid, mark: { name } }),
  clear: (streamSid) => write({ event: 'clear', streamSid }),
};

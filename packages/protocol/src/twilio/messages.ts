import { z } from 'zod';
import { isBase64 } from '../base64.js';
import {
  MAX_TWILIO_CUSTOM_PARAMETERS,
  MAX_TWILIO_ID_CHARS,
  MAX_TWILIO_PARAMETER_NAME_CHARS,
  MAX_TWILIO_PARAMETER_VALUE_CHARS,
  MAX_TWILIO_PAYLOAD_CHARS,
} from './limits.js';

// Twilio Media Streams messages as Twilio documents them
// (https://www.twilio.com/docs/voice/media-streams/websocket-messages). Twilio sends numbers such
// as `sequenceNumber`, `chunk` and `timestamp` as strings; both spellings are accepted here.

const sid = z.string().min(1).max(MAX_TWILIO_ID_CHARS);
/** A counter Twilio sends as a decimal string ("1"); a number is accepted too. */
const counter = z.union([
  z.string().regex(/^\d{1,15}$/, 'must be a decimal number'),
  z.number().int().nonnegative(),
]);

const payload = z
  .string()
  .max(MAX_TWILIO_PAYLOAD_CHARS, {
    message: `too long: at most ${MAX_TWILIO_PAYLOAD_CHARS} base64 characters`,
  })
  .refine(isBase64, { message: 'must be padded standard base64' });

const customParameters = z
  .record(z.string().max(MAX_TWILIO_PARAMETER_NAME_CHARS), z.string().max(MAX_TWILIO_PARAMETER_VALUE_CHARS))
  .refine((value) => Object.keys(value).length <= MAX_TWILIO_CUSTOM_PARAMETERS, {
    message: `at most ${MAX_TWILIO_CUSTOM_PARAMETERS} custom parameters`,
  });

/** The first message: the protocol the stream speaks. */
export const twilioConnectedSchema = z.object({
  event: z.literal('connected'),
  protocol: z.string().max(64),
  version: z.string().max(32),
});

/** Stream metadata, sent once after `connected`. */
export const twilioStartSchema = z.object({
  event: z.literal('start'),
  sequenceNumber: counter,
  streamSid: sid,
  start: z.object({
    streamSid: sid,
    accountSid: sid,
    callSid: sid,
    tracks: z.array(z.enum(['inbound', 'outbound'])).max(2),
    customParameters: customParameters.default({}),
    mediaFormat: z.object({
      encoding: z.literal('audio/x-mulaw'),
      sampleRate: z.literal(8000),
      channels: z.literal(1),
    }),
  }),
});

/** Caller audio: base64 mu-law at 8 kHz, 20 ms per message. */
export const twilioMediaSchema = z.object({
  event: z.literal('media'),
  sequenceNumber: counter,
  streamSid: sid,
  media: z.object({
    track: z.enum(['inbound', 'outbound']),
    chunk: counter,
    /** Milliseconds since the stream started. */
    timestamp: counter,
    payload,
  }),
});

/** A `mark` the server sent, echoed when the audio sent before it finished playing (or was cleared). */
export const twilioMarkSchema = z.object({
  event: z.literal('mark'),
  sequenceNumber: counter,
  streamSid: sid,
  mark: z.object({ name: z.string().max(MAX_TWILIO_ID_CHARS) }),
});

/** A key the caller pressed. */
export const twilioDtmfSchema = z.object({
  event: z.literal('dtmf'),
  sequenceNumber: counter,
  streamSid: sid,
  dtmf: z.object({
    track: z.string().max(32),
    digit: z.string().regex(/^[0-9*#A-D]$/, 'must be one DTMF digit: 0-9, *, #, A-D'),
  }),
});

/** The stream ended (hang-up, or the call left the `<Connect>`). */
export const twilioStopSchema = z.object({
  event: z.literal('stop'),
  sequenceNumber: counter,
  streamSid: sid,
  stop: z.object({ accountSid: sid, callSid: sid }),
});

/** Every message Twilio sends on a Media Stream, discriminated on `event`. */
export const twilioInboundSchema = z.discriminatedUnion('event', [
  twilioConnectedSchema,
  twilioStartSchema,
  twilioMediaSchema,
  twilioMarkSchema,
  twilioDtmfSchema,
  twilioStopSchema,
]);

export type TwilioInbound = z.infer<typeof twilioInboundSchema>;
export type TwilioInboundOf<E extends TwilioInbound['event']> = Extract<TwilioInbound, { event: E }>;

export const TWILIO_INBOUND_EVENTS = ['connected', 'start', 'media', 'mark', 'dtmf', 'stop'] as const;

/** Audio to play to the caller: base64 mu-law at 8 kHz, no headers. */
export const twilioOutboundMediaSchema = z.object({
  event: z.literal('media'),
  streamSid: sid,
  media: z.object({ payload: z.string().refine(isBase64, { message: 'must be padded standard base64' }) }),
});

/** Asks Twilio to echo `name` back once the audio sent before it has played. */
export const twilioOutboundMarkSchema = z.object({
  event: z.literal('mark'),
  streamSid: sid,
  mark: z.object({ name: z.string().max(MAX_TWILIO_ID_CHARS) }),
});

/** Drops the audio Twilio has buffered for the caller; pending marks are echoed back. */
export const twilioOutboundClearSchema = z.object({ event: z.literal('clear'), streamSid: sid });

/** Every message a server sends to Twilio on a bidirectional Media Stream. */
export const twilioOutboundSchema = z.discriminatedUnion('event', [
  twilioOutboundMediaSchema,
  twilioOutboundMarkSchema,
  twilioOutboundClearSchema,
]);

export type TwilioOutbound = z.infer<typeof twilioOutboundSchema>;

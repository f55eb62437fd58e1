export type { PhoneDialect, PhoneInbound } from './phone-dialect.js';
export { twilioDialect } from './twilio-dialect.js';
export {
  DEFAULT_TWILIO_STREAM_PATH,
  DEFAULT_TWILIO_VOICE_PATH,
  type TwilioOptions,
} from './twilio-options.js';
export { isValidTwilioSignature, type TwilioParams, twilioSignature } from './twilio-signature.js';
export { connectStreamTwiml } from './twiml.js';

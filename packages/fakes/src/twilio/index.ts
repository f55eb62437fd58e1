export { FakeTwilioCall, type FakeTwilioCallOptions } from './fake-twilio-call.js';

/**
 * Bounds on what a Twilio Media Streams peer may send. Twilio sends 20 ms of 8 kHz mu-law per
 * `media` message (160 bytes, 216 base64 characters); the caps leave room for larger chunks
 * without letting one frame carry more than a second of audio.
 */

/** Largest accepted frame, in bytes. */
export const MAX_TWILIO_FRAME_BYTES = 64 * 1024;

/** Longest `media.payload`: one second of 8 kHz mu-law (8000 bytes) in base64. */
export const MAX_TWILIO_PAYLOAD_CHARS = 10_668;

/** Most `customParameters` entries a `start` may carry (TwiML `<Parameter>` elements). */
export const MAX_TWILIO_CUSTOM_PARAMETERS = 32;

/** Longest custom parameter name and value, in characters. */
export const MAX_TWILIO_PARAMETER_NAME_CHARS = 128;
export const MAX_TWILIO_PARAMETER_VALUE_CHARS = 1024;

/** Longest Twilio SID or `mark.name`, in characters (Twilio's SIDs are 34). */
export const MAX_TWILIO_ID_CHARS = 128;

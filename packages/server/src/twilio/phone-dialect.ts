import type { AudioFormat } from '@chorus/protocol';

/** One message from the phone side of a media stream, in the provider's terms made common. */
export type PhoneInbound =
  /** Nothing for the call to do (Twilio's `connected`, audio of a track the call does not take). */
  | { readonly kind: 'ignored' }
  | {
      readonly kind: 'start';
      readonly streamId: string;
      readonly callId: string;
      /** What the webhook's answer passed along (room, agent, caller). */
      readonly parameters: Readonly<Record<string, string>>;
    }
  /** Caller audio in the dialect's `audioFormat`. */
  | { readonly kind: 'audio'; readonly streamId: string; readonly audio: Uint8Array }
  /** A mark the call sent came back: the audio before it has played (or was cleared). */
  | { readonly kind: 'played'; readonly streamId: string; readonly mark: string }
  | { readonly kind: 'digit'; readonly streamId: string; readonly digit: string }
  | { readonly kind: 'stop'; readonly streamId: string }
  /** A refused message: `path` names the offending field. */
  | { readonly kind: 'invalid'; readonly path: string; readonly message: string };

/**
 * A telephony provider's media-stream wire, as {@link PhoneCall} needs it: parse what the phone
 * side sends, and write audio, marks and clears back. Twilio's is `twilioDialect`; another
 * provider (Telnyx, Vonage, ...) is one more file implementing this, plus its webhook.
 */
export interface PhoneDialect {
  /** The metrics and log label (`twilio`). */
  readonly name: string;
  /** The audio on the wire, both ways (Twilio: 8 kHz mu-law). */
  readonly audioFormat: AudioFormat;
  /** Bytes of one outgoing frame: 20 ms, as the phone network plays it. */
  readonly frameBytes: number;
  parse(data: Uint8Array, isBinary: boolean): PhoneInbound;
  media(streamId: string, audio: Uint8Array): string;
  /** A named marker after the audio sent so far; the phone side echoes it once that audio has played. */
  mark(streamId: string, name: string): string;
  /** Drops the audio the phone side still holds. */
  clear(streamId: string): string;
}

import type { AudioFormat } from '@chorus/protocol';

/** Phone calls through Twilio Media Streams (see the package README, "Phone calls"). */
export interface TwilioOptions {
  /**
   * The account's auth token: `X-Twilio-Signature` is checked on `POST /twilio/voice` and on the
   * stream's upgrade request. Without one, the routes are served only in insecure dev mode and only
   * to connections arriving on a loopback address.
   */
  readonly authToken?: string;
  /** The Media Streams WebSocket path (default `/twilio/media-stream`). */
  readonly streamPath?: string;
  /** The voice webhook path answering TwiML (default `/twilio/voice`). */
  readonly voicePath?: string;
  /**
   * The public origin Twilio calls, e.g. `https://voice.example.com`; signatures cover the URL Twilio
   * requested, which a proxy in front of the gateway changes. Default: from `Host` and
   * `X-Forwarded-Proto`.
   */
  readonly publicUrl?: string;
  /**
   * The format caller audio is converted to before it reaches the room (default PCM16 at 16 kHz,
   * which the local, scripted, Gemini and DashScope models take; use `{ type: 'audio/pcmu', rate: 8000 }`
   * for OpenAI to pass the caller's mu-law through untouched).
   */
  readonly inputFormat?: AudioFormat;
  /** Digits typed without a `#` are delivered after this long without another one (default 2 s). */
  readonly dtmfFlushMs?: number;
}

export interface ResolvedTwilioOptions {
  readonly authToken: string | undefined;
  readonly streamPath: string;
  readonly voicePath: string;
  readonly publicUrl: string | undefined;
  readonly inputFormat: AudioFormat;
  readonly dtmfFlushMs: number;
}

export const DEFAULT_TWILIO_STREAM_PATH = '/twilio/media-stream';
export const DEFAULT_TWILIO_VOICE_PATH = '/twilio/voice';

export function resolveTwilioOptions(options: TwilioOptions): ResolvedTwilioOptions {
  const path = (value: string | undefined, fallback: string, name: string) => {
    const chosen = value ?? fallback;
    if (!/^\/[A-Za-z0-9_.~/-]{0,255}$/.test(chosen))
      throw new Error(`twilio.${name} must be a URL path, got "${chosen}"`);
    return chosen.replace(/\/+$/, '') || '/';
  };
  return {
    authToken: options.authToken === '' ? undefined : options.authToken,
    streamPath: path(options.streamPath, DEFAULT_TWILIO_STREAM_PATH, 'streamPath'),
    voicePath: path(options.voicePath, DEFAULT_TWILIO_VOICE_PATH, 'voicePath'),
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    inputFormat: options.inputFormat ?? { type: 'audio/pcm', rate: 16000 },
    dtmfFlushMs: options.dtmfFlushMs ?? 2000,
  };
}

import { base64FromBytes, bytesFromBase64 } from '@chorus/audio';
import { parseTwilioOutbound, type TwilioInbound, type TwilioOutbound } from '@chorus/protocol/twilio';
import WebSocket from 'ws';

/** 20 ms of 8 kHz mu-law: what Twilio sends per `media` message. */
const FRAME_BYTES = 160;

export interface FakeTwilioCallOptions {
  /** The Media Streams URL, e.g. `ws://127.0.0.1:PORT/twilio/media-stream`. */
  readonly url: string;
  /** Handshake headers (`X-Twilio-Signature`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The `<Parameter>`s of the TwiML answer, as `start.customParameters`. */
  readonly customParameters?: Readonly<Record<string, string>>;
  readonly callSid?: string;
  readonly streamSid?: string;
  readonly accountSid?: string;
}

/** The phone's playback queue: audio, and the marks that follow it. */
type Queued = { kind: 'audio'; bytes: number } | { kind: 'mark'; name: string };

/**
 * Twilio's side of a bidirectional Media Stream, from Twilio's documentation
 * (https://www.twilio.com/docs/voice/media-streams/websocket-messages): it sends `connected` and
 * `start`, caller audio as 20 ms mu-law `media` messages with `sequenceNumber`, `chunk` and
 * `timestamp` as strings, `dtmf` and `stop`; it plays what the server sends in order and echoes
 * each `mark` once the audio before it has played ({@link FakeTwilioCall.play} advances the
 * phone's playback, so tests decide what the caller has heard), and on `clear` drops the audio it
 * holds and echoes the marks still pending. Every message the server sends is checked against the
 * protocol's schemas; refused ones are kept in `invalid`.
 */
export class FakeTwilioCall {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Every valid message from the server, in order. */
  readonly received: TwilioOutbound[] = [];
  readonly invalid: string[] = [];
  readonly callSid: string;
  readonly streamSid: string;
  readonly accountSid: string;
  /** Mu-law bytes the caller heard. */
  heardBytes = 0;
  /** Marks echoed back, in order. */
  readonly echoed: string[] = [];
  #sequence = 0;
  #chunk = 0;
  readonly #queue: Queued[] = [];
  readonly #waiters: { match: () => boolean; resolve: () => void }[] = [];

  constructor(private readonly options: FakeTwilioCallOptions) {
    this.callSid = options.callSid ?? 'CA00000000000000000000000000000001';
    this.streamSid = options.streamSid ?? 'MZ00000000000000000000000000000001';
    this.accountSid = options.accountSid ?? 'AC00000000000000000000000000000001';
    this.ws = new WebSocket(options.url, { headers: { ...options.headers } });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('error', () => {});
    this.ws.on('message', (data) => this.#onMessage(data.toString()));
  }

  /** Sends `connected` then `start`, as Twilio does once the socket opens. */
  start(): void {
    this.#send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.#send({
      event: 'start',
      sequenceNumber: this.#next(),
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        accountSid: this.accountSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters: { ...this.options.customParameters },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
  }

  /** Sends caller audio (8 kHz mu-law) in 20 ms `media` messages. */
  speak(mulaw: Uint8Array): void {
    for (let offset = 0; offset < mulaw.byteLength; offset += FRAME_BYTES) {
      const chunk = ++this.#chunk;
      this.#send({
        event: 'media',
        sequenceNumber: this.#next(),
        streamSid: this.streamSid,
        media: {
          track: 'inbound',
          chunk: String(chunk),
          timestamp: String((chunk - 1) * 20),
          payload: base64FromBytes(mulaw.subarray(offset, offset + FRAME_BYTES)),
        },
      });
    }
  }

  /**
   * Sends caller audio as a phone does: one 20 ms frame every 20 ms of wall time, so the gateway's
   * VAD and pacing see real time. Resolves after the last frame.
   */
  async speakInRealTime(mulaw: Uint8Array): Promise<void> {
    const started = performance.now();
    for (let offset = 0, n = 0; offset < mulaw.byteLength; offset += FRAME_BYTES, n++) {
      const due = started + n * 20 - performance.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.speak(mulaw.subarray(offset, offset + FRAME_BYTES));
    }
  }

  /** The caller pressed a key. */
  dtmf(digit: string): void {
    this.#send({
      event: 'dtmf',
      sequenceNumber: this.#next(),
      streamSid: this.streamSid,
      dtmf: { track: 'inbound_track', digit },
    });
  }

  /** The caller hung up: `stop`, then Twilio closes the socket. */
  hangUp(): void {
    this.#send({
      event: 'stop',
      sequenceNumber: this.#next(),
      streamSid: this.streamSid,
      stop: { accountSid: this.accountSid, callSid: this.callSid },
    });
  }

  /** Sends any frame (to test what the server does with malformed ones). */
  sendRaw(frame: string | Record<string, unknown>): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Mu-law bytes received and not played yet. */
  get buffered(): number {
    return this.#queue.reduce((sum, entry) => sum + (entry.kind === 'audio' ? entry.bytes : 0), 0);
  }

  /** The messages of one kind received so far. */
  of<E extends TwilioOutbound['event']>(event: E): Extract<TwilioOutbound, { event: E }>[] {
    return this.received.filter((m): m is Extract<TwilioOutbound, { event: E }> => m.event === event);
  }

  /** Plays `ms` of the audio held (8 bytes per ms), echoing each mark reached. */
  play(ms: number): void {
    let budget = Math.round(ms * 8);
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Queued;
      if (head.kind === 'mark') {
        this.#queue.shift();
        this.#echo(head.name);
        continue;
      }
      if (budget === 0) break;
      const take = Math.min(budget, head.bytes);
      head.bytes -= take;
      budget -= take;
      this.heardBytes += take;
      if (head.bytes === 0) this.#queue.shift();
    }
  }

  /** Resolves once `match()` holds after a message arrives (or now). */
  until(match: () => boolean, timeoutMs = 5000): Promise<void> {
    if (match()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for the server')), timeoutMs);
      this.#waiters.push({
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  close(): void {
    this.ws.close();
  }

  #onMessage(text: string): void {
    const parsed = parseTwilioOutbound(text);
    if (!parsed.ok) {
      this.invalid.push(`${parsed.error.message}: ${text.slice(0, 200)}`);
      return;
    }
    const message = parsed.message;
    if (message.streamSid !== this.streamSid) {
      this.invalid.push(`streamSid ${message.streamSid} is not ${this.streamSid}`);
      return;
    }
    this.received.push(message);
    if (message.event === 'media') {
      this.#queue.push({ kind: 'audio', bytes: bytesFromBase64(message.media.payload).byteLength });
    } else if (message.event === 'mark') {
      this.#queue.push({ kind: 'mark', name: message.mark.name });
      // A mark with no audio ahead of it has "played" at once.
      if (this.buffered === 0) this.play(0);
    } else {
      // `clear`: drop the audio held; the marks still pending come back at once (unverified: Twilio's
      // page says clear empties the buffer; that pending marks are then echoed is our reading).
      const pending = this.#queue.filter((entry) => entry.kind === 'mark');
      this.#queue.length = 0;
      for (const mark of pending) this.#echo(mark.name);
    }
    for (const waiter of [...this.#waiters]) {
      if (waiter.match()) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  #echo(name: string): void {
    this.echoed.push(name);
    this.#send({ event: 'mark', sequenceNumber: this.#next(), streamSid: this.streamSid, mark: { name } });
  }

  #next(): string {
    return String(++this.#sequence);
  }

  #send(message: TwilioInbound): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}

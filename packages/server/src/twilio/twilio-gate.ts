import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { isLoopback } from '../auth.js';
import type { PhoneDialect } from './phone-dialect.js';
import { twilioDialect } from './twilio-dialect.js';
import type { ResolvedTwilioOptions } from './twilio-options.js';
import { isValidTwilioSignature } from './twilio-signature.js';
import { connectStreamTwiml } from './twiml.js';

/** Largest accepted webhook body; Twilio's voice request is about 1 KB of form fields. */
const MAX_WEBHOOK_BODY_BYTES = 16 * 1024;
/** Most form fields read from a webhook body. */
const MAX_WEBHOOK_FIELDS = 64;

export type TwilioGateResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

/**
 * The Twilio routes' door: which requests are Twilio's, whether they are really from Twilio
 * (`X-Twilio-Signature` when an auth token is configured; loopback dev mode otherwise), and the
 * voice webhook's TwiML answer.
 */
export class TwilioGate {
  /** How the stream's messages are read and written. */
  readonly dialect: PhoneDialect = twilioDialect;

  constructor(
    readonly options: ResolvedTwilioOptions,
    insecureDev: boolean,
    private readonly hasRoom: (name: string) => boolean,
    private readonly logger: Logger,
  ) {
    if (options.authToken === undefined && !insecureDev) {
      throw new Error(
        'twilio needs an authToken (Twilio signs its requests with it) unless auth.insecureDev is set',
      );
    }
  }

  isStream(url: string | undefined): boolean {
    return pathOf(url) === this.options.streamPath;
  }

  isVoice(url: string | undefined): boolean {
    return pathOf(url) === this.options.voicePath;
  }

  /** Checks the stream's upgrade request before the socket opens. */
  authorizeUpgrade(request: IncomingMessage): TwilioGateResult {
    return this.#authorize(request, []);
  }

  /** Answers `POST /twilio/voice` (`GET` too, as Twilio may be configured to use it) with TwiML. */
  handleVoice(request: IncomingMessage, response: ServerResponse): void {
    const method = request.method ?? 'GET';
    if (method !== 'POST' && method !== 'GET') {
      response.writeHead(405, { allow: 'POST, GET', 'content-type': 'text/plain' }).end('use POST\n');
      return;
    }
    readForm(request, method === 'POST')
      .then((params) => {
        const verdict = this.#authorize(request, params);
        if (!verdict.ok) {
          this.logger.info({ status: verdict.status, reason: verdict.reason }, 'twilio webhook refused');
          response.writeHead(verdict.status, { 'content-type': 'text/plain' }).end(`${verdict.reason}\n`);
          return;
        }
        const query = new URL(request.url ?? '/', 'http://gateway').searchParams;
        const room = query.get('room');
        const agent = query.get('agent');
        const name = room ?? agent;
        if (name !== null && !this.hasRoom(name)) {
          response
            .writeHead(404, { 'content-type': 'text/plain' })
            .end(`unknown room "${name.slice(0, 64)}"\n`);
          return;
        }
        const parameters: Record<string, string> = {};
        if (room !== null) parameters.room = room;
        else if (agent !== null) parameters.agent = agent;
        const caller = params.find(([key]) => key === 'From')?.[1];
        if (caller) parameters.caller = caller;
        const streamUrl = `${this.#origin(request, 'ws')}${this.options.streamPath}`;
        response
          .writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
          .end(connectStreamTwiml(streamUrl, parameters));
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (!response.headersSent)
          response.writeHead(400, { 'content-type': 'text/plain' }).end(`${message}\n`);
      });
  }

  #authorize(request: IncomingMessage, params: readonly (readonly [string, string])[]): TwilioGateResult {
    const token = this.options.authToken;
    if (token === undefined) {
      return isLoopback(request.socket.remoteAddress)
        ? { ok: true }
        : { ok: false, status: 403, reason: 'without a Twilio auth token only loopback clients are served' };
    }
    const header = request.headers['x-twilio-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    if (signature === undefined) return { ok: false, status: 401, reason: 'missing X-Twilio-Signature' };
    const path = request.url ?? '/';
    // A handshake's URL is signed as Twilio requested it; which scheme Twilio writes for a stream
    // (wss:// as in the TwiML, or https://) is not documented, so both are accepted.
    const urls = [`${this.#origin(request, 'http')}${path}`, `${this.#origin(request, 'ws')}${path}`];
    return urls.some((url) => isValidTwilioSignature(token, signature, url, params))
      ? { ok: true }
      : { ok: false, status: 403, reason: 'X-Twilio-Signature does not match' };
  }

  /** The origin Twilio used: the configured public URL, else `Host` with the scheme the request came in on. */
  #origin(request: IncomingMessage, kind: 'http' | 'ws'): string {
    let origin = this.options.publicUrl;
    if (origin === undefined) {
      const forwarded = String(request.headers['x-forwarded-proto'] ?? '')
        .split(',')[0]
        ?.trim();
      const secure = forwarded
        ? forwarded === 'https' || forwarded === 'wss'
        : (request.socket as TLSSocket).encrypted === true;
      origin = `${secure ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}`;
    }
    return kind === 'ws' ? origin.replace(/^http/, 'ws') : origin.replace(/^ws/, 'http');
  }
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://gateway').pathname.replace(/\/+$/, '') || '/';
  } catch {
    return undefined;
  }
}

/** Reads a bounded `application/x-www-form-urlencoded` body (and nothing for GET). */
function readForm(request: IncomingMessage, hasBody: boolean): Promise<[string, string][]> {
  if (!hasBody) {
    request.resume();
    return Promise.resolve([]);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_WEBHOOK_BODY_BYTES) {
        request.destroy();
        reject(new Error(`body too large: at most ${MAX_WEBHOOK_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      const fields = [...new URLSearchParams(Buffer.concat(chunks).toString('utf8'))];
      if (fields.length > MAX_WEBHOOK_FIELDS) reject(new Error(`at most ${MAX_WEBHOOK_FIELDS} form fields`));
      else resolve(fields);
    });
  });
}

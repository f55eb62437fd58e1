import WebSocket from 'ws';

export type Json = Record<string, unknown>;

/**
 * A WebSocket client that records every text frame as parsed JSON and every binary frame as bytes,
 * and lets a test wait (bounded, in real time) for what the server sends.
 */
export class WsClient {
  readonly messages: Json[] = [];
  readonly binary: Buffer[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #listeners = new Set<() => void>();

  constructor(url: string, options: WebSocket.ClientOptions = {}, protocols: string[] = []) {
    this.ws = new WebSocket(url, protocols, { perMessageDeflate: false, ...options });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.#notify();
      }),
    );
    this.ws.on('error', () => {});
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) this.binary.push(data as Buffer);
      else this.messages.push(JSON.parse(data.toString()) as Json);
      this.#notify();
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: Json | string | Uint8Array, binary?: boolean): void {
    if (typeof frame === 'string') this.ws.send(frame, { binary: binary ?? false });
    else if (frame instanceof Uint8Array) this.ws.send(frame, { binary: binary ?? true });
    else this.ws.send(JSON.stringify(frame), { binary: binary ?? false });
  }

  /**
   * Resolves once the server has answered a ping sent now. The server writes its frames in order and
   * answers a ping as it reads it, so whatever it sent before reading the ping has arrived by then:
   * a deterministic point to look at what came, instead of a sleep.
   */
  roundTrip(timeoutMs = 10_000): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error('roundTrip: the socket is not open'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no pong within ${timeoutMs} ms`)), timeoutMs);
      // A close that crosses the ping is as good an answer: nothing comes after it.
      const done = () => {
        clearTimeout(timer);
        this.ws.off('pong', done);
        this.ws.off('close', done);
        resolve();
      };
      this.ws.once('pong', done);
      this.ws.once('close', done);
      this.ws.ping();
    });
  }

  /** Resolves once `ready()` holds; rejects after `timeoutMs` naming what was awaited. */
  until(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        this.#listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        const seen = this.messages
          .slice(-8)
          .map((m) => m.type)
          .join(',');
        reject(new Error(`timed out waiting for ${what}; last messages: ${seen}`));
      }, timeoutMs);
      this.#listeners.add(check);
    });
  }

  /** The first message from index `from` on matching `match`, waiting for it if needed. */
  async waitFor(match: (m: Json) => boolean, what: string, from = 0, timeoutMs?: number): Promise<Json> {
    let found: Json | undefined;
    await this.until(
      () => {
        found = this.messages.slice(from).find(match);
        return found !== undefined;
      },
      what,
      timeoutMs,
    );
    return found as Json;
  }

  waitForType(type: string, from = 0, timeoutMs?: number): Promise<Json> {
    return this.waitFor((m) => m.type === type, type, from, timeoutMs);
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** `Authorization: Bearer <key>` headers. */
export function bearer(key: string): WebSocket.ClientOptions {
  return { headers: { Authorization: `Bearer ${key}` } };
}

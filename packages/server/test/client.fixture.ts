import WebSocket from 'ws';

/** A test client that records every frame and can wait for one matching a predicate. */
export class TestClient {
  readonly messages: Record<string, unknown>[] = [];
  readonly binary: Buffer[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: {
    match: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
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
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binary.push(data as Buffer);
        return;
      }
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      this.messages.push(message);
      for (const waiter of [...this.#waiters]) {
        if (waiter.match(message)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
  }

  send(event: unknown): void {
    this.ws.send(typeof event === 'string' || Buffer.isBuffer(event) ? event : JSON.stringify(event));
  }

  /** The next (or an already received, from index `from`) message matching. */
  waitFor(
    match: (m: Record<string, unknown>) => boolean,
    timeoutMs = 5000,
    from = 0,
  ): Promise<Record<string, unknown>> {
    const seen = this.messages.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting; got ${this.messages.map((m) => m.type).join(',')}`)),
        timeoutMs,
      );
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  waitForType(type: string, timeoutMs?: number, from?: number): Promise<Record<string, unknown>> {
    return this.waitFor((m) => m.type === type, timeoutMs, from);
  }

  close(): void {
    this.ws.close();
  }
}

/** Resolves with the HTTP status of a refused upgrade (or 101 when it was accepted). */
export function upgradeStatus(
  url: string,
  options: WebSocket.ClientOptions = {},
  protocols: string[] = [],
): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, options);
    ws.on('error', () => resolve(0));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.close();
    });
  });
}

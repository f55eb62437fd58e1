import WebSocket from 'ws';

/** A message the server sent, parsed. */
export type Received = { readonly type: string } & Record<string, unknown>;

/** A Chorus protocol client for tests: records every message and waits for one by type or predicate. */
export class ChorusTestClient {
  readonly ws: WebSocket;
  readonly messages: Received[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters = new Set<{ test: (m: Received) => boolean; resolve: (m: Received) => void }>();

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as Received;
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(message)) {
          this.waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
  }

  send(event: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(event));
  }

  of(type: string): Received[] {
    return this.messages.filter((m) => m.type === type);
  }

  /** Resolves with the first message (already received or still to come) that satisfies `test`. */
  waitFor(test: (m: Received) => boolean, timeoutMs = 20_000): Promise<Received> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (m: Received) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms; received ${this.messages.map((m) => m.type).join(', ')}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  waitForType(type: string, timeoutMs?: number): Promise<Received> {
    return this.waitFor((m) => m.type === type, timeoutMs);
  }
}

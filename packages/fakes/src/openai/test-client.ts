import { WebSocket } from 'ws';
import { pcm16 } from '../adapter-harness/pcm16.js';
import type { FakeRealtimeServer } from './fake-realtime-server.js';
import type { Json } from './types.js';

/** A bare WebSocket client for the fakes' own tests: collects every event it receives. */
export class TestClient {
  readonly events: Json[] = [];
  closeCode: number | undefined;
  closeReason = '';
  private waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      try {
        this.events.push(JSON.parse(String(data)) as Json);
      } catch {
        this.events.push({ type: '(malformed)', raw: String(data) });
      }
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.notify();
    });
    ws.on('error', () => this.notify());
  }

  static open(
    url: string,
    headers: Record<string, string> = { Authorization: 'Bearer test-key' },
  ): Promise<TestClient> {
    const ws = new WebSocket(url, { headers });
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(event: Json): void {
    this.ws.send(JSON.stringify(event));
  }

  ofType(type: string): Json[] {
    return this.events.filter((e) => e.type === type);
  }

  types(): string[] {
    return this.events.map((e) => String(e.type));
  }

  waitFor(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${this.types().join(', ')}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  waitForType(type: string, count = 1): Promise<void> {
    return this.waitFor(() => this.ofType(type).length >= count, `${count} x ${type}`);
  }

  waitForClose(): Promise<void> {
    return this.waitFor(() => this.closeCode !== undefined, 'close');
  }

  close(): void {
    this.ws.terminate();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The fake and the client one test opened; `close()`, from `afterEach`, ends both. */
export class FakeClientPair {
  server: FakeRealtimeServer | undefined;
  client: TestClient | undefined;

  /** The test's fake, started by `start` unless this test already has one. */
  async serve(start: () => Promise<FakeRealtimeServer>): Promise<FakeRealtimeServer> {
    this.server ??= await start();
    return this.server;
  }

  /** Opens a client on the fake at its URL plus `suffix` (a query string). */
  async open(suffix = '', headers?: Record<string, string>): Promise<TestClient> {
    if (!this.server) throw new Error('FakeClientPair.open: call serve() first');
    this.client = await TestClient.open(`${this.server.url}${suffix}`, headers);
    return this.client;
  }

  async close(): Promise<void> {
    this.client?.close();
    this.client = undefined;
    await this.server?.close();
    this.server = undefined;
  }
}

/** Base64 PCM16 of `ms` at `rate`: a loud tone (speech to an energy VAD) or silence. */
export function pcmBase64(ms: number, rate: number, loud: boolean): string {
  return Buffer.from(pcm16(ms, rate, loud)).toString('base64');
}

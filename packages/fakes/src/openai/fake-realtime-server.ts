import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { roundTripAll } from '../round-trip.js';
import type { FakeDialect } from './dialect.js';
import { FakeConnection } from './fake-connection.js';
import type {
  FakeFault,
  FakeFrame,
  FakeResponseRequest,
  FakeResponseScript,
  FakeServerOptions,
} from './types.js';

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/**
 * A local WebSocket server that speaks an OpenAI-style realtime protocol (the OpenAI and DashScope
 * fakes are two dialects of it). Listens on 127.0.0.1 on a free port; records every frame.
 */
export class FakeRealtimeServer {
  /** Every connection ever accepted, in order; `connections.at(-1)` is the newest. */
  readonly connections: FakeConnection[] = [];
  /** Every frame received from clients, in order. */
  readonly received: FakeFrame[] = [];
  /** Every frame sent to clients, in order. */
  readonly sent: FakeFrame[] = [];
  /** Connection attempts refused for a bad key. */
  authFailures = 0;
  private readonly scripts: FakeResponseScript[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly waiters = new Set<() => void>();
  private readonly pongTimers = new Set<ReturnType<typeof setTimeout>>();
  private counter = 0;
  private pongDelayMs: number;
  private apiKey: string;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly dialect: FakeDialect,
    readonly options: FakeServerOptions,
    private readonly path: string,
  ) {
    this.pongDelayMs = options.pongDelayMs ?? 0;
    this.apiKey = options.apiKey ?? 'test-key';
  }

  /** Starts a fake speaking `dialect` on 127.0.0.1, port 0. */
  static async start(
    dialect: FakeDialect,
    options: FakeServerOptions,
    path: string,
  ): Promise<FakeRealtimeServer> {
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only');
    });
    const wss = new WebSocketServer({ noServer: true, autoPong: false });
    const server = new FakeRealtimeServer(http, wss, dialect, options, path);
    http.on('upgrade', (req, socket, head) => server.onUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => resolve());
    });
    return server;
  }

  /** The port the fake listens on. */
  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The WebSocket URL to connect to, e.g. `ws://127.0.0.1:PORT/v1/realtime`. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}${this.path}`;
  }

  /** The newest connection (throws when there is none, so a test fails with a clear message). */
  get connection(): FakeConnection {
    const last = this.connections.at(-1);
    if (!last) throw new Error('the fake has no connection yet');
    return last;
  }

  /** Queues the script for the next response (first in, first out). */
  queueResponse(...scripts: FakeResponseScript[]): void {
    this.scripts.push(...scripts);
  }

  /** Injects a fault into the newest connection. */
  inject(fault: FakeFault): void {
    this.connection.inject(fault);
  }

  /** Changes the pong delay for pings from now on (a slow-pong fault). */
  setPongDelay(ms: number): void {
    this.pongDelayMs = ms;
  }

  /** Changes the accepted key (to make the next connection attempt fail auth). */
  setApiKey(key: string): void {
    this.apiKey = key;
  }

  /** Received frames of one type, parsed. */
  receivedOfType(type: string): FakeFrame[] {
    return this.received.filter((f) => f.event?.type === type);
  }

  /** Sent frames of one type (wire name), parsed. */
  sentOfType(type: string): FakeFrame[] {
    return this.sent.filter((f) => f.event?.type === type);
  }

  /**
   * Resolves when `predicate` holds (checked after every frame and connection change); rejects after
   * `timeoutMs` of real time with a message naming what was awaited.
   */
  waitFor(predicate: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        realClearTimeout(timer);
        resolve();
      };
      const timer = realSetTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`fake ${this.dialect.provider}: timed out waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Resolves once `count` frames of `type` have been received in total. */
  waitForReceived(type: string, count = 1): Promise<void> {
    return this.waitFor(() => this.receivedOfType(type).length >= count, `${count} x ${type} received`);
  }

  /** Resolves once `count` frames of `type` (wire name) have been sent in total. */
  waitForSent(type: string, count = 1): Promise<void> {
    return this.waitFor(() => this.sentOfType(type).length >= count, `${count} x ${type} sent`);
  }

  /** Resolves once every open client has answered a ping sent now (see `roundTripAll`). */
  roundTrip(): Promise<void> {
    return roundTripAll(this.sockets);
  }

  /** Ends every socket and stops listening. */
  async close(): Promise<void> {
    for (const timer of this.pongTimers) realClearTimeout(timer);
    this.pongTimers.clear();
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter.toString().padStart(4, '0')}`;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== this.path) {
      socket.end(
        `HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nno realtime endpoint at ${url.pathname}`,
      );
      return;
    }
    const presented = this.dialect.presentedKey(req);
    const authorized = presented === this.apiKey;
    const failure = authorized ? undefined : this.dialect.authFailure(presented);
    if (failure?.kind === 'http') {
      this.authFailures += 1;
      const body = JSON.stringify(failure.body);
      socket.end(
        `HTTP/1.1 ${failure.status} Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      this.notify();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => {
        this.sockets.delete(ws);
        // After the connection's own close handler has marked it closed.
        queueMicrotask(() => this.notify());
      });
      ws.on('error', () => {
        // A client vanishing mid-frame is expected in fault tests; the close handler cleans up.
      });
      ws.on('ping', (data) => {
        if (this.pongDelayMs <= 0) {
          ws.pong(data);
          return;
        }
        const timer = realSetTimeout(() => {
          this.pongTimers.delete(timer);
          if (ws.readyState === ws.OPEN) ws.pong(data);
        }, this.pongDelayMs);
        this.pongTimers.add(timer);
      });
      if (failure?.kind === 'event') {
        this.authFailures += 1;
        const event = {
          type: 'error',
          event_id: this.nextId('event'),
          error: { ...failure.error, param: failure.error.param ?? null, event_id: null },
        };
        const raw = JSON.stringify(event);
        this.sent.push({ connectionId: -1, raw, event });
        ws.send(raw);
        ws.close(failure.closeCode, failure.closeReason);
        this.notify();
        return;
      }
      if (this.dialect.provider === 'openai' && this.dialect.usesBetaNames(req) && !this.options.acceptBeta) {
        // api.openai.com serves GA only: a beta client is refused with an error, then close 4000
        // (code from field reports; the message text is unverified).
        const event = {
          type: 'error',
          event_id: this.nextId('event'),
          error: {
            type: 'invalid_request_error',
            code: 'beta_api_shape_disabled',
            message: 'The beta Realtime API shape is no longer supported. Use the GA interface.',
            param: null,
            event_id: null,
          },
        };
        const raw = JSON.stringify(event);
        this.sent.push({ connectionId: -1, raw, event });
        ws.send(raw);
        ws.close(4000, 'invalid_request_error.beta_api_shape_disabled');
        this.notify();
        return;
      }
      const model = url.searchParams.get('model') ?? '';
      const connection = new FakeConnection(
        this.connections.length + 1,
        ws,
        this.dialect,
        {
          options: this.options,
          nextScript: (request) => this.nextScript(request),
          record: (direction, frame) => {
            (direction === 'received' ? this.received : this.sent).push(frame);
            // Checked once the frame has been handled, so waiters see its effects too.
            queueMicrotask(() => this.notify());
          },
          nextId: (prefix) => this.nextId(prefix),
        },
        this.dialect.usesBetaNames(req),
        model,
      );
      this.connections.push(connection);
      this.notify();
    });
  }

  private nextScript(request: FakeResponseRequest): FakeResponseScript {
    const queued = this.scripts.shift();
    if (queued) return queued;
    return this.options.responder?.(request) ?? { text: 'Hello there.' };
  }
}

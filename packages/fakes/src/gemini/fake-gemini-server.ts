import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { roundTripAll } from '../round-trip.js';
import { FakeGeminiConnection, type FakeGeminiConnectionHost } from './fake-gemini-connection.js';
import { FAKE_GEMINI_LIVE_MODELS } from './fake-gemini-models.js';
import { type FakeGeminiSession, FakeGeminiSessionStore } from './fake-gemini-session.js';
import type {
  FakeGeminiConnectionInfo,
  FakeGeminiFault,
  FakeGeminiReceived,
  FakeGeminiSent,
  FakeGeminiServerOptions,
  FakeGeminiTurn,
} from './fake-gemini-types.js';
import { createUpgradeOnlyServer, type ServerSocket, type UpgradeOnlyServer } from './ws-module.js';

/** The path of the Live endpoint, as on generativelanguage.googleapis.com. */
export const FAKE_GEMINI_PATH =
  '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
const ACCEPTED_PATHS = new Set([FAKE_GEMINI_PATH, FAKE_GEMINI_PATH.replace('v1beta', 'v1alpha')]);

type MidResponseFault = Extract<FakeGeminiFault, { type: 'drop_mid_response' | 'close_mid_response' }>;

interface Waiter {
  readonly predicate: (frame: FakeGeminiReceived) => boolean;
  readonly resolve: (frame: FakeGeminiReceived) => void;
}

/**
 * A local Gemini Live server speaking `BidiGenerateContent` over WebSocket: it checks `?key=`,
 * expects `setup` first and answers `setupComplete`, plays scripted model turns (24 kHz audio,
 * transcriptions, text, tool calls), detects speech from input audio energy (and interrupts a
 * turn the user talks over), issues resumption handles and restores a session from one, and
 * injects the failures seen from the real service. It records every frame in both directions.
 *
 * @example
 * ```ts
 * const fake = await FakeGeminiServer.start();
 * fake.queueTurns({ transcript: 'Hi there.' });
 * // connect to `${fake.url}?key=${fake.apiKey}`
 * await fake.close();
 * ```
 */
export class FakeGeminiServer {
  /** Frames received, in order. */
  readonly received: FakeGeminiReceived[] = [];
  /** Frames sent, in order, verbatim. */
  readonly sent: FakeGeminiSent[] = [];
  /** Every connection that completed the WebSocket upgrade, in order. */
  readonly connections: FakeGeminiConnectionInfo[] = [];
  readonly apiKey: string;

  private readonly sessions = new FakeGeminiSessionStore();
  private readonly live = new Map<number, FakeGeminiConnection>();
  private readonly sockets = new Set<ServerSocket>();
  private readonly script: FakeGeminiTurn[] = [];
  private readonly midResponseFaults: MidResponseFault[] = [];
  private readonly connectionFaults: Extract<FakeGeminiFault, { type: 'rate_limit' }>[] = [];
  private readonly waiters = new Set<Waiter>();
  private pongDelay = 0;
  private sentCount = 0;
  private upgrades = 0;

  private constructor(
    private readonly http: Server,
    private readonly wss: UpgradeOnlyServer,
    private readonly options: FakeGeminiServerOptions,
  ) {
    this.apiKey = options.apiKey ?? 'test-key';
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(request, socket, head),
    );
  }

  /** Starts a server on 127.0.0.1 on a free port. */
  static async start(options: FakeGeminiServerOptions = {}): Promise<FakeGeminiServer> {
    const http = createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required');
    });
    const server = new FakeGeminiServer(http, createUpgradeOnlyServer(), options);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => resolve());
    });
    return server;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The endpoint URL without the key, like the real `wss://generativelanguage.googleapis.com/ws/...`. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}${FAKE_GEMINI_PATH}`;
  }

  /** Messages received of one kind, e.g. `messagesOf('setup')`. */
  messagesOf<K extends 'setup' | 'realtimeInput' | 'clientContent' | 'toolResponse'>(
    kind: K,
    connection?: number,
  ): NonNullable<NonNullable<FakeGeminiReceived['message']>[K]>[] {
    const out: NonNullable<NonNullable<FakeGeminiReceived['message']>[K]>[] = [];
    for (const frame of this.received) {
      const value = frame.message?.[kind];
      if (value !== undefined && (connection === undefined || frame.connection === connection)) {
        out.push(value as NonNullable<NonNullable<FakeGeminiReceived['message']>[K]>);
      }
    }
    return out;
  }

  /** Sessions the fake holds (with their history), in creation order. */
  get sessionList(): readonly FakeGeminiSession[] {
    return this.sessions.all();
  }

  /** Adds turns the model plays, in order, the next times it has to answer. */
  queueTurns(...turns: FakeGeminiTurn[]): void {
    this.script.push(...turns);
  }

  /** Injects a failure (see {@link FakeGeminiFault} for when each one takes effect). */
  inject(fault: FakeGeminiFault): void {
    switch (fault.type) {
      case 'drop_mid_response':
      case 'close_mid_response':
        this.midResponseFaults.push(fault);
        return;
      case 'rate_limit':
        this.connectionFaults.push(fault);
        return;
      case 'slow_pong':
        this.pongDelay = fault.delayMs;
        return;
      case 'close':
        if (fault.loseSessions) this.sessions.forgetHandles();
        for (const connection of this.live.values())
          connection.close(fault.code ?? 1011, fault.reason ?? 'Internal error occurred.');
        return;
      case 'go_away':
        for (const connection of this.live.values()) connection.goAway(fault.timeLeftMs);
        return;
      case 'malformed_frame':
        for (const connection of this.live.values())
          connection.sendMalformed(fault.frame ?? '{"serverContent": {"modelTurn": ');
        return;
    }
  }

  /** Resolves with the first received frame (already received or arriving later) that matches. */
  waitForReceived(
    predicate: (frame: FakeGeminiReceived) => boolean,
    timeoutMs = 5000,
  ): Promise<FakeGeminiReceived> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`the fake Gemini server received no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves once every open client has answered a ping sent now (see `roundTripAll`). */
  roundTrip(): Promise<void> {
    return roundTripAll(this.sockets);
  }

  /** Closes every socket and the listener. */
  async close(): Promise<void> {
    for (const connection of this.live.values()) connection.terminate();
    this.live.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!ACCEPTED_PATHS.has(url.pathname)) {
      refuse(socket, 404, 'Not Found', `no endpoint at ${url.pathname}`);
      return;
    }
    const key = url.searchParams.get('key') ?? undefined;
    const badKey = key !== this.apiKey;
    if (badKey && this.options.authFailure === 'http') {
      refuse(socket, 400, 'Bad Request', 'API key not valid. Please pass a valid API key. (API_KEY_INVALID)');
      return;
    }
    const fault = badKey ? undefined : this.connectionFaults.shift();
    if (fault?.via === 'http') {
      refuse(socket, 429, 'Too Many Requests', 'Resource has been exhausted (e.g. check quota).');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      this.upgrades += 1;
      const info: FakeGeminiConnectionInfo = { id: this.upgrades, path: url.pathname, key, open: true };
      this.connections.push(info);
      const connection = new FakeGeminiConnection(info, ws, this.host());
      this.live.set(info.id, connection);
      this.sockets.add(ws);
      ws.on('close', () => {
        this.live.delete(info.id);
        this.sockets.delete(ws);
      });
      if (badKey) connection.close(1007, 'API key not valid. Please pass a valid API key.');
      else if (fault) connection.close(1011, 'Resource has been exhausted (e.g. check quota).');
    });
  }

  private host(): FakeGeminiConnectionHost {
    return {
      sessions: this.sessions,
      chunkIntervalMs: this.options.chunkIntervalMs ?? 5,
      vadThreshold: this.options.vadThreshold ?? 0.02,
      vadStartMs: this.options.vadStartMs ?? 40,
      defaultSilenceMs: this.options.defaultSilenceMs ?? 500,
      models: this.options.models ?? FAKE_GEMINI_LIVE_MODELS,
      playback: this.options.playback,
      encodeAsBinary: () => {
        this.sentCount += 1;
        const mode = this.options.frameEncoding ?? 'binary';
        return mode === 'binary' || (mode === 'alternate' && this.sentCount % 2 === 0);
      },
      pongDelayMs: () => this.pongDelay,
      nextTurn: () => this.script.shift() ?? this.options.defaultTurn ?? { transcript: 'Okay.' },
      takeMidResponseFault: () => this.midResponseFaults.shift(),
      recordReceived: (frame) => {
        this.received.push(frame);
        for (const waiter of [...this.waiters]) {
          if (waiter.predicate(frame)) {
            this.waiters.delete(waiter);
            waiter.resolve(frame);
          }
        }
      },
      recordSent: (frame) => this.sent.push(frame),
    };
  }
}

function refuse(socket: Duplex, status: number, statusText: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

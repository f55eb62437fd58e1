import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';

// `ws` ships no type declarations and @types/ws is not installed, so this file types the small part
// of its server API the fake uses and loads it through require (an untyped ESM import would not compile).

/** A server-side socket, as `ws` gives it. */
export interface ServerSocket {
  readonly readyState: number;
  send(data: string | Uint8Array, options: { binary: boolean }, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  pong(data?: Uint8Array): void;
  ping(data?: Uint8Array): void;
  once(event: 'pong' | 'close', listener: () => void): this;
  off(event: 'pong' | 'close', listener: () => void): this;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): this;
  on(event: 'ping', listener: (data: Buffer) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

/** `ws`'s WebSocketServer in `noServer` mode: the fake owns the HTTP server and the upgrade. */
export interface UpgradeOnlyServer {
  handleUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    callback: (socket: ServerSocket, request: IncomingMessage) => void,
  ): void;
  close(callback?: () => void): void;
}

interface WsModule {
  WebSocketServer: new (options: {
    noServer: true;
    autoPong: boolean;
    maxPayload?: number;
  }) => UpgradeOnlyServer;
}

const requireFromHere = createRequire(import.meta.url);

/** Creates a `ws` server that answers pings itself only when told to (the fake delays pongs). */
export function createUpgradeOnlyServer(): UpgradeOnlyServer {
  const ws = requireFromHere('ws') as WsModule;
  return new ws.WebSocketServer({ noServer: true, autoPong: false, maxPayload: 16 * 1024 * 1024 });
}

/** `WebSocket.OPEN` in `ws`. */
export const SOCKET_OPEN = 1;

import { createRequire } from 'node:module';

/** What the adapter hears from its socket. */
export interface GeminiTransportHandlers {
  onOpen(): void;
  onMessage(data: string | Uint8Array | readonly Uint8Array[]): void;
  onPong(): void;
  /** The socket closed; `code` 1006 when it died without a close frame. */
  onClose(code: number, reason: string): void;
  /** The server refused the WebSocket upgrade with this HTTP status (a close follows). */
  onHttpRefusal(status: number): void;
  onError(error: Error): void;
}

/** The narrow socket the adapter drives; a test or another runtime can supply its own. */
export interface GeminiTransport {
  send(text: string): void;
  ping(): void;
  close(code: number, reason: string): void;
  /** Drops the connection at once, without a close handshake. */
  terminate(): void;
}

/** Opens a socket to `url` and reports to `handlers`. */
export type GeminiTransportFactory = (url: string, handlers: GeminiTransportHandlers) => GeminiTransport;

// `ws` ships no type declarations (and @types/ws is not installed), so its client is typed here,
// narrowly, and loaded through require.
interface WsClient {
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'open' | 'pong', listener: () => void): this;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(
    event: 'unexpected-response',
    listener: (request: unknown, response: { statusCode?: number }) => void,
  ): this;
}

const requireFromHere = createRequire(import.meta.url);

/** The default transport: the `ws` client, with a 15 s handshake timeout. */
export const wsTransport: GeminiTransportFactory = (url, handlers) => {
  const { WebSocket } = requireFromHere('ws') as {
    WebSocket: new (url: string, options: { handshakeTimeout: number; maxPayload: number }) => WsClient;
  };
  const socket = new WebSocket(url, { handshakeTimeout: 15_000, maxPayload: 16 * 1024 * 1024 });
  socket.on('open', () => handlers.onOpen());
  socket.on('pong', () => handlers.onPong());
  socket.on('message', (data, isBinary) => {
    if (Array.isArray(data)) handlers.onMessage(data);
    else if (data instanceof ArrayBuffer) handlers.onMessage(new Uint8Array(data));
    else handlers.onMessage(isBinary ? data : data.toString('utf8'));
  });
  socket.on('close', (code, reason) => handlers.onClose(code, reason.toString('utf8')));
  socket.on('error', (error) => handlers.onError(error));
  socket.on('unexpected-response', (_request, response) => {
    handlers.onHttpRefusal(response.statusCode ?? 0);
    // With this listener installed ws leaves the request open; terminating aborts it and emits close (1006).
    socket.terminate();
  });
  return {
    send: (text) => socket.send(text),
    ping: () => socket.ping(),
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
  };
};

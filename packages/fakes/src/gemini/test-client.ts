import { createRequire } from 'node:module';

/** A minimal WebSocket client for the fake's own tests: records frames and waits for them. */
export interface TestClient {
  readonly frames: { text: string; binary: boolean }[];
  readonly closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  sendRaw(text: string): void;
  ping(): void;
  readonly pongs: number;
  waitFor(
    predicate: (parsed: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  close(): void;
}

interface ClientSocket {
  send(data: string): void;
  ping(): void;
  close(code?: number): void;
  terminate(): void;
  on(event: 'open', listener: () => void): this;
  on(event: 'pong', listener: () => void): this;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(
    event: 'unexpected-response',
    listener: (request: unknown, response: { statusCode?: number }) => void,
  ): this;
}

const requireFromHere = createRequire(import.meta.url);

/** Opens a client; resolves once open, or rejects with the HTTP status of a refused upgrade. */
export function openTestClient(url: string): Promise<TestClient> {
  const { WebSocket } = requireFromHere('ws') as { WebSocket: new (url: string) => ClientSocket };
  const socket = new WebSocket(url);
  const frames: { text: string; binary: boolean }[] = [];
  const listeners = new Set<() => void>();
  let pongs = 0;
  let resolveClosed: (value: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    resolveClosed = resolve;
  });
  socket.on('message', (data, binary) => {
    frames.push({ text: data.toString('utf8'), binary });
    for (const listener of [...listeners]) listener();
  });
  socket.on('pong', () => {
    pongs += 1;
  });
  socket.on('close', (code, reason) => resolveClosed({ code, reason: reason.toString('utf8') }));
  const client: TestClient = {
    frames,
    closed,
    get pongs() {
      return pongs;
    },
    send: (message) => socket.send(JSON.stringify(message)),
    sendRaw: (text) => socket.send(text),
    ping: () => socket.ping(),
    close: () => socket.terminate(),
    waitFor: (predicate, timeoutMs = 3000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          for (const frame of frames) {
            try {
              const parsed = JSON.parse(frame.text) as Record<string, unknown>;
              if (predicate(parsed)) {
                listeners.delete(check as () => void);
                clearTimeout(timer);
                resolve(parsed);
                return true;
              }
            } catch {
              // Not JSON: a malformed frame on purpose; skip it.
            }
          }
          return false;
        };
        const timer = setTimeout(() => {
          listeners.delete(check as () => void);
          reject(new Error('no matching frame'));
        }, timeoutMs);
        if (!check()) listeners.add(check as () => void);
      }),
  };
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve(client));
    socket.on('error', (error) => reject(error));
    socket.on('unexpected-response', (_request, response) => {
      reject(new Error(`HTTP ${response.statusCode}`));
      socket.terminate();
    });
  });
}

/** The part of a server-side `ws` socket a round trip needs. */
export interface PingableSocket {
  readonly readyState: number;
  ping(data?: Uint8Array): void;
  once(event: 'pong' | 'close', listener: () => void): unknown;
  off(event: 'pong' | 'close', listener: () => void): unknown;
}

const OPEN = 1;

/**
 * Resolves once every open socket has answered a ping sent now (or closed). A client answers a ping
 * as it reads it, after every frame sent before it, and writes its pong after every frame it sent
 * earlier: so by then both directions have delivered what they had. With no socket open it resolves
 * on the next turn of the event loop. The point a test looks at the adapter's state, instead of a sleep.
 */
export function roundTripAll(sockets: Iterable<PingableSocket>): Promise<void> {
  const open = [...sockets].filter((ws) => ws.readyState === OPEN);
  if (open.length === 0) return new Promise((resolve) => setImmediate(resolve));
  return Promise.all(
    open.map(
      (ws) =>
        new Promise<void>((resolve) => {
          const done = () => {
            ws.off('pong', done);
            ws.off('close', done);
            resolve();
          };
          ws.once('pong', done);
          ws.once('close', done);
          ws.ping();
        }),
    ),
  ).then(() => undefined);
}

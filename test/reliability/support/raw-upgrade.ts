import { readdirSync } from 'node:fs';
import { connect } from 'node:net';

/** What came back for one raw upgrade request. */
export interface UpgradeAnswer {
  /** The HTTP status, or undefined when nothing came back in time. */
  readonly status: number | undefined;
  readonly body: string;
  /** Whether the server ended the connection (rather than the client giving up). */
  readonly closedByServer: boolean;
}

/**
 * Sends a WebSocket upgrade request for `path` over a raw TCP socket and reads until the server ends the
 * connection, giving up after `timeoutMs` (an unanswered upgrade is what this looks for).
 */
export function rawUpgrade(
  port: number,
  path: string,
  headers: Readonly<Record<string, string>> = {},
  timeoutMs = 1000,
): Promise<UpgradeAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: match ? Number(match[1]) : undefined,
        body: split >= 0 ? text.slice(split + 4) : '',
        closedByServer,
      });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // An accepted upgrade stays open: its answer is complete with the headers.
      const text = Buffer.concat(chunks).toString('latin1');
      if (text.startsWith('HTTP/1.1 101') && text.includes('\r\n\r\n')) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );
  });
}

/** Runs `count` tasks with at most `parallel` at a time; results in order. */
export async function inWaves<T>(
  count: number,
  parallel: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) results[i] = await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}

/** Open file descriptors of this process (Linux). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

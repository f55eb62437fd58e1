import WebSocket from 'ws';

export type Frame = { type: string } & Record<string, unknown>;

/**
 * A plain `ws` client for `/v1/realtime` that records every frame the gateway sends, so a test can
 * send exactly the frames it means (including wrong ones) and check everything that came back.
 */
export class RawRealtimeClient {
  readonly frames: Frame[] = [];
  readonly #listeners = new Set<(frame: Frame) => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      for (const listener of this.#listeners) listener(frame);
    });
  }

  static async connect(
    url: string,
    options: { headers?: Record<string, string>; protocols?: string[] } = {},
  ): Promise<RawRealtimeClient> {
    const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
    const client = new RawRealtimeClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Frames of one type, in order. */
  all(type: string, from = 0): Frame[] {
    return this.frames.slice(from).filter((f) => f.type === type);
  }

  /** The first frame from index `from` that matches, waiting for it if needed. */
  waitFor(match: string | ((frame: Frame) => boolean), from = 0, timeoutMs = 5000): Promise<Frame> {
    const test = typeof match === 'string' ? (f: Frame) => f.type === match : match;
    const found = this.frames.slice(from).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        const seen = this.frames.slice(from).map((f) => f.type);
        reject(new Error(`no ${String(typeof match === 'string' ? match : 'match')}; got ${seen.join(',')}`));
      }, timeoutMs);
      const listener = (frame: Frame) => {
        if (!test(frame)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(frame);
      };
      this.#listeners.add(listener);
    });
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close();
    await closed;
  }
}

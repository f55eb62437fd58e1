import type { ClientEventInput, ServerEvent } from '@chorus/protocol';

export interface ChorusSocketOptions {
  readonly url: string;
  readonly protocols?: readonly string[];
  readonly onEvent: (event: ServerEvent) => void;
  readonly onOpen: () => void;
  readonly onClose: (reason: string) => void;
  /** A frame that is not a server event (kept out of the model, shown as a problem). */
  readonly onProblem: (reason: string) => void;
}

/**
 * The page's end of `/ws/:userId/:sessionId`. Frames are trusted to be canonical server events (the
 * gateway validated them); the page only checks they are objects with a string `type`, which keeps zod
 * out of the bundle. Binary frames are not requested (`binary_audio` stays off).
 */
export class ChorusSocket {
  readonly #socket: WebSocket;

  constructor(options: ChorusSocketOptions) {
    this.#socket = new WebSocket(options.url, [...(options.protocols ?? [])]);
    this.#socket.onopen = () => options.onOpen();
    this.#socket.onclose = (event) => options.onClose(event.reason || `closed (${event.code})`);
    this.#socket.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') {
        options.onProblem('unexpected binary frame');
        return;
      }
      let event: unknown;
      try {
        event = JSON.parse(message.data);
      } catch {
        options.onProblem('a frame was not JSON');
        return;
      }
      if (
        event === null ||
        typeof event !== 'object' ||
        typeof (event as { type?: unknown }).type !== 'string'
      ) {
        options.onProblem('a frame had no string `type`');
        return;
      }
      options.onEvent(event as ServerEvent);
    };
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Bytes queued in the socket: the microphone skips frames rather than build an ever-growing queue. */
  get buffered(): number {
    return this.#socket.bufferedAmount;
  }

  send(event: ClientEventInput): void {
    if (this.open) this.#socket.send(JSON.stringify(event));
  }

  close(): void {
    this.#socket.close(1000, 'left');
  }
}

/** The gateway's `/ws/:userId/:sessionId` URL: `?gateway=` if given, else the host that served the page. */
export function sessionUrl(location: { href: string }, userId: string, sessionId: string): string {
  const page = new URL(location.href);
  const base = new URL(page.searchParams.get('gateway') ?? '/', page);
  if (base.protocol === 'http:') base.protocol = 'ws:';
  if (base.protocol === 'https:') base.protocol = 'wss:';
  return new URL(`/ws/${encodeURIComponent(userId)}/${encodeURIComponent(sessionId)}`, base).toString();
}

import { MessageDecoder } from './decode-message.js';
import type { InspectorInput } from './inspector-input.js';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface FeedConnectionOptions {
  readonly url: string;
  readonly onInputs: (inputs: InspectorInput[]) => void;
  readonly onStatus: (status: ConnectionStatus, detail?: string) => void;
  /** Frames that could not be understood, with the reason. */
  readonly onProblem?: (reason: string) => void;
  /** Sub-protocols to offer (e.g. `chorus-key.<key>`, since browsers cannot set headers). */
  readonly protocols?: readonly string[];
}

/**
 * A WebSocket to an inspection feed that reconnects with capped backoff (0.5 s doubling to 8 s) until
 * closed. Each new connection starts from the feed's catch-up snapshot, which resets what it covers.
 */
export class FeedConnection {
  readonly #decoder = new MessageDecoder();
  #socket: WebSocket | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #delay = 500;
  #closed = false;

  constructor(private readonly options: FeedConnectionOptions) {
    this.#open();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000, 'inspector closed');
  }

  #open(): void {
    if (this.#closed) return;
    this.options.onStatus('connecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url, [...(this.options.protocols ?? [])]);
    } catch (error) {
      this.options.onStatus('closed', error instanceof Error ? error.message : String(error));
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      this.#delay = 500;
      this.options.onStatus('open');
    };
    socket.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      const result = this.#decoder.decode(message.data);
      if (result.ok) this.options.onInputs(result.inputs);
      else this.options.onProblem?.(result.error);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.#socket !== socket) return;
      this.options.onStatus('closed', event.reason || `code ${event.code}`);
      if (this.#closed) return;
      this.#timer = setTimeout(() => this.#open(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, 8000);
    };
  }
}

/**
 * The feed URL for this page: `?ws=` if given (any relay of `@statelyai/inspect` messages, or another
 * gateway), else the `/inspect` endpoint of the gateway that served the page, narrowed by `?room=`.
 */
export function feedUrl(location: { href: string }): string {
  const page = new URL(location.href);
  const explicit = page.searchParams.get('ws');
  if (explicit) return explicit;
  const url = new URL('/inspect', page);
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const room = page.searchParams.get('room');
  if (room) url.searchParams.set('room', room);
  return url.toString();
}

import type { ClientEventInput, ServerEvent } from '@chorus/protocol';
import { type AgentAudioFrame, decodeAgentAudioFrame } from './binary-audio-frame.js';

export interface ChorusSocketOptions {
  readonly url: string;
  readonly protocols?: readonly string[];
  readonly onEvent: (event: ServerEvent) => void;
  readonly onOpen: () => void;
  readonly onClose: (reason: string) => void;
  /** A frame that is not a server event (kept out of the model, shown as a problem). */
  readonly onProblem: (reason: string) => void;
  /** An agent's audio that came as a binary frame (asked for with `binary_audio: true`). */
  readonly onAudio?: (frame: AgentAudioFrame) => void;
}

/**
 * The page's end of `/ws/:userId/:sessionId`. Frames are trusted to be canonical server events (the
 * gateway validated them); the page only checks they are objects with a string `type`, which keeps zod
 * out of the bundle. Agent audio comes as binary frames when the session asked for them and the
 * gateway's `server_session_created` echoes `binary_audio: true`.
 */
export class ChorusSocket {
  readonly #socket: WebSocket;

  constructor(options: ChorusSocketOptions) {
    this.#socket = new WebSocket(options.url, [...(options.protocols ?? [])]);
    this.#socket.onopen = () => options.onOpen();
    this.#socket.onclose = (event) => options.onClose(event.reason || `closed (${event.code})`);
    this.#socket.binaryType = 'arraybuffer';
    this.#socket.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') {
        const frame =
          message.data instanceof ArrayBuffer ? decodeAgentAudioFrame(message.data) : 'not an ArrayBuffer';
        if (typeof frame === 'string' || !options.onAudio)
          options.onProblem(typeof frame === 'string' ? frame : 'unexpected binary frame');
        else options.onAudio(frame);
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

  /** Sends bytes as one binary frame. */
  sendBytes(bytes: Uint8Array): void {
    if (this.open) this.#socket.send(bytes);
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

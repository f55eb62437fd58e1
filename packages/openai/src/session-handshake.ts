import {
  type ChorusClock,
  type ConversationItem,
  ModelConnectError,
  type SessionConfig,
} from '@chorus/core/provider';
import { type ErrorCode, providerErrorCode } from '@chorus/protocol';
import type { OpenAIAudioDeltaFrame, OpenAIErrorDetail } from '@chorus/protocol/openai';
import WebSocket from 'ws';
import { ClockTimer } from './clock-timer.js';
import { classifyClose, classifyHttpStatus, classifyProviderError } from './error-classification.js';
import type { WireDialect, WireJson } from './wire-dialect.js';
import { toWireItem } from './wire-items.js';

/** One provider socket and the session it carries. */
export interface Link {
  readonly ws: WebSocket;
  sessionId: string;
}

/** What to do with the socket once the session is accepted. */
export interface LinkHandlers {
  onFrame(link: Link, parsed: ReturnType<WireDialect['parseServer']>): void;
  /** An audio delta read from the frame as bytes (`WireDialect.readAudioDelta`), not parsed. */
  onAudioDelta(link: Link, delta: OpenAIAudioDeltaFrame): void;
  onClose(link: Link, code: number, reason: string): void;
  onPong(link: Link): void;
  /** A replayed history item was refused; the session stands and the gap is reported. */
  onReplayRefused(error: OpenAIErrorDetail): void;
}

export interface HandshakeOptions {
  readonly dialect: WireDialect;
  readonly clock: ChorusClock;
  readonly timeoutMs: number;
  readonly session: SessionConfig;
  /** The conversation to restore (replayed as items, or folded into the instructions). */
  readonly history?: readonly ConversationItem[];
  readonly signal?: AbortSignal;
  readonly handlers: LinkHandlers;
}

/** Sends a GA-named client event on `ws`, written in the dialect; a closed socket drops it. */
export function sendWire(ws: WebSocket, dialect: WireDialect, event: WireJson & { type: string }): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  ws.send(JSON.stringify(dialect.encodeClient(event)));
}

/**
 * Opens a socket, sends the session (and replays the history), and resolves once the provider has
 * accepted the session and acknowledged the last replayed item. Rejects with a
 * {@link ModelConnectError}: `fatal` for a refused key, quota or session (a retry would fail the
 * same way), retryable for network trouble, timeouts and server-side closes.
 */
export function openSession(options: HandshakeOptions): Promise<Link> {
  const { dialect, session, history, signal, handlers } = options;
  const provider = dialect.provider;
  const inInstructions = history !== undefined && dialect.replay === 'instructions';
  const replay = history !== undefined && !inInstructions ? history.map(toWireItem) : [];
  const lastReplayId = replay.at(-1)?.id;
  return new Promise<Link>((resolve, reject) => {
    const ws = new WebSocket(dialect.url(), { headers: dialect.headers() });
    const link: Link = { ws, sessionId: '' };
    const timer = new ClockTimer(options.clock);
    let settled = false;
    let sessionAccepted = false;
    let replayAcked = lastReplayId === undefined;

    const fail = (code: ErrorCode, message: string, fatal: boolean, cause?: unknown) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      reject(new ModelConnectError(code, `${provider}: ${message}`, { fatal, cause }));
    };
    const settleIfReady = () => {
      if (settled || !sessionAccepted || !replayAcked) return;
      settled = true;
      timer.cancel();
      signal?.removeEventListener('abort', onAbort);
      resolve(link);
    };
    const sendSession = () => {
      sendWire(ws, dialect, {
        type: 'session.update',
        session: dialect.sessionPayload(session, inInstructions ? history : undefined),
      });
      // The provider handles events in order, so the replay follows the session it belongs to.
      for (const item of replay) sendWire(ws, dialect, { type: 'conversation.item.create', item });
    };
    const onAbort = () => fail('aborted', 'connect aborted', false);
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    timer.start(options.timeoutMs, () =>
      fail('connect_timeout', `no session accepted within ${options.timeoutMs} ms`, false),
    );

    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const { fatal, code } = classifyHttpStatus(status);
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 500);
        fail(code, `upgrade refused with HTTP ${status}${body ? `: ${body}` : ''}`, fatal);
      });
    });
    ws.on('error', (error) => fail('network_error', error.message, false, error));
    ws.on('open', () => {
      if (!dialect.updateAfterCreated) sendSession();
    });
    ws.on('close', (code, reasonBuffer) => {
      const reason = reasonBuffer.toString();
      if (settled) {
        handlers.onClose(link, code, reason);
        return;
      }
      const verdict = classifyClose(code, reason);
      fail(verdict.code, `closed before the session was accepted (${code} ${reason})`, verdict.fatal);
    });
    ws.on('pong', () => handlers.onPong(link));
    ws.on('message', (data: WebSocket.RawData) => {
      const frame = Array.isArray(data) ? Buffer.concat(data) : data;
      if (settled && dialect.readAudioDelta) {
        // Audio deltas are most of the frames: read into bytes at once, with no objects made of them.
        const delta = dialect.readAudioDelta(frame instanceof ArrayBuffer ? new Uint8Array(frame) : frame);
        if (delta) {
          handlers.onAudioDelta(link, delta);
          return;
        }
      }
      const parsed = dialect.parseServer(frame);
      if (settled) {
        handlers.onFrame(link, parsed);
        return;
      }
      if (!parsed.ok || parsed.unknown) return;
      const event = parsed.event;
      switch (event.type) {
        case 'session.created':
          link.sessionId = (event.session as { id?: string }).id ?? link.sessionId;
          if (dialect.updateAfterCreated) sendSession();
          break;
        case 'session.updated':
          link.sessionId = (event.session as { id?: string }).id ?? link.sessionId;
          sessionAccepted = true;
          break;
        case 'conversation.item.added':
        case 'conversation.item.created':
          if (event.item.id === lastReplayId) replayAcked = true;
          break;
        case 'error': {
          const severity = classifyProviderError(event.error);
          if (sessionAccepted && severity === 'recoverable') {
            handlers.onReplayRefused(event.error);
            replayAcked = true;
            break;
          }
          // A refused session.update would be refused again: nothing a retry can fix.
          const fatal = severity !== 'retryable';
          fail(
            providerErrorCode(event.error.code ?? event.error.type),
            event.error.message ?? event.error.type,
            fatal,
          );
          return;
        }
      }
      settleIfReady();
    });
  });
}

import { AudioConverter, base64FromBytes } from '@chorus/audio';
import {
  type ChorusClock,
  ConnectionClock,
  type ConnectOptions,
  type ConversationItem,
  type HistoryChange,
  type ModelCapabilities,
  ModelConnectError,
  type ModelInput,
  ProviderSession,
  type RealtimeModel,
  type ResponseOptions,
  type SessionConfig,
} from '@chorus/core/provider';
import {
  type AudioFormat,
  type ErrorCode,
  type ErrorType,
  type ModelEvent,
  providerErrorCode,
} from '@chorus/protocol';
import type { OpenAIErrorDetail } from '@chorus/protocol/openai';
import { type Observable, Subject } from 'rxjs';
import WebSocket from 'ws';
import { ClockTimer } from './clock-timer.js';
import { ConversationLog } from './conversation-log.js';
import { classifyClose, classifyProviderError } from './error-classification.js';
import { KeepAlive } from './keep-alive.js';
import { ProviderEventMapper } from './provider-event-mapper.js';
import { type Link, openSession, sendWire } from './session-handshake.js';
import type { WireDialect, WireJson } from './wire-dialect.js';
import { OUT_OF_BAND_TAG, toWireInputItem, toWireItem, toWireTool } from './wire-items.js';

/** Timing knobs shared by the OpenAI-style adapters; every timer runs on `clock`. */
export interface SocketModelTiming {
  /**
   * Timers (ping, pong timeout, renewal, cancel timeout) when `connect` brings no clock of its
   * owner's (`ConnectOptions.clock`, which wins). Default: real time.
   */
  readonly clock?: ChorusClock;
  /** How long `connect` waits for the provider to accept the session (default 15 s). */
  readonly connectTimeoutMs?: number;
  /** Ping interval (default 15 s). */
  readonly pingIntervalMs?: number;
  /** A pong later than this after a ping means the socket is dead (default 10 s). */
  readonly pongTimeoutMs?: number;
  /** Renew the session this long before the provider's cap (default 5 min). */
  readonly renewBeforeCapMs?: number;
}

const CONNECT_TIMEOUT_MS = 15_000;
const PING_INTERVAL_MS = 15_000;
const PONG_TIMEOUT_MS = 10_000;
const RENEW_BEFORE_CAP_MS = 5 * 60_000;
/** Responses ended after an unconfirmed cancel that are remembered, in case their done comes late. */
const MAX_ASSUMED_DONE = 16;

function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.type === b.type && a.rate === b.rate;
}

/**
 * A {@link RealtimeModel} over an OpenAI-style realtime WebSocket (OpenAI GA and beta, Azure-style
 * endpoints, DashScope: see {@link WireDialect}). One connection at a time. It never retries by itself
 * (the model-connection actor does, calling `connect` with `resume`), but it renews a session
 * transparently before the provider's cap and detects dead sockets by ping/pong.
 */
export class SocketRealtimeModel implements RealtimeModel {
  readonly provider: string;
  readonly capabilities: ModelCapabilities;
  readonly events$: Observable<ModelEvent>;
  private readonly subject = new Subject<ModelEvent>();
  /** Every timer of the adapter runs on it: the owner's clock from `connect`, else `timing.clock`. */
  protected readonly clock: ConnectionClock;
  private readonly connectTimeoutMs: number;
  private readonly renewBeforeCapMs: number;
  private readonly keepAlive: KeepAlive;
  private readonly renewTimer: ClockTimer;
  private readonly cancelTimer: ClockTimer;
  /** Responses ended here after an unconfirmed cancel, whose own `response.done` may still come. */
  private readonly assumedDone = new Set<string>();
  private readonly log = new ConversationLog();
  private readonly mapper: ProviderEventMapper;
  /**
   * Every lifecycle decision (connect allowed, renewal due or running, fatal error reported, closed)
   * is a transition of this machine; the fields below are the resources those states own.
   */
  private readonly lifecycle = new ProviderSession();
  private link: Link | undefined;
  /** The running renewal, awaited by `close()`. */
  private renewal: Promise<void> | undefined;
  private renewalAbort: AbortController | undefined;
  private session: SessionConfig | undefined;
  private toProvider: AudioConverter | undefined;
  private fromProvider: AudioConverter | undefined;
  private providerIn: AudioFormat | undefined;
  private activeResponseId: string | undefined;
  private speaking = false;

  constructor(
    private readonly dialect: WireDialect,
    timing: SocketModelTiming = {},
  ) {
    this.provider = dialect.provider;
    this.capabilities = dialect.capabilities;
    this.events$ = this.subject.asObservable();
    this.clock = new ConnectionClock(timing.clock);
    this.connectTimeoutMs = timing.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.renewBeforeCapMs = timing.renewBeforeCapMs ?? RENEW_BEFORE_CAP_MS;
    this.keepAlive = new KeepAlive(
      this.clock,
      timing.pingIntervalMs ?? PING_INTERVAL_MS,
      timing.pongTimeoutMs ?? PONG_TIMEOUT_MS,
    );
    this.renewTimer = new ClockTimer(this.clock);
    this.cancelTimer = new ClockTimer(this.clock);
    this.mapper = new ProviderEventMapper(this.provider, this.log, {
      emit: (event) => {
        // A response.done for a response already ended after its cancel went unconfirmed comes too
        // late: the turn has moved on, so it is passed on raw instead of ending the response twice.
        if (event.type === 'model_response_done' && this.assumedDone.delete(event.response_id)) {
          this.emit({
            type: 'model_raw',
            provider: this.provider,
            event: { type: 'response.done', response_id: event.response_id, late: true },
          });
          return;
        }
        this.emit(event);
      },
      onProviderError: (error) => this.onProviderError(error),
      onResponseStarted: (id) => {
        this.activeResponseId = id;
      },
      onResponseFinished: (id) => this.finishResponse(id),
      onSpeechChanged: (speaking) => {
        this.speaking = speaking;
        if (!speaking) this.maybeRenew();
      },
    });
  }

  /** Whether a connection is open and its session accepted. */
  get connected(): boolean {
    return this.link !== undefined;
  }

  /**
   * The conversation as this adapter saw it on the wire (typed input, transcripts, answers, tool
   * calls and results, truncations applied); what a session renewal replays. A connection actor
   * without a history of its own can pass this as its `history`.
   */
  conversation(): readonly ConversationItem[] {
    return this.log.snapshot();
  }

  async connect(session: SessionConfig, options: ConnectOptions = {}): Promise<void> {
    if (this.lifecycle.closed)
      throw new ModelConnectError('closed', `${this.provider}: connect() after close()`, { fatal: true });
    if (this.lifecycle.matches('failed')) {
      throw new ModelConnectError(
        'fatal_error_reported',
        `${this.provider}: a fatal error ended this model`,
        {
          fatal: true,
        },
      );
    }
    this.detach(this.link, 1000, 'reconnecting');
    this.link = undefined;
    this.lifecycle.send({ type: 'open' });
    this.clock.use(options);
    this.session = session;
    let link: Link;
    try {
      await this.prepareAudio(session);
      const history = options.resume?.history;
      if (history) {
        this.log.clear();
        for (const item of history) this.log.upsert(item);
      }
      link = await this.handshake(session, history, options.signal);
    } catch (error) {
      this.lifecycle.send({ type: 'open.failed' });
      throw error;
    }
    if (this.lifecycle.closed) {
      link.ws.terminate();
      throw new ModelConnectError('closed', `${this.provider}: closed while connecting`, { fatal: true });
    }
    this.adopt(link);
    this.lifecycle.send({ type: 'opened' });
    this.emit({ type: 'model_session_created', session_id: link.sessionId });
  }

  send(input: ModelInput): void {
    switch (input.type) {
      case 'audio':
        this.sendAudio(input.audio, input.format);
        break;
      case 'audio_commit':
        this.sendClient({ type: 'input_audio_buffer.commit' });
        break;
      case 'audio_clear':
        this.sendClient({ type: 'input_audio_buffer.clear' });
        break;
      case 'text': {
        const id = newItemId();
        const text = input.speaker ? `[${input.speaker}] ${input.text}` : input.text;
        const role = input.role ?? 'user';
        this.log.upsert({
          type: 'message',
          id,
          role,
          text,
          ...(input.speaker ? { speaker: input.speaker } : {}),
        });
        this.sendClient({
          type: 'conversation.item.create',
          // Assistant words (a resumed conversation) are output text in GA items.
          item: {
            id,
            type: 'message',
            role,
            content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text }],
          },
        });
        break;
      }
      case 'image': {
        const event = this.dialect.imageEvent(base64FromBytes(input.image), input.mimeType);
        if (event) this.sendClient(event);
        else
          this.emitError(
            'invalid_request_error',
            'unsupported_input',
            `${this.provider} takes no image input`,
          );
        break;
      }
      case 'tool_result': {
        const id = newItemId();
        this.log.upsert({ type: 'function_call_output', id, callId: input.callId, output: input.output });
        this.sendClient({
          type: 'conversation.item.create',
          item: { id, type: 'function_call_output', call_id: input.callId, output: input.output },
        });
        break;
      }
    }
  }

  createResponse(options: ResponseOptions = {}): void {
    const response: WireJson = {};
    if (options.instructions !== undefined) response.instructions = options.instructions;
    if (options.modalities !== undefined) response.output_modalities = [...options.modalities];
    if (options.conversation !== undefined) response.conversation = options.conversation;
    // OpenAI's documented way to recognise an out-of-band response: a metadata tag it echoes back.
    if (options.conversation === 'none') response.metadata = { [OUT_OF_BAND_TAG]: 'none' };
    if (options.input !== undefined) response.input = options.input.map(toWireInputItem);
    if (options.tools !== undefined) response.tools = options.tools.map(toWireTool);
    if (options.toolChoice !== undefined) response.tool_choice = options.toolChoice;
    this.sendClient(
      Object.keys(response).length === 0
        ? { type: 'response.create' }
        : { type: 'response.create', response },
    );
  }

  cancelResponse(): void {
    const responseId = this.activeResponseId;
    if (responseId === undefined) return;
    this.sendClient({ type: 'response.cancel', response_id: responseId });
    const timeout = this.dialect.cancelDoneTimeoutMs;
    if (timeout === undefined) return;
    this.cancelTimer.start(timeout, () => {
      // The provider never confirmed the cancel: end the response here so turn-taking goes on.
      if (this.activeResponseId !== responseId) return;
      this.finishResponse(responseId);
      this.assumedDone.add(responseId);
      // Only the latest few are remembered: a done later than that is not expected at all.
      if (this.assumedDone.size > MAX_ASSUMED_DONE) {
        const oldest = this.assumedDone.values().next().value;
        if (oldest !== undefined) this.assumedDone.delete(oldest);
      }
      this.emit({
        type: 'model_response_done',
        response_id: responseId,
        input_tokens: 0,
        output_tokens: 0,
        metadata: { synthesized: true, reason: 'no response.done after response.cancel' },
        status: 'cancelled',
      });
    });
  }

  truncate(itemId: string, audioEndMs: number): void {
    const received = this.mapper.receivedMs(itemId);
    if (received === undefined) return;
    // The provider refuses a position past the audio it sent; the listener cannot have heard more.
    const end = Math.max(0, Math.min(Math.floor(audioEndMs), Math.floor(received)));
    // The local log is cut either way, so a renewed or resumed session carries only what was heard.
    this.log.truncate(itemId, received > 0 ? end / received : 0);
    this.mapper.truncated(itemId, end);
    if (!this.capabilities.truncation) return;
    this.sendClient({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: end,
    });
  }

  updateSession(patch: Partial<SessionConfig>): void {
    if (!this.session) return;
    this.session = { ...this.session, ...patch };
    this.sendClient({ type: 'session.update', session: this.dialect.sessionPayload(this.session) });
  }

  /**
   * An edit of the agent's history. OpenAI: `conversation.item.delete` for each removed item, then
   * `conversation.item.create` with `previous_item_id` for each added one (a replaced item is
   * deleted and created again under its id). DashScope documents no item events: the history is
   * carried in the instructions, so the edit is one `session.update`.
   */
  updateHistory(change: HistoryChange): void {
    this.log.replace(change.history);
    if (!this.session) return;
    if (this.dialect.replay === 'instructions') {
      this.sendClient({
        type: 'session.update',
        session: this.dialect.sessionPayload(this.session, this.log.snapshot()),
      });
      return;
    }
    for (const id of change.removed) this.sendClient({ type: 'conversation.item.delete', item_id: id });
    for (const { item, previousItemId } of change.added) {
      this.sendClient({
        type: 'conversation.item.create',
        previous_item_id: previousItemId ?? 'root',
        item: toWireItem(item),
      });
    }
  }

  async close(): Promise<void> {
    if (!this.lifecycle.send({ type: 'close' })) return;
    this.stopTimers();
    const link = this.link;
    this.link = undefined;
    this.renewalAbort?.abort();
    if (link) await closeGracefully(link.ws, this.clock);
    await this.renewal;
    this.toProvider?.dispose();
    this.fromProvider?.dispose();
    this.subject.complete();
    this.lifecycle.send({ type: 'closed' });
  }

  // ---- for dialect subclasses (DashScope) ----

  /** Sends one client event (in GA names; the dialect encodes it) on the open socket; false when none is open. */
  protected sendProviderEvent(event: WireJson & { type: string }): boolean {
    const link = this.link;
    if (!link || link.ws.readyState !== WebSocket.OPEN) return false;
    sendWire(link.ws, this.dialect, event);
    return true;
  }

  /** Reports input the provider cannot take as a non-fatal `model_error` naming why. */
  protected reportInputError(code: ErrorCode, message: string): void {
    this.emitError('invalid_request_error', code, message);
  }

  // ---- connection lifecycle ----

  private async prepareAudio(session: SessionConfig): Promise<void> {
    const providerIn = this.dialect.providerInputFormat(session);
    const providerOut = this.dialect.providerOutputFormat(session);
    const to = this.toProvider;
    if (!to || !sameFormat(to.from, session.inputAudioFormat) || !sameFormat(to.to, providerIn)) {
      to?.dispose();
      this.toProvider = await AudioConverter.create(session.inputAudioFormat, providerIn);
    }
    const from = this.fromProvider;
    if (!from || !sameFormat(from.from, providerOut) || !sameFormat(from.to, session.outputAudioFormat)) {
      from?.dispose();
      this.fromProvider = await AudioConverter.create(providerOut, session.outputAudioFormat);
    }
    this.providerIn = providerIn;
    this.mapper.setAudio(this.fromProvider, providerOut);
  }

  private async handshake(
    session: SessionConfig,
    history: readonly ConversationItem[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Link> {
    try {
      return await openSession({
        dialect: this.dialect,
        clock: this.clock,
        timeoutMs: this.connectTimeoutMs,
        session,
        ...(history ? { history } : {}),
        ...(signal ? { signal } : {}),
        handlers: {
          onFrame: (link, parsed) => {
            if (this.link !== link) return;
            if (!parsed.ok) {
              this.emitError(
                'invalid_server_event',
                'invalid_server_message',
                `${this.provider}: ${parsed.error.message}`,
              );
            } else if (parsed.unknown) {
              this.emit({ type: 'model_raw', provider: this.provider, event: parsed.event });
            } else {
              this.mapper.map(parsed.event);
            }
          },
          onAudioDelta: (link, delta) => {
            if (this.link === link) this.mapper.audioBytes(delta.response_id, delta.item_id, delta.audio);
          },
          onClose: (link, code, reason) => this.onSocketClosed(link, code, reason),
          onPong: (link) => {
            if (this.link === link) this.keepAlive.pong();
          },
          onReplayRefused: (error) =>
            this.emitError(
              providerErrorCode(error.type),
              error.code ? providerErrorCode(error.code) : 'replay_failed',
              `${this.provider}: replay: ${error.message ?? ''}`,
            ),
        },
      });
    } catch (error) {
      if (error instanceof ModelConnectError && error.fatal) {
        this.reportFatal(error.code, error.message, 'authentication_error');
      }
      throw error;
    }
  }

  /** Makes `link` the live connection: keep-alive, renewal timer, fresh per-connection state. */
  private adopt(link: Link): void {
    this.link = link;
    this.activeResponseId = undefined;
    this.speaking = false;
    this.mapper.reset();
    this.keepAlive.start(link.ws, (reason) => {
      if (this.link !== link) return;
      // No pong in time: the socket is dead even if TCP has not noticed. Treat it as a drop.
      link.ws.terminate();
      this.onSocketClosed(link, 1006, reason);
    });
    this.renewTimer.start(Math.max(0, this.dialect.sessionCapMs - this.renewBeforeCapMs), () =>
      this.renewalDue(),
    );
  }

  private renewalDue(): void {
    this.lifecycle.send({ type: 'renewal.due' });
    this.maybeRenew();
  }

  /** Renews at a quiet moment: no response running and no user speech in progress. */
  private maybeRenew(): void {
    if (!this.lifecycle.matches({ open: 'renewalDue' }) || !this.link || !this.session) return;
    if (this.activeResponseId !== undefined || this.speaking) return;
    this.lifecycle.send({ type: 'renew' });
    const session = this.session;
    this.renewal = this.renew(session).finally(() => {
      this.renewal = undefined;
    });
  }

  private async renew(session: SessionConfig): Promise<void> {
    const old = this.link;
    const abort = new AbortController();
    this.renewalAbort = abort;
    try {
      const link = await this.handshake(session, this.log.snapshot(), abort.signal);
      if (this.lifecycle.closed || this.link !== old) {
        link.ws.terminate();
        return;
      }
      this.adopt(link);
      this.lifecycle.send({ type: 'renewed' });
      this.detach(old, 1000, 'session renewed');
      this.emit({
        type: 'model_raw',
        provider: this.provider,
        event: { type: 'chorus.session_renewed', old_session_id: old?.sessionId, session_id: link.sessionId },
      });
    } catch (error) {
      if (this.lifecycle.closed || this.lifecycle.matches('failed')) return;
      // The old session keeps running; try again a little later, still before the cap.
      this.emit({
        type: 'model_raw',
        provider: this.provider,
        event: {
          type: 'chorus.session_renewal_failed',
          message: error instanceof Error ? error.message : String(error),
        },
      });
      // Only a renewal still running goes back to waiting; a drop or a reconnect already ended it.
      if (this.lifecycle.send({ type: 'renewal.failed' }))
        this.renewTimer.start(Math.min(60_000, this.renewBeforeCapMs / 2), () => this.renewalDue());
    } finally {
      if (this.renewalAbort === abort) this.renewalAbort = undefined;
    }
  }

  /** Closes a socket we no longer listen to. */
  private detach(link: Link | undefined, code: number, reason: string): void {
    if (!link) return;
    link.ws.removeAllListeners();
    link.ws.on('error', () => {});
    if (link.ws.readyState === WebSocket.OPEN) link.ws.close(code, reason);
    else link.ws.terminate();
  }

  private onSocketClosed(link: Link, code: number, reason: string): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.stopTimers();
    this.activeResponseId = undefined;
    this.speaking = false;
    if (this.lifecycle.closed) return;
    this.lifecycle.send({ type: 'dropped' });
    const verdict = classifyClose(code, reason);
    if (verdict.fatal)
      this.reportFatal(verdict.code, `${this.provider}: closed (${code} ${reason})`, 'authentication_error');
    this.emit({
      type: 'model_session_ended',
      session_id: link.sessionId,
      reason: `socket closed (${code}${reason ? ` ${reason}` : ''})`,
      retryable: !this.lifecycle.matches('failed'),
    });
  }

  /** Ends the session from our side after a provider error. */
  private endSession(reason: string, retryable: boolean): void {
    const link = this.link;
    if (!link) return;
    this.link = undefined;
    this.lifecycle.send({ type: 'dropped' });
    this.stopTimers();
    this.activeResponseId = undefined;
    this.detach(link, 1000, reason.slice(0, 100));
    this.emit({ type: 'model_session_ended', session_id: link.sessionId, reason, retryable });
  }

  private stopTimers(): void {
    this.keepAlive.stop();
    this.renewTimer.cancel();
    this.cancelTimer.cancel();
  }

  private finishResponse(responseId: string): void {
    if (this.activeResponseId === responseId) this.activeResponseId = undefined;
    this.cancelTimer.cancel();
    this.maybeRenew();
  }

  private onProviderError(error: OpenAIErrorDetail): void {
    const severity = classifyProviderError(error);
    // The provider's own code and type, passed on as they came.
    const code = providerErrorCode(error.code ?? error.type);
    const type = providerErrorCode(error.type);
    const message = `${this.provider}: ${error.message ?? error.type}`;
    if (severity === 'fatal') {
      this.reportFatal(code, message, type);
      this.endSession(`fatal error: ${code}`, false);
      return;
    }
    this.emitError(type, code, message);
    if (severity === 'retryable') this.endSession(`retryable error: ${code}`, true);
  }

  // ---- sending ----

  private sendClient(event: WireJson & { type: string }): void {
    const link = this.link;
    if (!link || link.ws.readyState !== WebSocket.OPEN) {
      this.emitError(
        'connection',
        'not_connected',
        `${this.provider}: ${event.type} sent while not connected`,
      );
      return;
    }
    sendWire(link.ws, this.dialect, event);
  }

  private sendAudio(audio: Uint8Array, format: AudioFormat): void {
    const providerIn = this.providerIn;
    const converter = this.toProvider;
    if (!providerIn || !converter) {
      this.emitError('connection', 'not_connected', `${this.provider}: audio sent before connect()`);
      return;
    }
    let bytes: Uint8Array;
    if (sameFormat(format, providerIn)) bytes = audio;
    else if (sameFormat(format, converter.from)) bytes = converter.convert(audio);
    else {
      this.emitError(
        'invalid_request_error',
        'audio_format_mismatch',
        `${this.provider}: audio in ${format.type}@${format.rate} but the session takes ${converter.from.type}@${converter.from.rate}`,
      );
      return;
    }
    if (bytes.byteLength === 0) return;
    this.sendClient({ type: 'input_audio_buffer.append', audio: base64FromBytes(bytes) });
  }

  // ---- emitting ----

  private emit(event: ModelEvent): void {
    if (!this.lifecycle.closed) this.subject.next(event);
  }

  private emitError(errorType: ErrorType, code: ErrorCode, message: string): void {
    this.emit({ type: 'model_error', error_type: errorType, code, message, fatal: false });
  }

  /** Reports the one fatal error of this model's life; later ones are consequences of it. */
  private reportFatal(code: ErrorCode, message: string, errorType: ErrorType): void {
    if (!this.lifecycle.send({ type: 'fail', code, message })) return;
    this.emit({ type: 'model_error', error_type: errorType, code, message, fatal: true });
  }
}

/** Item ids the adapter makes up: short (providers cap ids at 32 characters) and unique. */
function newItemId(): string {
  return `chorus_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;
}

function closeGracefully(ws: WebSocket, clock: ChorusClock): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) {
      resolve();
      return;
    }
    // A peer that never answers the close frame must not hold `close()` forever; on the model's
    // clock, like every other timer of the adapter.
    const timer = new ClockTimer(clock);
    timer.start(1000, () => {
      ws.terminate();
      resolve();
    });
    ws.removeAllListeners();
    ws.on('error', () => {});
    ws.once('close', () => {
      timer.cancel();
      resolve();
    });
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'client closed');
    else ws.terminate();
  });
}

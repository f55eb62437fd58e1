import { randomUUID } from 'node:crypto';
import {
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
import type { ErrorCode, ModelEvent } from '@chorus/protocol';
import {
  GEMINI_LIVE_URL,
  type GeminiServerMessage,
  geminiDurationMs,
  parseGeminiServerMessage,
} from '@chorus/protocol/gemini';
import { type Observable, Subject } from 'rxjs';
import { AudioBridge, GEMINI_INPUT_FORMAT, GEMINI_OUTPUT_FORMAT } from './audio-bridge.js';
import { type CloseVerdict, classifyClose, classifyHttpRefusal } from './close-verdict.js';
import { GeminiEventMapper } from './event-mapper.js';
import { DEFAULTS, type GeminiRealtimeModelOptions } from './gemini-options.js';
import { turnsFromHistory } from './history-replay.js';
import { InputBuffer, type OutboundMessage } from './input-buffer.js';
import { InputEncoder, MAX_HELD_TEXTS } from './input-encoder.js';
import { Keepalive } from './keepalive.js';
import { type GeminiModelDialect, geminiModelDialect } from './model-dialect.js';
import { buildSetup } from './setup-message.js';
import { type GeminiTransport, wsTransport } from './transport.js';

/** One socket and what is known about it. */
interface Connection {
  readonly transport: GeminiTransport;
  readonly closed: Promise<void>;
  /** `setupComplete` arrived. */
  ready: boolean;
  /** Closed on purpose (renewal, close, reconnect): its close is not a drop. */
  retired: boolean;
  httpRefusal?: CloseVerdict;
  deadReason?: CloseVerdict;
  keepalive?: Keepalive;
  capTimer?: unknown;
}

interface OpenPlan {
  readonly handle?: string;
  readonly replay?: readonly ConversationItem[];
  readonly signal?: AbortSignal;
}

/**
 * Gemini Live (`BidiGenerateContent`) as a Chorus {@link RealtimeModel}.
 *
 * - `connect` is one attempt: it sends `setup` and resolves on `setupComplete`, or rejects with a
 *   `ModelConnectError` (`fatal` for a bad key, quota/billing, or a setup Gemini refuses).
 * - Resumption: the latest resumable `sessionResumptionUpdate` handle is kept; `connect` with
 *   `resume` uses it while younger than 2 h, and otherwise replays the history as `clientContent`.
 * - Renewal without a visible gap: on `goAway`, and before the ~10 min connection cap, the adapter
 *   waits for a quiet moment (bounded), closes the old socket first (Gemini refuses a resume while it
 *   is open), and resumes on a new one. Input sent meanwhile is buffered and delivered in order, and
 *   input sent after the handle's snapshot is sent again, since the resumed session does not have it.
 * - The buffer is bounded by audio bytes (`maxBufferedAudioBytes`, default 60 s); past it the oldest
 *   audio is dropped and a non-fatal `model_error` (`input_buffer_overflow`) says how much.
 *   Text, tool results and turn marks are never dropped.
 * - Dead sockets: ping/pong with a generous timeout (any frame also counts as alive).
 * - Drops emit `model_session_ended{retryable: true}`; the connection actor calls `connect` again.
 */
export class GeminiRealtimeModel implements RealtimeModel {
  readonly provider = 'gemini';
  readonly capabilities: ModelCapabilities = {
    tools: true,
    truncation: false,
    imageInput: true,
    textInput: true,
    serverVad: true,
    inputFormats: [GEMINI_INPUT_FORMAT],
    outputFormat: GEMINI_OUTPUT_FORMAT,
  };
  readonly events$: Observable<ModelEvent>;

  private readonly subject = new Subject<ModelEvent>();
  /** Every timer and timestamp: the owner's clock from `connect`, else `options.clock`. */
  private readonly clock: ConnectionClock;
  private readonly settings: Required<Omit<GeminiRealtimeModelOptions, 'clock' | 'transport'>>;
  private readonly openTransport;
  private readonly sessionId = `gemini-${randomUUID()}`;
  private readonly audio = new AudioBridge();
  private readonly encoder: InputEncoder;
  private readonly mapper: GeminiEventMapper;
  /** Input waiting for a connection (while connecting, renewing or disconnected). */
  private readonly outbox: InputBuffer;
  /** Input sent since the latest handle: the resumed session lacks it, so it is sent again. */
  private readonly sinceHandle: InputBuffer;
  /** Input waiting for an audio converter to load, in order. */
  private readonly encodeQueue: ModelInput[] = [];
  private encoding = false;

  /**
   * Every lifecycle decision (connect allowed, input usable, renewal due or running, closed) is a
   * transition of this machine; the connection below is the resource its states own.
   */
  private readonly lifecycle = new ProviderSession();
  /** How the model of the current connection behaves on the wire. */
  private dialect: GeminiModelDialect;
  /** The session id the service reported in `setupComplete`, once it did. */
  private providerSessionId: string | undefined;
  private session: SessionConfig | undefined;
  private connection: Connection | undefined;
  private handle: { value: string; receivedAt: number } | undefined;
  /** The latest handle is newer than the latest model output: resuming from it loses nothing said. */
  private handleFresh = false;
  /** A tool result went out and the model will go on by itself: `createResponse` must not ask again. */
  private continuesAfterTools = false;
  /** The pending renewal's reason and its longest wait (while the machine is in `open.renewalDue`). */
  private renewal: { reason: string; timer: unknown } | undefined;

  constructor(options: GeminiRealtimeModelOptions) {
    if (!options.apiKey) throw new Error('GeminiRealtimeModel: apiKey is required (set GEMINI_API_KEY)');
    this.clock = new ConnectionClock(options.clock);
    this.openTransport = options.transport ?? wsTransport;
    this.settings = {
      apiKey: options.apiKey,
      model: options.model ?? DEFAULTS.model,
      url: options.url ?? GEMINI_LIVE_URL,
      setupTimeoutMs: options.setupTimeoutMs ?? DEFAULTS.setupTimeoutMs,
      pingIntervalMs: options.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
      pongTimeoutMs: options.pongTimeoutMs ?? DEFAULTS.pongTimeoutMs,
      connectionRenewAfterMs: options.connectionRenewAfterMs ?? DEFAULTS.connectionRenewAfterMs,
      renewalMaxWaitMs: options.renewalMaxWaitMs ?? DEFAULTS.renewalMaxWaitMs,
      goAwayMarginMs: options.goAwayMarginMs ?? DEFAULTS.goAwayMarginMs,
      resumptionHandleTtlMs: options.resumptionHandleTtlMs ?? DEFAULTS.resumptionHandleTtlMs,
      sessionResumption: options.sessionResumption ?? true,
      contextWindowCompression: options.contextWindowCompression ?? true,
      maxBufferedAudioBytes: options.maxBufferedAudioBytes ?? DEFAULTS.maxBufferedAudioBytes,
      toolSchemaField: options.toolSchemaField ?? 'parameters',
    };
    this.events$ = this.subject.asObservable();
    this.outbox = new InputBuffer(this.settings.maxBufferedAudioBytes);
    this.sinceHandle = new InputBuffer(this.settings.maxBufferedAudioBytes);
    this.dialect = geminiModelDialect(this.settings.model);
    this.encoder = new InputEncoder(
      this.audio,
      () => this.session?.turnDetection.type === 'none',
      () => this.dialect,
    );
    this.mapper = new GeminiEventMapper(
      this.sessionId,
      { format: GEMINI_OUTPUT_FORMAT, convert: (data) => this.audio.fromGemini(data) },
      () => this.encoder.inputMs,
    );
  }

  /** The resumption handle in use, if any (for diagnostics). */
  get resumptionHandle(): string | undefined {
    return this.handle?.value;
  }

  async connect(session: SessionConfig, options: ConnectOptions = {}): Promise<void> {
    if (this.lifecycle.closed)
      throw new ModelConnectError('closed', 'this Gemini model was closed', { fatal: true });
    if (this.connection) await this.retire(this.connection, 'reconnecting');
    this.cancelRenewal();
    this.clock.use(options);
    this.session = session;
    try {
      await this.audio.prepareInput(session.inputAudioFormat);
      await this.audio.prepareOutput(session.outputAudioFormat);
    } catch (cause) {
      throw new ModelConnectError(
        'unsupported_audio_format',
        `cannot convert audio for Gemini: ${describe(cause)}`,
        {
          fatal: true,
          cause,
        },
      );
    }
    this.mapper.setOutput({
      format: this.audio.outputFormat,
      convert: (data) => this.audio.fromGemini(data),
    });
    const handle = options.resume ? this.validHandle() : undefined;
    const plan: OpenPlan = {
      ...(handle ? { handle } : {}),
      ...(options.resume && !handle ? { replay: options.resume.history } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    await this.open(plan);
  }

  send(input: ModelInput): void {
    if (this.lifecycle.closed) return;
    if (input.type === 'tool_result') {
      this.mapper.toolResultSent(input.callId);
      this.continuesAfterTools = !this.mapper.awaitingToolResults;
    }
    if (this.encodeQueue.length > 0 || !this.encoder.ready(input)) {
      this.encodeQueue.push(input);
      void this.drainEncodeQueue();
      return;
    }
    this.encodeAndTransmit(input);
  }

  createResponse(options: ResponseOptions = {}): void {
    if (this.lifecycle.closed) return;
    // After tool results Gemini continues the turn by itself; asking again would start a second answer.
    if (this.continuesAfterTools && !options.instructions) return;
    for (const message of this.encoder.respond(options.instructions)) this.transmit(message);
  }

  cancelResponse(): void {
    this.emitAll(this.mapper.cancel());
  }

  truncate(_itemId: string, _audioEndMs: number): void {
    // Gemini keeps no per-item audio the client could cut (capabilities.truncation is false).
  }

  updateSession(patch: Partial<SessionConfig>): void {
    if (!this.session || this.lifecycle.closed) return;
    const session = { ...this.session, ...patch };
    this.session = session;
    // Gemini's setup is fixed per connection; a renewal resumes the conversation with the new setup.
    void Promise.all([
      this.audio.prepareInput(session.inputAudioFormat),
      this.audio.prepareOutput(session.outputAudioFormat),
    ])
      .then(() => {
        this.mapper.setOutput({
          format: this.audio.outputFormat,
          convert: (data) => this.audio.fromGemini(data),
        });
        this.requestRenewal('session_update', this.settings.renewalMaxWaitMs);
      })
      .catch((cause: unknown) =>
        this.emitError('unsupported_audio_format', `cannot convert audio: ${describe(cause)}`, false),
      );
  }

  /**
   * An edit of the agent's history. Gemini Live has no item ids and no way to delete or rewrite a
   * turn: appended items at the end go as `clientContent` turns (`turnComplete: false`, so no answer
   * is asked for) on models that take `clientContent` mid-session; anything else is reported as not
   * applied, and reaches the model only when the history is replayed into a fresh session.
   */
  updateHistory(change: HistoryChange): void {
    if (this.lifecycle.closed) return;
    const tail = change.history.slice(change.history.length - change.added.length);
    const appendsOnly =
      change.removed.length === 0 && change.added.every(({ item }, i) => tail[i]?.id === item.id);
    if (!appendsOnly || !this.dialect.clientContentMidSession) {
      this.emitError(
        'history_edit_unsupported',
        appendsOnly
          ? 'this Gemini Live model takes no clientContent after setup; the added items reach it when the history is next replayed'
          : 'Gemini Live cannot delete or rewrite turns; the edit reaches the model when the history is next replayed',
        false,
      );
      return;
    }
    const turns = turnsFromHistory(change.added.map(({ item }) => item));
    this.transmit({ text: JSON.stringify({ clientContent: { turns, turnComplete: false } }), audioBytes: 0 });
  }

  async close(): Promise<void> {
    if (!this.lifecycle.send({ type: 'close' })) return;
    this.cancelRenewal();
    if (this.connection) await this.retire(this.connection, 'client closed');
    this.audio.dispose();
    this.outbox.clear();
    this.sinceHandle.clear();
    this.subject.complete();
    this.lifecycle.send({ type: 'closed' });
  }

  // ---- connection ----

  private validHandle(): string | undefined {
    if (!this.handle) return undefined;
    return this.clock.now() - this.handle.receivedAt < this.settings.resumptionHandleTtlMs
      ? this.handle.value
      : undefined;
  }

  private open(plan: OpenPlan): Promise<void> {
    const session = this.session;
    if (!session)
      return Promise.reject(new ModelConnectError('no_session', 'connect needs a session', { fatal: true }));
    this.lifecycle.send({ type: 'open' });
    this.encoder.reset();
    const model =
      typeof session.providerOptions?.model === 'string'
        ? session.providerOptions.model
        : this.settings.model;
    this.dialect = geminiModelDialect(model);
    this.mapper.setTextOnly(this.dialect.audioOnlyOutput && !session.modalities.includes('audio'));
    const seedHistory =
      !this.dialect.clientContentMidSession && plan.replay !== undefined && plan.replay.length > 0;
    const setup = buildSetup(
      session,
      { ...this.settings, model, audioOnlyOutput: this.dialect.audioOnlyOutput, seedHistory },
      plan.handle,
    );
    const url = `${this.settings.url}?key=${encodeURIComponent(this.settings.apiKey)}`;

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let markClosed: () => void = () => {};
      const closed = new Promise<void>((done) => {
        markClosed = done;
      });
      const fail = (verdict: CloseVerdict, cause?: unknown) => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(setupTimer);
        plan.signal?.removeEventListener('abort', onAbort);
        connection.retired = true;
        connection.transport.terminate();
        if (this.connection === connection) this.connection = undefined;
        this.lifecycle.send({ type: 'open.failed' });
        // A refused handle would be refused again: forget it so the next attempt replays the history.
        if (plan.handle && (verdict.code === 'resume_rejected' || verdict.code === 'invalid_argument'))
          this.handle = undefined;
        reject(new ModelConnectError(verdict.code, verdict.message, { fatal: verdict.fatal, cause }));
      };
      const onAbort = () =>
        fail({ code: 'aborted', fatal: false, message: 'the connection attempt was aborted' });
      const setupTimer = this.clock.setTimeout(
        () =>
          fail({
            code: 'setup_timeout',
            fatal: false,
            message: `no setupComplete within ${this.settings.setupTimeoutMs} ms`,
          }),
        this.settings.setupTimeoutMs,
      );
      const transport = this.openTransport(url, {
        onOpen: () => transport.send(JSON.stringify({ setup })),
        onPong: () => connection.keepalive?.alive(),
        onHttpRefusal: (status) => {
          connection.httpRefusal = classifyHttpRefusal(status);
        },
        onError: () => {
          // A close always follows; the verdict is made there.
        },
        onClose: (code, reason) => {
          markClosed();
          if (connection.retired) return;
          const verdict =
            connection.deadReason ??
            connection.httpRefusal ??
            classifyClose(code, reason, { resuming: plan.handle !== undefined && !connection.ready });
          if (!connection.ready) fail(verdict);
          else this.onDropped(connection, verdict);
        },
        onMessage: (data) => {
          if (connection.retired) return;
          connection.keepalive?.alive();
          const parsed = parseGeminiServerMessage(data);
          if (!parsed.ok) {
            this.emitError(
              'invalid_server_message',
              `Gemini sent a frame that does not parse: ${parsed.error.message}`,
              false,
            );
            return;
          }
          if (!connection.ready && parsed.message.setupComplete) {
            settled = true;
            this.clock.clearTimeout(setupTimer);
            plan.signal?.removeEventListener('abort', onAbort);
            this.onReady(connection, plan, parsed.message.setupComplete.sessionId);
            resolve();
            return;
          }
          this.onServerMessage(parsed.message);
        },
      });
      const connection: Connection = { transport, closed, ready: false, retired: false };
      this.connection = connection;
      if (plan.signal?.aborted) onAbort();
      else plan.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private onReady(connection: Connection, plan: OpenPlan, providerSessionId: string | undefined): void {
    connection.ready = true;
    this.lifecycle.send({ type: 'opened' });
    this.handleFresh = plan.handle !== undefined;
    if (providerSessionId) this.providerSessionId = providerSessionId;
    if (plan.replay && plan.replay.length > 0) {
      // Models that take clientContent mid-session get the history as context; the others were
      // told in the setup (historyConfig) and take it now, ended by turnComplete, which seeds the
      // history without asking for an answer.
      const seeded = !this.dialect.clientContentMidSession;
      connection.transport.send(
        JSON.stringify({ clientContent: { turns: turnsFromHistory(plan.replay), turnComplete: seeded } }),
      );
    }
    this.emit({ type: 'model_session_created', session_id: this.currentSessionId() });
    // What the resumed session lacks (sent after its handle), then what waited for this connection.
    if (!plan.handle) this.sinceHandle.clear();
    const unacknowledged = plan.handle ? this.sinceHandle.take() : undefined;
    const waiting = this.outbox.take();
    for (const message of [...(unacknowledged?.messages ?? []), ...waiting.messages]) this.transmit(message);
    const lostBytes = (unacknowledged?.droppedAudioBytes ?? 0) + waiting.droppedAudioBytes;
    if (lostBytes > 0) {
      this.emitError(
        'input_buffer_overflow',
        `dropped the oldest ${Math.round(AudioBridge.inputMs(lostBytes))} ms of input audio while disconnected (buffer bound ${this.settings.maxBufferedAudioBytes} bytes)`,
        false,
      );
    }
    connection.keepalive = new Keepalive(
      this.clock,
      this.settings.pingIntervalMs,
      this.settings.pongTimeoutMs,
      () => connection.transport.ping(),
      () => {
        connection.deadReason = {
          code: 'pong_timeout',
          fatal: false,
          message: `no pong or frame from Gemini within ${this.settings.pongTimeoutMs} ms of a ping`,
        };
        connection.transport.terminate();
      },
    );
    connection.capTimer = this.clock.setTimeout(
      () => this.requestRenewal('connection_cap', this.settings.renewalMaxWaitMs),
      this.settings.connectionRenewAfterMs,
    );
  }

  private onServerMessage(message: GeminiServerMessage): void {
    const update = message.sessionResumptionUpdate;
    if (update?.newHandle && update.resumable !== false) {
      this.handle = { value: update.newHandle, receivedAt: this.clock.now() };
      this.handleFresh = true;
      this.sinceHandle.clear();
    }
    if (message.serverContent || message.toolCall) {
      this.handleFresh = false;
      this.continuesAfterTools = false;
    }
    this.emitAll(this.mapper.map(message));
    if (message.goAway) {
      const timeLeft = geminiDurationMs(message.goAway.timeLeft) ?? 0;
      this.requestRenewal('go_away', Math.max(0, timeLeft - this.settings.goAwayMarginMs));
    }
    if (this.lifecycle.matches({ open: 'renewalDue' })) this.renewIfQuiet();
  }

  private onDropped(connection: Connection, verdict: CloseVerdict): void {
    this.stopTimers(connection);
    if (this.connection === connection) this.connection = undefined;
    this.cancelRenewal();
    this.lifecycle.send({ type: 'dropped' });
    this.emitAll(this.mapper.dropped());
    if (verdict.fatal) this.emitError(verdict.code, verdict.message, true);
    this.emit({
      type: 'model_session_ended',
      session_id: this.currentSessionId(),
      reason: verdict.message,
      retryable: !verdict.fatal,
    });
  }

  // ---- renewal ----

  private requestRenewal(reason: string, maxWaitMs: number): void {
    // Taken while open and not already renewing; a second request only shortens the wait.
    if (!this.lifecycle.send({ type: 'renewal.due' })) return;
    if (this.renewal) {
      this.clock.clearTimeout(this.renewal.timer);
      // Keep the earlier reason; a goAway shortens the wait of a pending cap renewal.
      reason = this.renewal.reason;
    }
    this.renewal = { reason, timer: this.clock.setTimeout(() => void this.renew(), maxWaitMs) };
    this.renewIfQuiet();
  }

  private renewIfQuiet(): void {
    if (this.mapper.idle && this.handleFresh && !this.encoder.inActivity) void this.renew();
  }

  private cancelRenewal(): void {
    if (this.renewal) this.clock.clearTimeout(this.renewal.timer);
    this.renewal = undefined;
  }

  /** Swaps the connection: close the old socket first (a resume is refused while it is open), then resume. */
  private async renew(): Promise<void> {
    const reason = this.renewal?.reason ?? 'renewal';
    this.cancelRenewal();
    const old = this.connection;
    if (!old || !this.lifecycle.send({ type: 'renew' })) return;
    const handle = this.validHandle();
    await this.retire(old, `renewing (${reason})`);
    // A close or a reconnect during the retirement ended this renewal.
    if (!this.lifecycle.matches({ open: 'renewing' })) return;
    this.emitAll(this.mapper.dropped());
    if (!handle) {
      this.lifecycle.send({ type: 'dropped' });
      this.emit({
        type: 'model_session_ended',
        session_id: this.currentSessionId(),
        reason: `${reason}: no valid resumption handle, reconnect with history`,
        retryable: true,
      });
      return;
    }
    this.emit({ type: 'model_raw', provider: 'gemini', event: { renewal: { reason, resumed: true } } });
    try {
      await this.open({ handle });
    } catch (cause) {
      if (this.isClosed()) return;
      const error = cause instanceof ModelConnectError ? cause : undefined;
      if (error?.fatal) this.emitError(error.code, error.message, true);
      this.emit({
        type: 'model_session_ended',
        session_id: this.currentSessionId(),
        reason: `${reason}: resuming failed: ${describe(cause)}`,
        retryable: !error?.fatal,
      });
    }
  }

  /** Closes a socket on purpose and waits (bounded) until it is gone. */
  private async retire(connection: Connection, reason: string): Promise<void> {
    connection.retired = true;
    this.stopTimers(connection);
    if (this.connection === connection) this.connection = undefined;
    connection.transport.close(1000, reason);
    let timer: unknown;
    const timedOut = new Promise<void>((resolve) => {
      timer = this.clock.setTimeout(() => {
        connection.transport.terminate();
        resolve();
      }, DEFAULTS.closeWaitMs);
    });
    await Promise.race([connection.closed, timedOut]);
    if (timer !== undefined) this.clock.clearTimeout(timer);
  }

  private stopTimers(connection: Connection): void {
    connection.keepalive?.stop();
    if (connection.capTimer !== undefined) this.clock.clearTimeout(connection.capTimer);
  }

  // ---- input ----

  private encodeAndTransmit(input: ModelInput): void {
    for (const message of this.encoder.encode(input)) this.transmit(message);
    const dropped = this.encoder.takeDroppedTexts();
    if (dropped > 0)
      this.emitError(
        'input_buffer_overflow',
        `dropped the ${dropped} oldest text input(s) held for the next turn (bound ${MAX_HELD_TEXTS})`,
        false,
      );
    // Text not claimed by a createResponse in the same tick is context: deliver it after this tick.
    if (input.type === 'text') queueMicrotask(() => this.flushContext());
  }

  private flushContext(): void {
    if (this.lifecycle.closed) return;
    for (const message of this.encoder.flushContext()) this.transmit(message);
  }

  /** The service's session id once `setupComplete` named it, else the adapter's own. */
  private currentSessionId(): string {
    return this.providerSessionId ?? this.sessionId;
  }

  /** Loads missing converters, then encodes queued input in its original order. */
  private async drainEncodeQueue(): Promise<void> {
    if (this.encoding) return;
    this.encoding = true;
    try {
      while (this.encodeQueue.length > 0 && !this.lifecycle.closed) {
        const input = this.encodeQueue[0];
        if (!input) break;
        if (input.type === 'audio' && !this.encoder.ready(input)) {
          try {
            await this.audio.prepareInput(input.format);
          } catch (cause) {
            this.encodeQueue.shift();
            this.emitError(
              'unsupported_audio_format',
              `cannot convert input audio for Gemini: ${describe(cause)}`,
              false,
            );
            continue;
          }
        }
        this.encodeQueue.shift();
        this.encodeAndTransmit(input);
      }
    } finally {
      this.encoding = false;
    }
  }

  private transmit(message: OutboundMessage): void {
    const connection = this.connection;
    if (connection?.ready && this.lifecycle.matches('open')) {
      connection.transport.send(message.text);
      if (this.settings.sessionResumption) this.sinceHandle.push(message);
    } else {
      this.outbox.push(message);
    }
  }

  // ---- events ----

  private isClosed(): boolean {
    return this.lifecycle.closed;
  }

  private emit(event: ModelEvent): void {
    if (!this.subject.closed) this.subject.next(event);
  }

  private emitAll(events: readonly ModelEvent[]): void {
    for (const event of events) this.emit(event);
  }

  private emitError(code: ErrorCode, message: string, fatal: boolean): void {
    this.emit({ type: 'model_error', error_type: fatal ? 'fatal' : 'provider', code, message, fatal });
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

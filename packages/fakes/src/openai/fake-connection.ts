import { OPENAI_TRANSCRIPTION_ON_REALTIME } from '@chorus/protocol/openai';
import type { WebSocket } from 'ws';
import type { FakeDialect, FakeErrorSpec, FakeSessionView } from './dialect.js';
import { decodeSamples, EnergyVad } from './energy-vad.js';
import { ScriptedResponse } from './scripted-response.js';
import type {
  FakeFault,
  FakeFrame,
  FakeResponseRequest,
  FakeResponseScript,
  FakeServerOptions,
  Json,
} from './types.js';

// Captured at load so tests that fake the global timers do not freeze the fake provider.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

const MIN_COMMIT_MS = 100;

/** Hooks the server gives each connection. */
export interface ConnectionHost {
  readonly options: FakeServerOptions;
  nextScript(request: FakeResponseRequest): FakeResponseScript;
  record(direction: 'received' | 'sent', frame: FakeFrame): void;
  nextId(prefix: string): string;
}

/** One client connection to a fake provider: its session, conversation, input buffer and responses. */
export class FakeConnection {
  session: Json;
  /** The conversation, GA item shapes, in order. */
  readonly conversation: Json[] = [];
  /** Audio ms sent per assistant item (what truncation is checked against). */
  readonly audioMsByItem = new Map<string, number>();
  /** `conversation.item.truncate` calls the fake accepted. */
  readonly truncations: Array<{ itemId: string; audioEndMs: number }> = [];
  /** Images received via `input_image_buffer.append` (base64). */
  readonly images: string[] = [];
  closed = false;
  private view: FakeSessionView;
  private vad: EnergyVad;
  private bufferMs = 0;
  private audioSeen = false;
  private speechItemId: string | undefined;
  private active: ScriptedResponse | undefined;
  private lastUserText: string | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private capTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    private readonly dialect: FakeDialect,
    private readonly host: ConnectionHost,
    readonly beta: boolean,
    readonly model: string,
  ) {
    this.session = dialect.defaultSession(model, host.nextId('sess'));
    this.view = dialect.view(this.session);
    this.vad = this.makeVad();
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', () => this.onClosed());
    this.armIdleTimer();
    if (host.options.sessionCapMs !== undefined) {
      this.capTimer = realSetTimeout(() => this.expire(), host.options.sessionCapMs);
    }
    this.sendGA({ type: 'session.created', session: dialect.wireSession(this.session, beta) });
  }

  /** Lets a response paused by `pauseAfterChunks` go on. */
  release(): void {
    this.active?.release();
  }

  /** Whether a response is being generated. */
  get responding(): boolean {
    return this.active !== undefined;
  }

  inject(fault: FakeFault): void {
    if (this.closed) return;
    const e = this.dialect.errors;
    switch (fault.type) {
      case 'drop':
        this.closed = true;
        this.ws.terminate();
        return;
      case 'close':
        this.closed = true;
        this.ws.close(fault.code, fault.reason ?? '');
        return;
      case 'malformed':
        this.sendRaw('{"type":"response.output_audio.delta","delta":');
        return;
      case 'frame':
        this.sendRaw(JSON.stringify({ event_id: this.host.nextId('event'), ...fault.frame }));
        return;
      case 'rate_limit':
        this.sendError(e.rateLimit);
        return;
      case 'auth':
        this.sendError(e.auth);
        this.closed = true;
        this.ws.close(e.auth.closeCode, e.auth.closeReason);
        return;
      case 'quota':
        this.sendError(e.quota);
        this.closed = true;
        this.ws.close(e.quota.closeCode, e.quota.closeReason);
        return;
      case 'idle_close':
        this.closed = true;
        this.ws.close(e.idleClose.code, e.idleClose.reason);
        return;
    }
  }

  private expire(): void {
    if (this.closed) return;
    const cap = this.dialect.errors.sessionCap;
    if (cap.error) this.sendError(cap.error);
    this.closed = true;
    this.ws.close(cap.code, cap.reason);
  }

  private armIdleTimer(): void {
    const idle = this.host.options.idleTimeoutMs;
    if (idle === undefined) return;
    if (this.idleTimer) realClearTimeout(this.idleTimer);
    this.idleTimer = realSetTimeout(() => this.inject({ type: 'idle_close' }), idle);
  }

  private onClosed(): void {
    this.closed = true;
    if (this.idleTimer) realClearTimeout(this.idleTimer);
    if (this.capTimer) realClearTimeout(this.capTimer);
    this.active?.cancel('connection_closed');
  }

  private makeVad(): EnergyVad {
    const td = this.view.turnDetection;
    return new EnergyVad(
      {
        energyThreshold: this.host.options.vadEnergyThreshold ?? 0.02,
        prefixPaddingMs: td?.prefixPaddingMs ?? 300,
        silenceDurationMs: td?.silenceDurationMs ?? 500,
      },
      this.view.inputRate,
    );
  }

  // ---- wire ----

  private sendRaw(raw: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    let event: Json | undefined;
    try {
      event = JSON.parse(raw) as Json;
    } catch {
      event = undefined;
    }
    this.host.record('sent', { connectionId: this.id, raw, event });
    this.ws.send(raw);
  }

  /** Sends a GA-named event, renamed for the dialect, with a fresh `event_id`. */
  private sendGA(event: { type: string } & Json): void {
    const wire = this.dialect.toWire({ ...event, event_id: this.host.nextId('event') }, this.beta);
    this.sendRaw(JSON.stringify(wire));
  }

  private sendError(spec: FakeErrorSpec, clientEventId?: unknown): void {
    this.sendGA({
      type: 'error',
      error: {
        type: spec.type,
        code: spec.code,
        message: spec.message,
        param: spec.param ?? null,
        event_id: typeof clientEventId === 'string' ? clientEventId : null,
      },
    });
  }

  private invalid(message: string, param: string | null, code: string, eventId?: unknown): void {
    this.sendError({ type: 'invalid_request_error', code, message, param }, eventId);
  }

  private onFrame(data: unknown, isBinary: boolean): void {
    const raw = isBinary
      ? Buffer.isBuffer(data)
        ? data.toString('utf8')
        : ''
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data as Buffer[]).toString('utf8')
          : Buffer.from(data as ArrayBuffer).toString('utf8');
    let json: Json | undefined;
    try {
      json = JSON.parse(raw) as Json;
    } catch {
      json = undefined;
    }
    this.host.record('received', { connectionId: this.id, raw, event: json });
    this.armIdleTimer();
    if (this.closed) return;
    const parsed = this.dialect.parseClient(raw);
    if (!parsed.ok) {
      this.invalid(
        parsed.message,
        parsed.param ?? null,
        json ? 'invalid_value' : 'invalid_json',
        json?.event_id,
      );
      return;
    }
    const io = {
      reply: (event: { type: string } & Json) =>
        this.sendRaw(JSON.stringify({ event_id: this.host.nextId('event'), ...event })),
      refuse: (message: string, param: string | null, code: string) =>
        this.invalid(message, param, code, json?.event_id),
    };
    if (this.dialect.intercept?.(parsed.event, io)) return;
    if (parsed.unknown) {
      this.invalid(
        `Invalid value: '${parsed.event.type}'. Unsupported client event type.`,
        'type',
        'invalid_event',
        json?.event_id,
      );
      return;
    }
    this.handle(parsed.event);
  }

  private handle(event: { type: string } & Json): void {
    switch (event.type) {
      case 'session.update':
        this.updateSession(event);
        return;
      case 'input_audio_buffer.append':
        this.append(event.audio as string);
        return;
      case 'input_audio_buffer.commit':
        if (this.bufferMs < MIN_COMMIT_MS) {
          this.invalid(
            `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${this.bufferMs.toFixed(2)}ms of audio.`,
            null,
            'input_audio_buffer_commit_empty',
            event.event_id,
          );
          return;
        }
        this.commit(this.host.nextId('item'));
        return;
      case 'input_audio_buffer.clear':
        this.bufferMs = 0;
        this.speechItemId = undefined;
        this.vad = this.makeVad();
        this.sendGA({ type: 'input_audio_buffer.cleared' });
        return;
      case 'output_audio_buffer.clear':
        this.sendGA({ type: 'output_audio_buffer.cleared', response_id: this.active?.id ?? '' });
        return;
      case 'input_image_buffer.append':
        if (!this.audioSeen) {
          this.invalid(
            'Audio must be appended before the first image.',
            'image',
            'invalid_value',
            event.event_id,
          );
          return;
        }
        this.images.push(event.image as string);
        return;
      case 'conversation.item.create':
        this.createItem(event);
        return;
      case 'conversation.item.retrieve': {
        const item = this.findItem(event.item_id as string);
        if (!item) {
          this.missingItem(event);
          return;
        }
        this.sendGA({ type: 'conversation.item.retrieved', item });
        return;
      }
      case 'conversation.item.delete': {
        const index = this.conversation.findIndex((i) => i.id === event.item_id);
        if (index < 0) {
          this.missingItem(event);
          return;
        }
        this.conversation.splice(index, 1);
        this.sendGA({ type: 'conversation.item.deleted', item_id: event.item_id });
        return;
      }
      case 'conversation.item.truncate':
        this.truncate(event);
        return;
      case 'response.create':
        if (this.active) {
          this.invalid(
            `Conversation already has an active response in progress: ${this.active.id}. Wait until the response is finished before creating a new one.`,
            null,
            'conversation_already_has_active_response',
            event.event_id,
          );
          return;
        }
        this.respond(event.response as Json | undefined);
        return;
      case 'response.cancel':
        if (!this.active || (event.response_id !== undefined && event.response_id !== this.active.id)) {
          this.invalid(
            'Cancellation failed: no active response found',
            null,
            'response_cancel_not_active',
            event.event_id,
          );
          return;
        }
        this.cancel('client_cancelled');
        return;
    }
  }

  private missingItem(event: Json): void {
    this.invalid(
      `Item with item_id not found: ${String(event.item_id)}`,
      'item_id',
      'item_not_found',
      event.event_id,
    );
  }

  private findItem(id: string): Json | undefined {
    return this.conversation.find((item) => item.id === id);
  }

  private updateSession(event: Json): void {
    if (this.dialect.provider === 'openai' && (event.session as Json | undefined)?.type === 'transcription') {
      // The service's answer on a realtime connection; the session goes on.
      const { type, code, message, param } = OPENAI_TRANSCRIPTION_ON_REALTIME;
      this.sendError({ type, code, message, param }, event.event_id);
      return;
    }
    const merged = this.dialect.mergeSession(this.session, event.session as Json);
    if ('error' in merged) {
      this.sendError(merged.error, event.event_id);
      return;
    }
    this.session = merged.session;
    const before = this.view;
    this.view = this.dialect.view(this.session);
    if (before.inputRate !== this.view.inputRate || before.turnDetection !== this.view.turnDetection) {
      this.vad = this.makeVad();
    }
    this.sendGA({ type: 'session.updated', session: this.dialect.wireSession(this.session, this.beta) });
  }

  // ---- input audio and VAD ----

  private append(b64: string): void {
    const bytes = Buffer.from(b64, 'base64');
    const samples = decodeSamples(
      new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      this.view.inputEncoding,
    );
    this.audioSeen = true;
    this.bufferMs += (samples.length * 1000) / this.view.inputRate;
    const td = this.view.turnDetection;
    if (!td) return;
    for (const transition of this.vad.push(samples)) {
      if (transition.kind === 'speech_started') {
        this.speechItemId = this.host.nextId('item');
        this.sendGA({
          type: 'input_audio_buffer.speech_started',
          audio_start_ms: transition.audioStartMs,
          item_id: this.speechItemId,
        });
        if (this.active && td.interruptResponse) this.cancel('turn_detected');
      } else {
        const itemId = this.speechItemId ?? this.host.nextId('item');
        this.speechItemId = undefined;
        this.sendGA({
          type: 'input_audio_buffer.speech_stopped',
          audio_end_ms: transition.audioEndMs,
          item_id: itemId,
        });
        this.commit(itemId);
        if (td.createResponse && !this.active) this.respond(undefined);
      }
    }
  }

  private addItem(item: Json, previousItemId: string | null | undefined): void {
    let index = this.conversation.length;
    if (previousItemId === null || previousItemId === 'root') index = 0;
    else if (previousItemId !== undefined)
      index = this.conversation.findIndex((i) => i.id === previousItemId) + 1;
    this.conversation.splice(index, 0, item);
    const previous = index > 0 ? (this.conversation[index - 1]?.id ?? null) : null;
    if (this.beta) {
      this.sendGA({ type: 'conversation.item.created', previous_item_id: previous, item });
    } else {
      this.sendGA({ type: 'conversation.item.added', previous_item_id: previous, item });
      if (item.status !== 'in_progress')
        this.sendGA({ type: 'conversation.item.done', previous_item_id: previous, item });
    }
  }

  private commit(itemId: string): void {
    const audioMs = this.bufferMs;
    const previous = this.conversation.at(-1)?.id ?? null;
    this.bufferMs = 0;
    this.sendGA({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: itemId });
    const item: Json = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      // A string, even before the transcription: the SDK types refuse null, @openai/agents-realtime needs the key.
      content: [{ type: 'input_audio', transcript: '' }],
    };
    this.addItem(item, undefined);
    if (this.view.transcription) {
      const transcript = this.host.options.transcriber?.(audioMs, this.id) ?? 'hello';
      item.content = [{ type: 'input_audio', transcript }];
      this.lastUserText = transcript;
      this.sendGA({
        type: 'conversation.item.input_audio_transcription.delta',
        item_id: itemId,
        content_index: 0,
        delta: transcript,
      });
      this.sendGA({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: itemId,
        content_index: 0,
        transcript,
        usage: { type: 'duration', seconds: Math.round(audioMs) / 1000 },
      });
    }
  }

  private createItem(event: Json): void {
    const previous = event.previous_item_id as string | null | undefined;
    if (typeof previous === 'string' && previous !== 'root' && !this.findItem(previous)) {
      this.invalid(
        `Item with previous_item_id not found: ${previous}`,
        'previous_item_id',
        'item_not_found',
        event.event_id,
      );
      return;
    }
    const item: Json = { ...(event.item as Json), object: 'realtime.item' };
    if (item.id === undefined) item.id = this.host.nextId('item');
    if (this.findItem(item.id as string)) {
      this.invalid(
        `Item with id ${String(item.id)} already exists`,
        'item.id',
        'duplicate_item_id',
        event.event_id,
      );
      return;
    }
    item.status ??= 'completed';
    this.addItem(item, previous);
    if (item.type === 'message' && item.role === 'user' && Array.isArray(item.content)) {
      const text = (item.content as Json[]).find((p) => p.type === 'input_text')?.text;
      if (typeof text === 'string') this.lastUserText = text;
    }
  }

  private truncate(event: Json): void {
    const item = this.findItem(event.item_id as string);
    if (!item) {
      this.missingItem(event);
      return;
    }
    if (item.type !== 'message' || item.role !== 'assistant') {
      this.invalid('Only assistant messages can be truncated.', 'item_id', 'invalid_value', event.event_id);
      return;
    }
    const audioMs = this.audioMsByItem.get(item.id as string) ?? 0;
    const end = event.audio_end_ms as number;
    if (end > audioMs) {
      this.invalid(
        `Audio content of ${Math.round(audioMs)}ms is already shorter than ${end}ms`,
        'audio_end_ms',
        'invalid_value',
        event.event_id,
      );
      return;
    }
    this.audioMsByItem.set(item.id as string, end);
    // The service drops the transcript of a truncated item so no unheard text stays in context.
    item.content = (item.content as Json[]).map((part) =>
      part.type === 'output_audio' ? { ...part, transcript: '' } : part,
    );
    this.truncations.push({ itemId: item.id as string, audioEndMs: end });
    this.sendGA({
      type: 'conversation.item.truncated',
      item_id: item.id,
      content_index: event.content_index,
      audio_end_ms: end,
    });
  }

  // ---- responses ----

  private cancel(reason: string): void {
    this.active?.cancel(reason);
  }

  private respond(options: Json | undefined): void {
    // `input` is the response's own context instead of the conversation; references name its items.
    const input = Array.isArray(options?.input) ? (options.input as Json[]) : undefined;
    const context = input
      ? input.map((item) => (item.type === 'item_reference' ? this.findItem(String(item.id)) : item))
      : this.conversation;
    const script = this.host.nextScript({
      connectionId: this.id,
      conversation: context
        .filter((item): item is Json => item !== undefined)
        .map((item) => structuredClone(item)),
      lastUserText: this.lastUserText,
      options,
    });
    // An out-of-band response adds nothing to the conversation (no `conversation.item.*` either).
    const outOfBand = options?.conversation === 'none';
    const response = new ScriptedResponse(
      {
        beta: this.beta,
        omitDoneAfterCancel: this.dialect.omitResponseDoneAfterCancel,
        reportsRateLimits: this.dialect.provider === 'openai',
        view: this.view,
        isClosed: () => this.closed,
        sendGA: (event) => this.sendGA(event),
        addItem: (item) => {
          if (!outOfBand) this.addItem(item, undefined);
        },
        outOfBand,
        nextId: (prefix) => this.host.nextId(prefix),
        inject: (fault) => this.inject(fault),
        addAudioMs: (itemId, ms) =>
          this.audioMsByItem.set(itemId, (this.audioMsByItem.get(itemId) ?? 0) + ms),
      },
      script,
      options,
    );
    this.active = response;
    void response.run().finally(() => {
      if (this.active === response) this.active = undefined;
    });
  }
}

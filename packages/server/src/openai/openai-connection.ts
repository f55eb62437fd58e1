import { AudioConverter, base64FromBytes, bytesFromBase64 } from '@chorus/audio';
import {
  type AudioFormat,
  audioDeltaBytes,
  type ClientEvent,
  type ClientEventInput,
  checkJsonShape,
  type ErrorCode,
  type ErrorType,
  parseClientEvent,
  type ServerEvent,
} from '@chorus/protocol';
import {
  OPENAI_TRANSCRIPTION_ON_REALTIME,
  type OpenAIClientEvent,
  type OpenAIResponseParams,
  type OpenAIServerEvent,
  type OpenAISession,
  type OpenAITranscriptionSession,
  openaiVoiceName,
  parseOpenAIClientEvent,
  serverEventToBeta,
} from '@chorus/protocol/openai';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { CloseCode } from '../close-codes.js';
import type { GuardedSocket } from '../guarded-socket.js';
import type { GatewayMetrics } from '../metrics.js';
import type { RoomLease } from '../room-host.js';
import type { RoomUser } from '../servable.js';
import { TokenBucket } from '../token-bucket.js';
import { boundConverters, refuseItem, refuseSessionUpdate } from './client-bounds.js';
import { ConversationStore } from './conversation-store.js';
import { itemToChorus } from './openai-input.js';
import { type OpenAIOut, OpenAISessionMapper } from './openai-session.js';
import {
  defaultOpenAISession,
  inputFormatOf,
  mergeOpenAISession,
  outputFormatOf,
} from './openai-session-config.js';
import { responseRequestOf } from './response-params.js';

export interface OpenAIConnectionContext {
  readonly connectionId: string;
  readonly user: RoomUser;
  readonly model: string;
  /** The client asked for the beta dialect (`OpenAI-Beta: realtime=v1`). */
  readonly beta: boolean;
  readonly clock: Clock;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** How long a `response.create` may wait for the agent before it is answered with an error. */
  readonly responseStartTimeoutMs?: number;
  /** How long after `response.cancel` the agent may take to end the response before the gateway ends it. */
  readonly cancelGraceMs?: number;
  /** Input audio bounds: how much faster than real time, with what burst (see `Limits`). */
  readonly audio?: { readonly realtimeFactor: number; readonly burstMs: number };
}

const MAX_QUEUED_AGENT_EVENTS = 1024;
/** Bytes of frames kept while the room starts (besides the count of 256). */
const MAX_EARLY_BYTES = 4 * 1024 * 1024;
/** Tool calls awaiting the client's output whose names are kept (the oldest are forgotten past this). */
const MAX_OPEN_TOOL_CALLS = 256;
/** The shortest audio a commit accepts (the service refuses less than 100 ms). */
const MIN_COMMIT_MS = 100;

/**
 * One client on `/v1/realtime` speaking OpenAI Realtime GA (or beta) to a Chorus agent or room. Client
 * events are mapped onto the agent; the agent's events are mapped back by {@link OpenAISessionMapper};
 * every server event gets an `event_id`.
 */
export class OpenAIConnection {
  #session: OpenAISession;
  #clientTools = new Set<string>();
  readonly #store = new ConversationStore();
  readonly #mapper: OpenAISessionMapper;
  readonly #callNames = new Map<string, string>();
  readonly #pendingCreates: { eventId: string | undefined; timer: unknown }[] = [];
  #cancelTimer: unknown;
  #lease: RoomLease | undefined;
  /** Agent settings from a `session.update` that arrived before the agent was running. */
  #pendingSettings: AgentSettings | undefined;
  readonly #early: Uint8Array[] = [];
  #earlyBytes = 0;
  /** The client event being handed to the agent; an error the agent reports meanwhile is about it. */
  #causing: { eventId: string | null; refused: boolean } | undefined;
  #seq = 0;
  #beta: boolean;
  #ended = false;
  readonly #converters = new Map<string, AudioConverter>();
  #queue: ServerEvent[] | undefined;
  #userItemSeq = 0;
  /** Bytes appended to the input buffer since it was last committed or cleared. */
  #bufferedBytes = 0;
  /**
   * Items the client committed by hand whose audio the agent has not reported on yet: the agent's
   * own item id for that audio is aliased to the one `input_audio_buffer.committed` announced.
   */
  readonly #committedByHand: string[] = [];
  readonly #itemAliases = new Map<string, string>();
  /** Input audio allowance in milliseconds of audio (bounded by duration, not by frame count). */
  readonly #audioBudget: TokenBucket;
  #audioRefusedAt = Number.NEGATIVE_INFINITY;
  /** Milliseconds of input audio appended so far (what `timeout_triggered` counts in). */
  #audioMs = 0;
  #idleTurn: { timer: unknown; fromMs: number } | undefined;

  constructor(
    private readonly socket: GuardedSocket,
    private readonly ctx: OpenAIConnectionContext,
  ) {
    this.#beta = ctx.beta;
    const audio = ctx.audio ?? { realtimeFactor: 4, burstMs: 30_000 };
    this.#audioBudget = new TokenBucket(audio.burstMs, audio.realtimeFactor * 1000, ctx.clock);
    this.#session = defaultOpenAISession(ctx.model);
    this.#mapper = new OpenAISessionMapper(
      this.#store,
      (name) => this.#clientTools.has(name),
      () => ({ outputModalities: this.#session.output_modalities ?? ['audio'], conversation: 'auto' }),
      () => this.#session.audio?.input?.turn_detection !== null,
    );
    this.#emit({ type: 'session.created', session: this.#session });
  }

  /** The room is running: replay what arrived while it started. */
  attach(lease: RoomLease): void {
    this.#lease = lease;
    if (this.#pendingSettings) this.#applySettings(lease, this.#pendingSettings);
    this.#pendingSettings = undefined;
    this.#earlyBytes = 0;
    for (const frame of this.#early.splice(0)) this.onFrame(frame, false);
  }

  onFrame(data: Uint8Array, _isBinary: boolean): void {
    this.ctx.metrics.perRoute.openai.eventsIn.inc();
    const parsed = parseOpenAIClientEvent(data);
    if (!parsed.ok) {
      const first = parsed.error.issues[0];
      this.#error(
        'invalid_request_error',
        'invalid_event',
        parsed.error.message,
        first?.path ?? null,
        eventIdOf(data),
      );
      return;
    }
    if (parsed.unknown) {
      this.#error(
        'invalid_request_error',
        'unknown_event_type',
        `unknown client event type "${String(parsed.event.type).slice(0, 64)}"`,
        'type',
        typeof parsed.event.event_id === 'string' ? parsed.event.event_id : null,
      );
      return;
    }
    if (parsed.dialect === 'beta') this.#beta = true;
    const event = parsed.event;
    if (event.type === 'session.update') {
      this.#sessionUpdate(event.session, event.event_id ?? null);
      return;
    }
    if (!this.#lease) {
      if (this.#early.length >= 256 || this.#earlyBytes + data.byteLength > MAX_EARLY_BYTES) {
        this.#error(
          'invalid_request_error',
          'not_ready',
          'the session is still starting',
          null,
          event.event_id ?? null,
        );
        return;
      }
      this.#early.push(data);
      this.#earlyBytes += data.byteLength;
      return;
    }
    this.#handle(event);
  }

  /** One event of the agent or room. */
  onAgentEvent(event: ServerEvent): void {
    if (this.#ended) return;
    if (event.type === 'server_room_moved') {
      // The room moved to another gateway process: replies it cut end here, and the client is told why.
      for (const out of this.#mapper.cancelAll()) this.#emit(out);
      const lost = event.lost.map((l) => l.response_id).join(', ');
      this.#error(
        'server_error',
        'room_moved',
        `room "${event.room_id}" moved to another gateway process (${event.reason})${lost ? `; replies cut: ${lost}` : ''}; the conversation goes on`,
        null,
        null,
      );
      return;
    }
    if (event.type === 'agent_error' && event.error_type === 'invalid_request_error' && this.#causing) {
      // Reported while the agent handled this client's event: that event caused it.
      this.#causing.refused = true;
      this.#error(event.error_type, event.code, event.message, null, this.#causing.eventId);
      return;
    }
    if (this.#queue) {
      if (this.#queue.length < MAX_QUEUED_AGENT_EVENTS || event.type !== 'agent_response_audio_delta') {
        this.#queue.push(event);
      } else {
        this.ctx.metrics.droppedFrames.inc({ route: 'openai' });
      }
      return;
    }
    if (event.type === 'agent_response_audio_delta') {
      const target = outputFormatOf(this.#session);
      if (
        !sameFormat(event.format, target) &&
        !this.#converters.has(converterKey(event.agent_id, event.format, target))
      ) {
        this.#queue = [event];
        void this.#createConverter(event.agent_id, event.format, target);
        return;
      }
    }
    this.#mapOut(event);
  }

  /** The room ended: close out running responses, then the socket. */
  roomEnded(reason: string): void {
    if (this.#ended) return;
    for (const out of this.#mapper.cancelAll()) this.#emit(out);
    this.#ended = true;
    this.socket.close(reason === 'shutdown' ? CloseCode.goingAway : CloseCode.sessionEnded, reason);
  }

  /** Socket closed: release everything. */
  async onClosed(): Promise<void> {
    this.#ended = true;
    for (const pending of this.#pendingCreates.splice(0)) this.ctx.clock.clearTimeout(pending.timer);
    this.#disarmIdleTurn();
    if (this.#cancelTimer !== undefined) this.ctx.clock.clearTimeout(this.#cancelTimer);
    for (const converter of this.#converters.values()) converter.dispose();
    this.#converters.clear();
    const lease = this.#lease;
    this.#lease = undefined;
    if (lease) await lease.release();
  }

  /** Drain: end running responses, then close with 1001. */
  shutdown(): void {
    this.roomEnded('shutdown');
  }

  #sessionUpdate(update: OpenAISession | OpenAITranscriptionSession, eventId: string | null): void {
    if (update.type === 'transcription') {
      // A realtime connection stays one, as on OpenAI (transcription sessions are not served here).
      const { type, code, message, param } = OPENAI_TRANSCRIPTION_ON_REALTIME;
      this.#error(type, code, message, param, eventId);
      return;
    }
    const refused = refuseSessionUpdate(update);
    if (refused) {
      this.#error('invalid_request_error', refused.code, refused.message, refused.param, eventId);
      return;
    }
    this.#session = mergeOpenAISession(this.#session, update);
    this.#emit({ type: 'session.updated', session: this.#session });
    const settings = agentSettingsOf(update);
    if (!settings) return;
    if (this.#lease) this.#applySettings(this.#lease, settings);
    else this.#pendingSettings = { ...this.#pendingSettings, ...settings };
  }

  /**
   * Instructions, voice and modalities reach a private session's agent as a Chorus session update.
   * A shared room's agents serve several clients, so there the update stays this client's view.
   */
  #applySettings(lease: RoomLease, settings: AgentSettings): void {
    if (lease.shared) return;
    this.#toAgent({ type: 'client_session_create', config: settings }, null);
  }

  #handle(event: OpenAIClientEvent): void {
    const eventId = event.event_id ?? null;
    switch (event.type) {
      case 'input_audio_buffer.append': {
        const bytes = base64Bytes(event.audio);
        if (!this.#audioBudget.take(bytes / bytesPerMs(inputFormatOf(this.#session)))) {
          this.#audioRefused(eventId);
          return;
        }
        this.#bufferedBytes += bytes;
        this.#audioMs += bytes / bytesPerMs(inputFormatOf(this.#session));
        this.#toAgent(
          { type: 'client_audio_append', audio: event.audio, format: inputFormatOf(this.#session) },
          eventId,
        );
        return;
      }
      case 'input_audio_buffer.commit':
        this.#commit(eventId);
        return;
      case 'input_audio_buffer.clear':
        this.#bufferedBytes = 0;
        this.#emit({ type: 'input_audio_buffer.cleared' });
        return;
      case 'output_audio_buffer.clear': {
        const responseId = this.#mapper.latestResponseId;
        if (responseId === undefined) {
          this.#error(
            'invalid_request_error',
            'no_output_audio',
            'there is no response whose output audio could be cleared',
            null,
            eventId,
          );
          return;
        }
        this.#emit({ type: 'output_audio_buffer.cleared', response_id: responseId });
        return;
      }
      case 'conversation.item.create':
        this.#itemCreate(event);
        return;
      case 'conversation.item.retrieve': {
        const item = this.#store.get(event.item_id);
        if (!item) {
          this.#itemNotFound(event.item_id, eventId);
          return;
        }
        this.#emit({ type: 'conversation.item.retrieved', item });
        return;
      }
      case 'conversation.item.truncate':
        this.#truncate(event);
        return;
      case 'conversation.item.delete':
        if (!this.#store.delete(event.item_id)) {
          this.#itemNotFound(event.item_id, eventId);
          return;
        }
        this.#emit({ type: 'conversation.item.deleted', item_id: event.item_id });
        return;
      case 'response.create':
        this.#responseCreate(event.response, eventId);
        return;
      case 'response.cancel':
        this.#responseCancel(eventId);
        return;
    }
  }

  /**
   * An item joins the conversation and never starts a response by itself (only `response.create`
   * or server VAD do): the client sees it added before anything the agent does with it.
   */
  #itemCreate(event: Extract<OpenAIClientEvent, { type: 'conversation.item.create' }>): void {
    const refused = refuseItem(event.item);
    if (refused) {
      this.#error(
        'invalid_request_error',
        refused.code,
        refused.message,
        refused.param,
        event.event_id ?? null,
      );
      return;
    }
    const eventId = event.event_id ?? null;
    const after = event.previous_item_id;
    if (after !== undefined && after !== null && after !== this.#store.lastId) {
      // The agent's history is appended to in order; an item cannot go back in time.
      if (after !== 'root' && !this.#store.get(after)) {
        this.#error(
          'invalid_request_error',
          'item_not_found',
          `no item with id "${after}"`,
          'previous_item_id',
          eventId,
        );
      } else {
        this.#error(
          'invalid_request_error',
          'unsupported_previous_item_id',
          'items are added after the newest item; previous_item_id must name it (or be left out)',
          'previous_item_id',
          eventId,
        );
      }
      return;
    }
    const mapped = itemToChorus(event, inputFormatOf(this.#session), (callId) => this.#callNames.get(callId));
    if (!mapped.ok) {
      this.#error('invalid_request_error', mapped.code, mapped.message, mapped.param, eventId);
      return;
    }
    const inputs: ClientEvent[] = [];
    for (const input of mapped.events) {
      const parsed = this.#validate(input, eventId);
      if (!parsed) return;
      inputs.push(parsed);
    }
    // Delivered first: an item the agent refuses (its error already went out) is neither stored nor
    // echoed. Items never start a response, so nothing the agent sends can precede the echo.
    for (const input of inputs) if (!this.#deliver(input, eventId)) return;
    if (event.item.type === 'function_call_output') this.#callNames.delete(event.item.call_id);
    const id = event.item.id ?? this.#nextUserItemId();
    const item = { ...event.item, id, object: 'realtime.item', status: 'completed' };
    const previous = this.#store.put(item);
    this.#emit({ type: 'conversation.item.added', previous_item_id: previous, item });
    this.#emit({ type: 'conversation.item.done', previous_item_id: previous, item });
  }

  #commit(eventId: string | null): void {
    const bufferedMs = this.#bufferedBytes / bytesPerMs(inputFormatOf(this.#session));
    if (bufferedMs < MIN_COMMIT_MS) {
      // The service refuses a commit of less than 100 ms and commits nothing.
      this.#error(
        'invalid_request_error',
        'input_audio_buffer_commit_empty',
        `buffer too small: expected at least ${MIN_COMMIT_MS}ms of audio, but the buffer has ${bufferedMs.toFixed(2)}ms`,
        null,
        eventId,
      );
      return;
    }
    this.#commitItem(this.#nextUserItemId(), eventId);
  }

  /** Commits the input buffer as a user audio item: to the agent, then `committed` and the item. */
  #commitItem(itemId: string, eventId: string | null): void {
    this.#bufferedBytes = 0;
    const item = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      role: 'user',
      status: 'completed',
      // A string, even before the transcription: the SDK types refuse null, @openai/agents-realtime needs the key.
      content: [{ type: 'input_audio', transcript: '' }],
    };
    const previous = this.#store.put(item);
    this.#committedByHand.push(itemId);
    if (this.#committedByHand.length > MAX_OPEN_TOOL_CALLS) this.#committedByHand.shift();
    this.#toAgent({ type: 'client_audio_commit' }, eventId);
    this.#emit({ type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: previous });
    this.#emit({ type: 'conversation.item.added', previous_item_id: previous, item });
    this.#emit({ type: 'conversation.item.done', previous_item_id: previous, item });
  }

  #truncate(event: Extract<OpenAIClientEvent, { type: 'conversation.item.truncate' }>): void {
    const eventId = event.event_id ?? null;
    const item = this.#store.get(event.item_id);
    if (!item) {
      this.#itemNotFound(event.item_id, eventId);
      return;
    }
    // What the listener heard goes first, so the agent's barge-in truncates its history to it.
    this.#toAgent(
      { type: 'client_playback_position', item_id: event.item_id, audio_end_ms: event.audio_end_ms },
      eventId,
    );
    if (this.#mapper.isActiveItem(event.item_id)) this.#toAgent({ type: 'client_response_cancel' }, eventId);
    this.#emit({
      type: 'conversation.item.truncated',
      item_id: event.item_id,
      content_index: event.content_index,
      audio_end_ms: event.audio_end_ms,
    });
  }

  #responseCreate(params: OpenAIResponseParams | undefined, eventId: string | null): void {
    if (this.#mapper.activeResponses > 0 || this.#pendingCreates.length > 0) {
      this.#error(
        'invalid_request_error',
        'conversation_already_has_active_response',
        'a response is already in progress; cancel it or wait for response.done',
        null,
        eventId,
      );
      return;
    }
    // What a Chorus agent cannot do for one response is refused by name, never dropped unsaid.
    const mapped = responseRequestOf(params, this.#store);
    if (!mapped.ok) {
      const { code, message, param } = mapped.refusal;
      this.#error('invalid_request_error', code, message, param, eventId);
      return;
    }
    const conversation = mapped.fields.conversation ?? 'auto';
    const modalities = params?.output_modalities ?? this.#session.output_modalities ?? ['audio'];
    const request: ClientEventInput = { type: 'client_response_create', ...mapped.fields };
    const timer = this.ctx.clock.setTimeout(() => {
      const index = this.#pendingCreates.findIndex((p) => p.timer === timer);
      if (index < 0) return;
      this.#pendingCreates.splice(index, 1);
      this.#mapper.unexpect();
      this.#error(
        'server_error',
        'response_not_started',
        'the agent did not start a response',
        null,
        eventId,
      );
    }, this.ctx.responseStartTimeoutMs ?? 10_000);
    this.#pendingCreates.push({ eventId: eventId ?? undefined, timer });
    this.#mapper.expect({
      outputModalities: modalities,
      conversation,
      ...(params?.metadata === undefined ? {} : { metadata: params.metadata }),
    });
    if (!this.#toAgent(request, eventId)) {
      this.ctx.clock.clearTimeout(timer);
      this.#pendingCreates.pop();
      this.#mapper.unexpect();
    }
  }

  #responseCancel(eventId: string | null): void {
    if (this.#mapper.activeResponses === 0) {
      this.#error(
        'invalid_request_error',
        'response_cancel_not_active',
        'there is no response to cancel',
        null,
        eventId,
      );
      return;
    }
    this.#toAgent({ type: 'client_response_cancel' }, eventId);
    if (this.#cancelTimer !== undefined) this.ctx.clock.clearTimeout(this.#cancelTimer);
    // response.done must follow a cancel even if the agent never ends the response itself.
    this.#cancelTimer = this.ctx.clock.setTimeout(() => {
      this.#cancelTimer = undefined;
      for (const out of this.#mapper.cancelAll()) this.#emit(out);
    }, this.ctx.cancelGraceMs ?? 3000);
  }

  /** Validates and hands one Chorus client event to the agent; false (and an error sent) when refused. */
  #toAgent(input: ClientEventInput, eventId: string | null): boolean {
    const parsed = this.#validate(input, eventId);
    return parsed !== undefined && this.#deliver(parsed, eventId);
  }

  /** The Chorus client event, or undefined (and an error sent) when it is not valid. */
  #validate(input: ClientEventInput, eventId: string | null): ClientEvent | undefined {
    const parsed = parseClientEvent(eventId ? { ...input, event_id: eventId } : input);
    if (parsed.ok) return parsed.event;
    this.#error(
      'invalid_request_error',
      parsed.error.code,
      parsed.error.message,
      parsed.error.path ?? null,
      eventId,
    );
    return undefined;
  }

  #deliver(event: ClientEvent, eventId: string | null): boolean {
    const causing = { eventId, refused: false };
    this.#causing = causing;
    try {
      this.#lease?.room.handleInput(event, this.ctx.user);
      // Refused by the agent (its error already went out): what it was part of is not stored.
      return !causing.refused;
    } catch (error) {
      this.ctx.logger.error({ err: error, connection: this.ctx.connectionId }, 'agent rejected input');
      this.#error(
        'server_error',
        'internal_error',
        `the agent failed to handle ${event.type}`,
        null,
        eventId,
      );
      return false;
    } finally {
      this.#causing = undefined;
    }
  }

  #mapOut(original: ServerEvent): void {
    const event = this.#aliased(original);
    if (event.type === 'server_session_updated' && Array.isArray(event.config?.client_tools)) {
      // The tools the agent accepted as the client's: their calls are the client's to run.
      this.#clientTools = new Set(
        event.config.client_tools.filter((n): n is string => typeof n === 'string'),
      );
    }
    let audio: string | undefined;
    // Base64 this gateway wrote itself (from bytes) needs no escaping: it is put into the JSON as is.
    let ownBase64 = false;
    if (event.type === 'agent_response_audio_delta') {
      const target = outputFormatOf(this.#session);
      if (sameFormat(event.format, target)) {
        ownBase64 = audioDeltaBytes(event) !== undefined;
        audio = event.delta;
      } else {
        ownBase64 = true;
        const converter = this.#converters.get(converterKey(event.agent_id, event.format, target));
        audio = converter
          ? base64FromBytes(converter.convert(audioDeltaBytes(event) ?? bytesFromBase64(event.delta)))
          : '';
      }
    }
    if (event.type === 'agent_response_created') {
      const pending = this.#pendingCreates.shift();
      if (pending) this.ctx.clock.clearTimeout(pending.timer);
    }
    if (event.type === 'agent_response_tool_use_done') {
      this.#callNames.set(event.tool_use.id, event.tool_use.name);
      // A client that never answers its tool calls must not grow this map without end.
      for (const oldest of this.#callNames.keys()) {
        if (this.#callNames.size <= MAX_OPEN_TOOL_CALLS) break;
        this.#callNames.delete(oldest);
      }
    }
    if (event.type === 'agent_response_audio_done') {
      for (const [key, converter] of this.#converters) {
        if (!key.startsWith(`${event.agent_id}|`)) continue;
        const tail = converter.flush();
        if (tail.byteLength > 0) {
          this.#mapAndEmit(
            { ...event, type: 'agent_response_audio_delta', delta: '', format: converter.to },
            base64FromBytes(tail),
          );
        }
      }
    }
    this.#mapAndEmit(event, audio, ownBase64);
    if (event.type === 'agent_input_started' || event.type === 'agent_response_created')
      this.#disarmIdleTurn();
    if (event.type === 'agent_response_done' && this.#mapper.activeResponses === 0) this.#armIdleTurn();
    if (
      event.type === 'agent_response_done' &&
      this.#mapper.activeResponses === 0 &&
      this.#cancelTimer !== undefined
    ) {
      this.ctx.clock.clearTimeout(this.#cancelTimer);
      this.#cancelTimer = undefined;
    }
  }

  /**
   * With turn detection off, the audio the client committed by hand is the agent's next input item:
   * its events carry the item id `input_audio_buffer.committed` announced.
   */
  #aliased(event: ServerEvent): ServerEvent {
    if (
      event.type !== 'agent_input_started' &&
      event.type !== 'agent_input_done' &&
      event.type !== 'agent_input_transcription_delta' &&
      event.type !== 'agent_input_transcription_done'
    ) {
      return event;
    }
    let alias = this.#itemAliases.get(event.item_id);
    if (alias === undefined && !this.#store.get(event.item_id)) {
      alias = this.#committedByHand.shift();
      if (alias === undefined) return event;
      this.#itemAliases.set(event.item_id, alias);
      for (const oldest of this.#itemAliases.keys()) {
        if (this.#itemAliases.size <= MAX_OPEN_TOOL_CALLS) break;
        this.#itemAliases.delete(oldest);
      }
    }
    return alias === undefined ? event : { ...event, item_id: alias };
  }

  #mapAndEmit(event: ServerEvent, audio: string | undefined, ownBase64 = false): void {
    for (const out of this.#mapper.map(event, audio)) {
      const isAudio = out.type === 'response.output_audio.delta';
      this.#emit(out, isAudio, isAudio && ownBase64);
    }
  }

  async #createConverter(agentId: string, from: AudioFormat, to: AudioFormat): Promise<void> {
    try {
      const converter = await AudioConverter.create(from, to);
      if (this.#ended) {
        converter.dispose();
        return;
      }
      this.#converters.set(converterKey(agentId, from, to), converter);
      boundConverters(this.#converters);
    } catch (error) {
      this.ctx.logger.error({ err: error }, 'audio converter failed');
    }
    const queued = this.#queue ?? [];
    this.#queue = undefined;
    for (const event of queued) this.onAgentEvent(event);
  }

  /**
   * Server VAD's `idle_timeout_ms`: when nobody speaks that long after the agent's last response, the
   * service commits the silent audio as a user item and answers it (so the model can prompt the user).
   */
  #armIdleTurn(): void {
    this.#disarmIdleTurn();
    const detection = this.#session.audio?.input?.turn_detection;
    const idleMs = detection?.type === 'server_vad' ? detection.idle_timeout_ms : undefined;
    if (typeof idleMs !== 'number' || idleMs <= 0) return;
    const fromMs = this.#audioMs;
    const timer = this.ctx.clock.setTimeout(() => {
      this.#idleTurn = undefined;
      if (this.#ended || this.#mapper.activeResponses > 0) return;
      const itemId = this.#nextUserItemId();
      this.#emit({
        type: 'input_audio_buffer.timeout_triggered',
        item_id: itemId,
        audio_start_ms: Math.round(fromMs),
        audio_end_ms: Math.round(Math.max(fromMs, this.#audioMs)),
      });
      this.#commitItem(itemId, null);
      this.#responseCreate(undefined, null);
    }, idleMs);
    this.#idleTurn = { timer, fromMs };
  }

  #disarmIdleTurn(): void {
    if (this.#idleTurn) this.ctx.clock.clearTimeout(this.#idleTurn.timer);
    this.#idleTurn = undefined;
  }

  /** Audio past the allowance is refused (one error a second at most, so refusals cannot flood). */
  #audioRefused(eventId: string | null): void {
    this.ctx.metrics.droppedFrames.inc({ route: 'openai' });
    const now = this.ctx.clock.now();
    if (now - this.#audioRefusedAt < 1000) return;
    this.#audioRefusedAt = now;
    const { realtimeFactor, burstMs } = this.ctx.audio ?? { realtimeFactor: 4, burstMs: 30_000 };
    this.#error(
      'invalid_request_error',
      'input_audio_rate_exceeded',
      `audio is arriving faster than ${realtimeFactor}x real time beyond a ${burstMs / 1000} s burst; this append was dropped`,
      'audio',
      eventId,
    );
  }

  #nextUserItemId(): string {
    this.#userItemSeq += 1;
    return `item_${this.ctx.connectionId}_${this.#userItemSeq}`;
  }

  #itemNotFound(itemId: string, eventId: string | null): void {
    this.#error('invalid_request_error', 'item_not_found', `no item with id "${itemId}"`, 'item_id', eventId);
  }

  #error(
    type: ErrorType,
    code: ErrorCode,
    message: string,
    param: string | null,
    eventId: string | null,
  ): void {
    this.ctx.metrics.clientErrors.inc({ route: 'openai', code });
    if (eventId) {
      const index = this.#pendingCreates.findIndex((p) => p.eventId === eventId);
      if (index >= 0) this.ctx.clock.clearTimeout(this.#pendingCreates.splice(index, 1)[0]!.timer);
    }
    this.#emit({ type: 'error', error: { type, code, message, param, event_id: eventId } });
  }

  #emit(event: OpenAIOut, droppable = false, spliceDelta = false): void {
    this.#seq += 1;
    const stamped = { ...event, event_id: `event_${this.ctx.connectionId}_${this.#seq}` };
    const wire = this.#beta ? serverEventToBeta(stamped as unknown as OpenAIServerEvent) : stamped;
    this.ctx.metrics.perRoute.openai.eventsOut.inc();
    const json = spliceDelta ? jsonWithBase64Delta(wire) : JSON.stringify(wire);
    if (droppable) this.socket.channel.sendDroppable(json);
    else this.socket.channel.send(json);
  }
}

/**
 * `JSON.stringify(event)` for an event whose `delta` is standard base64 (which needs no escaping),
 * without the serializer scanning and copying the long string: the rest is serialized with an empty
 * delta, and the text goes between its quotes (in a flat object the one `"delta":""` that can occur
 * is the key's, as quotes inside strings are escaped; nested ones are serialized whole).
 */
export function jsonWithBase64Delta(event: object): string {
  const delta = (event as { delta?: unknown }).delta;
  if (typeof delta !== 'string') return JSON.stringify(event);
  // Flat events only: a nested object could hold a `"delta":""` of its own.
  for (const value of Object.values(event))
    if (typeof value === 'object' && value !== null) return JSON.stringify(event);
  const json = JSON.stringify({ ...event, delta: '' });
  const key = json.indexOf('"delta":""');
  if (key < 0) return JSON.stringify(event);
  const at = key + '"delta":"'.length;
  return json.slice(0, at) + delta + json.slice(at);
}

function bytesPerMs(format: AudioFormat): number {
  return (format.rate / 1000) * (format.type === 'audio/pcm' ? 2 : 1);
}

/** Bytes a base64 string decodes to, without decoding it. */
function base64Bytes(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - padding;
}

function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.type === b.type && a.rate === b.rate;
}

function converterKey(agentId: string, from: AudioFormat, to: AudioFormat): string {
  return `${agentId}|${from.type}/${from.rate}>${to.type}/${to.rate}`;
}

function eventIdOf(data: Uint8Array): string | null {
  // A frame refused for its shape is not parsed a second time just to find its id.
  if (checkJsonShape(data)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    if (value && typeof value === 'object' && 'event_id' in value) {
      const id = (value as { event_id: unknown }).event_id;
      return typeof id === 'string' && id.length <= 256 ? id : null;
    }
  } catch {
    // Not JSON: nothing to echo.
  }
  return null;
}

/** The OpenAI `error` an OpenAI client gets when its audio is dropped. */
export function openaiSlowConsumerNotice(dropped: number): string {
  return JSON.stringify({
    type: 'error',
    event_id: `event_slow_${dropped}`,
    error: {
      type: 'server_error',
      code: 'slow_consumer',
      message: `reading too slowly: ${dropped} audio delta(s) dropped so far`,
      param: null,
      event_id: null,
    },
  });
}

type AgentSettings = {
  instructions?: string;
  client_tools?: { name: string; description?: string; parameters?: Record<string, unknown> }[];
  voice?: string;
  modalities?: ('audio' | 'text')[];
  turn_detection?: {
    type: 'server_vad' | 'semantic_vad' | 'none';
    create_response?: boolean;
    interrupt_response?: boolean;
  };
};

/** The part of a `session.update` that changes the agent itself, or undefined when there is none. */
function agentSettingsOf(update: OpenAISession): AgentSettings | undefined {
  const settings: AgentSettings = {};
  if (update.instructions !== undefined) settings.instructions = update.instructions;
  const voice = update.audio?.output?.voice;
  if (voice !== undefined) settings.voice = openaiVoiceName(voice);
  if (update.output_modalities !== undefined) settings.modalities = [...update.output_modalities];
  if (update.tools !== undefined) {
    settings.client_tools = update.tools.flatMap((tool) =>
      tool.type === 'function'
        ? [
            {
              name: tool.name,
              ...(tool.description === undefined ? {} : { description: tool.description }),
              ...(tool.parameters === undefined ? {} : { parameters: tool.parameters }),
            },
          ]
        : [],
    );
  }
  const detection = update.audio?.input?.turn_detection;
  if (detection === null) settings.turn_detection = { type: 'none' };
  else if (detection !== undefined) {
    settings.turn_detection = {
      type: detection.type,
      ...(detection.create_response === undefined ? {} : { create_response: detection.create_response }),
      ...(detection.interrupt_response === undefined
        ? {}
        : { interrupt_response: detection.interrupt_response }),
    };
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}

import {
  type AudioFormat,
  type ClientEvent,
  type ClientEventOf,
  type ModelEvent,
  parseClientEvent,
  type ServerEvent,
  type ServerEventOf,
} from '@chorus/protocol';
import { filter, type Observable, type Observer, Subject, Subscription } from 'rxjs';
import { type AnyActorRef, createActor, fromPromise, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { type ChorusClock, clockNow, systemClock } from '../clock.js';
import { type ConnectionStatus, ModelConnection } from '../connection/model-connection.js';
import { type RetryPolicy, retryPolicy } from '../connection/retry-policy.js';
import { GuardrailMonitor } from '../guardrails/guardrail-monitor.js';
import {
  type GuardrailTrip,
  guardrailFeedback,
  type OutputGuardrail,
  type OutputGuardrailSettings,
  runOutputGuardrails,
} from '../guardrails/output-guardrail.js';
import { type Handoff, handoff } from '../handoff/handoff.js';
import type {
  ConversationItem,
  RealtimeModel,
  SessionConfig,
  ToolDefinition,
  TurnDetection,
} from '../model/realtime-model.js';
import type { HeardMessage, MemberStartOptions, RoomMember } from '../room/member.js';
import type { AnyTool } from '../tools/tool.js';
import { type PreparedToolCall, type ToolOutcome, toolCallMachine } from '../tools/tool-call.machine.js';
import { audioDurationMs, base64ByteLength } from './audio-math.js';
import { bindInput } from './bind-input.js';
import { ConversationHistory } from './conversation-history.js';
import {
  type RealtimeAgentContext,
  type RealtimeAgentEvent,
  type RealtimeAgentInput,
  type RealtimeAgentState,
  realtimeAgentMachine,
} from './realtime-agent.machine.js';
import { heardPositionMs, truncateToHeard } from './truncation.js';
import { TurnMetricsRecorder } from './turn-metrics.js';
import { TurnStream } from './turn-stream.js';

/** A handoff target: an agent, or a handoff with a custom tool name or description. */
export type HandoffTarget = RealtimeAgent | Handoff;

export interface RealtimeAgentOptions {
  /** The name the model, clients and other room members know the agent by. */
  readonly name: string;
  /** Unique within a room; `agent_id` in events (default: the name). */
  readonly id?: string;
  readonly instructions: string;
  /** Required to start; a handoff target used only as a persona needs none. */
  readonly model?: RealtimeModel;
  readonly tools?: readonly AnyTool[];
  /** Agents this one may hand the conversation to; a function allows cycles (A -> B -> A). */
  readonly handoffs?: readonly HandoffTarget[] | (() => readonly HandoffTarget[]);
  readonly voice?: string;
  readonly outputGuardrails?: readonly OutputGuardrail[];
  readonly outputGuardrailSettings?: OutputGuardrailSettings;
  /** Default `['audio', 'text']`. */
  readonly modalities?: readonly ('audio' | 'text')[];
  /** Default: the model's first input format. */
  readonly inputAudioFormat?: AudioFormat;
  /** Default: the model's output format. */
  readonly outputAudioFormat?: AudioFormat;
  /** Default server VAD that creates responses and lets the user interrupt them. */
  readonly turnDetection?: TurnDetection;
  /** Transcribe the user's audio (default true). */
  readonly inputTranscription?: boolean;
  readonly providerOptions?: SessionConfig['providerOptions'];
  /** Timers and timestamps (default real time); pass XState's `SimulatedClock` or `TestClock` in tests. */
  readonly clock?: ChorusClock;
  readonly retry?: Partial<RetryPolicy>;
  /** Jitter source for reconnect backoff, in [0, 1). */
  readonly random?: () => number;
  /** Inputs kept while the model reconnects (default 500). */
  readonly maxBufferedInputs?: number;
  /** History items kept; older ones are dropped (default 200). */
  readonly historySize?: number;
  /** Timeout for tools that set none (default 30 s). */
  readonly toolTimeoutMs?: number;
  /** How long to wait for the model to confirm a cancel before listening anyway (default 1 s). */
  readonly interruptSettleMs?: number;
  /** How long `stop()` waits for the model to close (default 5 s). */
  readonly closeTimeoutMs?: number;
  /** XState inspection, for the inspector (a root agent only; in a room the room inspects). */
  readonly inspect?: (event: InspectionEvent) => void;
}

type ServerEventType = ServerEvent['type'];
type Callback = (event: ServerEvent) => void;
type AgentActorRef = AnyActorRef;
type AgentSnapshot = SnapshotFrom<typeof realtimeAgentMachine>;

/** Bytes of audio sent to the listener for one assistant item. */
interface AudioItem {
  readonly responseId: string;
  readonly itemId: string;
  readonly format: AudioFormat;
  bytes: number;
}

interface AssistantItem {
  readonly responseId: string;
  text: string;
}

const MAX_TRACKED_ITEMS = 64;

/**
 * A realtime voice (or text) agent: an XState actor ({@link realtimeAgentMachine}) that owns one
 * model connection, maps model events to `agent_*` server events and client events to the model,
 * runs tools, handoffs and output guardrails, handles barge-in, and keeps the conversation history.
 *
 * Audio deltas go straight from the model to `events$` (never through the actor); control events
 * go through the actor. Implements {@link RoomMember}, so a `ChatRoom` can host it.
 */
export class RealtimeAgent implements RoomMember {
  readonly id: string;
  readonly name: string;
  readonly instructions: string;
  readonly voice: string | undefined;
  readonly tools: readonly AnyTool[];
  readonly outputGuardrails: readonly OutputGuardrail[];
  readonly model: RealtimeModel | undefined;
  /** Every server event this agent emits, attributed with `agent_id` and `agent_name`. */
  readonly events$: Observable<ServerEvent>;

  private readonly options: RealtimeAgentOptions;
  private readonly out = new Subject<ServerEvent>();
  private readonly observers = new Map<ServerEventType, Set<Callback>>();
  private readonly subscriptions = new Subscription();
  private readonly conversation: ConversationHistory;
  private readonly metrics: TurnMetricsRecorder;
  private readonly now: () => number;
  private ref: AgentActorRef | undefined;
  private rootActor: AgentActorRef | undefined;
  private connection: ModelConnection | undefined;
  private guardrails: GuardrailMonitor | undefined;
  private session: SessionConfig | undefined;
  private peers: ReadonlySet<string> = new Set();
  private personas = new Map<string, RealtimeAgent>();
  private lastState: string = 'idle';
  private userMessages = 0;
  /**
   * True from the moment typed text asked the model for a response until the model confirms it
   * (`model_response_created`). The seed frontends send `client_text_append` followed by
   * `client_response_create`; the second must not start a second response for the same words.
   */
  private responseRequested = false;
  // Streaming bookkeeping, per item: cheap counters, because they run per audio frame.
  private audioItem: AudioItem | undefined;
  private readonly assistantItems = new Map<string, AssistantItem>();
  private readonly playback = new Map<string, number>();
  private readonly droppedResponses = new Set<string>();
  private readonly followUpResponses = new Set<string>();
  private readonly reportedFormats = new Set<string>();

  constructor(options: RealtimeAgentOptions) {
    if (!options.name || options.name.trim() === '') throw new TypeError('a RealtimeAgent needs a name');
    this.options = options;
    this.name = options.name;
    this.id = options.id ?? options.name;
    this.instructions = options.instructions;
    this.voice = options.voice;
    this.tools = options.tools ?? [];
    this.outputGuardrails = options.outputGuardrails ?? [];
    this.model = options.model;
    this.conversation = new ConversationHistory(options.historySize);
    this.now = clockNow(options.clock ?? systemClock);
    this.metrics = new TurnMetricsRecorder(this.now);
    this.events$ = this.out.asObservable();
    const names = new Set<string>();
    for (const t of this.tools) {
      if (names.has(t.name)) throw new TypeError(`agent ${this.name}: two tools are named ${t.name}`);
      names.add(t.name);
    }
  }

  /** The handoffs this agent offers, normalized. */
  get handoffs(): readonly Handoff[] {
    const source = this.options.handoffs;
    const targets = typeof source === 'function' ? source() : (source ?? []);
    return targets.map((target) => (target instanceof RealtimeAgent ? handoff(target) : target));
  }

  /** The lifecycle state: `idle`, `connecting`, `listening`, `responding`, `interrupted`, ... */
  get state(): RealtimeAgentState {
    const snapshot = this.ref?.getSnapshot() as AgentSnapshot | undefined;
    return snapshot ? stateOf(snapshot.value) : 'idle';
  }

  /** The agent's XState actor (for the inspector); undefined before `start`. */
  get actor(): AgentActorRef | undefined {
    return this.ref;
  }

  /** The conversation so far (user, assistant, tool items), with truncations applied. */
  get history(): readonly ConversationItem[] {
    return this.conversation.items;
  }

  /** History items dropped to stay within `historySize`. */
  get droppedHistoryItems(): number {
    return this.conversation.droppedCount;
  }

  /** The persona in charge after handoffs (the agent itself until one happens). */
  get activeAgent(): RealtimeAgent {
    return this.currentPersona();
  }

  /** The model connection, once started (its `state` and `status$` show reconnects). */
  get modelConnection(): ModelConnection | undefined {
    return this.connection;
  }

  /**
   * Registers an observer for one event type; the callback's event is typed by `type`. Returns
   * the function that unregisters it. A throwing observer is reported as `agent_error`
   * (`observer_error`) and never breaks the agent. Observers are released when the agent stops.
   */
  on<T extends ServerEventType>(type: T, callback: (event: ServerEventOf<T>) => void): () => void {
    let set = this.observers.get(type);
    if (!set) {
      set = new Set();
      this.observers.set(type, set);
    }
    const registered = callback as Callback;
    set.add(registered);
    return () => {
      this.observers.get(type)?.delete(registered);
    };
  }

  /** The events of one type, as an observable. */
  eventsOf<T extends ServerEventType>(type: T): Observable<ServerEventOf<T>> {
    return this.events$.pipe(filter((event): event is ServerEventOf<T> => event.type === type));
  }

  /**
   * Starts the agent and connects the model. Resolves once it listens; rejects if the connection
   * fails for good first. `outgoing` receives every server event until the agent stops. With
   * `options.spawn` the actor is created as a child of a room's actor; `options.peers` names the
   * room's other members, to whom handoffs pass the floor.
   */
  async start(outgoing?: Partial<Observer<ServerEvent>>, options: MemberStartOptions = {}): Promise<void> {
    if (this.ref) throw new Error(`agent ${this.name} was already started`);
    const model = this.model;
    if (!model) throw new Error(`agent ${this.name} has no model; pass { model } to start it`);
    if (this.out.closed) throw new Error(`agent ${this.name} was stopped; create a new one`);
    this.peers = new Set(options.peers ?? []);
    this.collectPersonas();
    if (outgoing) {
      this.subscriptions.add(this.out.subscribe({ next: (event) => this.deliver(outgoing, event) }));
    }
    const connection = new ModelConnection(model, {
      retry: this.options.retry,
      random: this.options.random,
      maxBufferedInputs: this.options.maxBufferedInputs,
      history: () => this.conversation.items,
    });
    this.connection = connection;
    this.guardrails = this.createGuardrailMonitor();
    const input: RealtimeAgentInput = {
      agentName: this.name,
      interruptOnSpeech: this.options.turnDetection?.interruptResponse ?? true,
      retry: retryPolicy(this.options.retry),
      interruptSettleMs: this.options.interruptSettleMs,
      closeTimeoutMs: this.options.closeTimeoutMs,
    };
    const logic = bindInput(this.createLogic(connection), input);
    let ref: AgentActorRef;
    if (options.spawn) {
      ref = options.spawn(logic, this.id);
    } else {
      const actor = createActor(logic, {
        input,
        id: this.id,
        clock: this.options.clock ?? systemClock,
        inspect: this.options.inspect,
      });
      ref = actor;
      this.rootActor = actor;
    }
    this.ref = ref;
    const ready = this.whenReady();
    const actorSubscription = ref.subscribe({
      next: (snapshot: AgentSnapshot) => this.onSnapshot(snapshot),
      error: (error: unknown) => this.onActorError(error),
    });
    this.subscriptions.add(() => actorSubscription.unsubscribe());
    if (!options.spawn) ref.start();
    ref.send({ type: 'agent.start' });
    const child = (ref.getSnapshot() as AgentSnapshot).children.connection as AnyActorRef | undefined;
    if (!child) throw new Error(`agent ${this.name}: the model connection did not start`);
    connection.attach(child);
    this.subscriptions.add(connection.events$.subscribe((event) => this.onModelEvent(event)));
    this.subscriptions.add(connection.status$.subscribe((status) => this.onConnectionStatus(status)));
    this.session = this.initialSession(model);
    connection.connect(this.session);
    await ready;
  }

  /**
   * Handles one client event. Anything is accepted: input is validated with the protocol's parser,
   * and invalid or unsupported input gets an `agent_error` saying why. Never throws.
   */
  handleInput(input: ClientEvent | unknown): void {
    const parsed = parseClientEvent(input);
    if (!parsed.ok) {
      const where = parsed.error.path ? ` (at ${parsed.error.path})` : '';
      this.emitError('invalid_request_error', parsed.error.code, `${parsed.error.message}${where}`);
      return;
    }
    if (!this.isRunning()) {
      this.emitError(
        'invalid_request_error',
        'agent_not_running',
        `${parsed.event.type} ignored: agent ${this.name} is ${this.state}`,
      );
      return;
    }
    try {
      this.dispatchClientEvent(parsed.event);
    } catch (error) {
      this.emitError('server_error', 'internal_error', `${parsed.event.type} failed: ${describe(error)}`);
    }
  }

  /** Another participant's words; the agent answers only when `respond` is true. */
  hear(message: HeardMessage): void {
    if (!this.isRunning()) return;
    this.addUserMessage(message.text, message.speaker);
    const connection = this.connection as ModelConnection;
    connection.send({ type: 'text', text: message.text, role: 'user', speaker: message.speaker });
    if (message.respond) connection.createResponse();
  }

  /**
   * Sends a user text and streams the turn: every event until the `agent_response_done` that ends
   * it (after tool calls and handoffs, the follow-up response's), or until the agent stops.
   * ```ts
   * for await (const event of agent.send('Tell me a story')) { ... }
   * ```
   */
  send(text: string): AsyncIterableIterator<ServerEvent> {
    if (!this.isRunning()) throw new Error(`agent ${this.name} is ${this.state}; start it before send()`);
    const stream = new TurnStream(this.events$, (event) => this.endsTurn(event));
    this.userText(text);
    return stream;
  }

  /**
   * Stops the agent: aborts running tools, closes the model connection, emits `agent_ended`, and
   * releases every observer and subscription. Idempotent.
   */
  async stop(): Promise<void> {
    const ref = this.ref;
    if (ref && ref.getSnapshot().status === 'active') {
      const done = new Promise<void>((resolve) => {
        const check = (snapshot: AgentSnapshot) => {
          const state = stateOf(snapshot.value);
          if (snapshot.status !== 'active' || state === 'stopped' || state === 'failed') resolve();
        };
        const sub = ref.subscribe({ next: check, error: () => resolve(), complete: () => resolve() });
        this.subscriptions.add(() => sub.unsubscribe());
        check(ref.getSnapshot() as AgentSnapshot);
      });
      ref.send({ type: 'agent.stop' });
      await done;
    }
    await this.guardrails?.settled();
    this.teardown();
  }

  // --- wiring ---------------------------------------------------------------------------------

  private createLogic(connection: ModelConnection) {
    const toolCall = toolCallMachine.provide({
      actors: {
        prepareToolCall: fromPromise<PreparedToolCall, { callId: string; name: string; arguments: string }>(
          async ({ input }) => {
            const found = this.findTool(input.name);
            if (!found) return { ok: false, message: `unknown tool ${input.name}` };
            const parsed = found.tool.parseArguments(input.arguments);
            if (!parsed.ok) return parsed;
            const needsApproval = await found.tool.requiresApproval(parsed.args, {
              callId: input.callId,
              agent: found.persona,
            });
            return { ok: true, args: parsed.args, needsApproval };
          },
        ),
        executeTool: fromPromise<string, { callId: string; name: string; args: unknown }>(
          async ({ input, signal }) => {
            const found = this.findTool(input.name);
            if (!found) throw new Error(`unknown tool ${input.name}`);
            return found.tool.invoke(input.args, { signal, callId: input.callId, agent: found.persona });
          },
        ),
      },
    });
    return realtimeAgentMachine.provide({
      actors: { modelConnection: connection.logic, toolCall },
      actions: {
        interruptResponse: ({ context }) => this.interruptResponse(context),
        submitToolOutcomes: ({ context }) => this.submitToolOutcomes(context, true),
        submitToolOutcomesQuietly: ({ context }) => this.submitToolOutcomes(context, false),
        swapPersona: ({ context }) => this.swapPersona(context),
        announcePeerHandoff: ({ context }) => {
          if (context.handoff) {
            this.emit(
              this.attributed({ type: 'agent_handoff', from: context.persona, to: context.handoff.target }),
            );
          }
        },
        reportGuardrailTrip: ({ context }) => this.reportGuardrailTrip(context),
        emitToolApprovalRequest: ({ event }) => {
          if (event.type !== 'tool.approval_requested') return;
          this.emit(
            this.attributed({
              type: 'agent_tool_approval_requested',
              call_id: event.callId,
              name: event.name,
              arguments: event.arguments,
            }),
          );
        },
        emitToolResult: ({ event }) => {
          if (event.type === 'tool.finished') this.reportToolOutcome(event.outcome);
        },
        reportCancelledToolCalls: ({ context }) => {
          for (const outcome of context.toolOutcomes) {
            if (outcome.status === 'cancelled') this.reportToolOutcome(outcome);
          }
        },
        toolCallStarted: ({ event }) => {
          if (event.type === 'model.tool_call') this.metrics.toolStarted(event.callId);
        },
        reportUnknownApproval: ({ event }) => {
          if (event.type !== 'tool.approval') return;
          this.emitError(
            'invalid_request_error',
            'unknown_tool_call',
            `client_tool_approval: no tool call ${event.callId} is waiting for approval`,
          );
        },
        closeConnection: () => connection.close(),
      },
      guards: {
        isPeerHandoff: ({ context }) => context.handoff !== null && this.peers.has(context.handoff.target),
      },
    });
  }

  private initialSession(model: RealtimeModel): SessionConfig {
    const persona = this.personaSession(this);
    return {
      ...persona,
      modalities: this.options.modalities ?? ['audio', 'text'],
      inputAudioFormat: this.options.inputAudioFormat ??
        model.capabilities.inputFormats[0] ?? { type: 'audio/pcm', rate: 16000 },
      outputAudioFormat: this.options.outputAudioFormat ?? model.capabilities.outputFormat,
      turnDetection: this.options.turnDetection ?? {
        type: 'server_vad',
        createResponse: true,
        interruptResponse: true,
      },
      inputTranscription: this.options.inputTranscription ?? true,
      providerOptions: this.options.providerOptions,
    };
  }

  /** What a persona contributes to the session: a handoff swaps exactly these. */
  private personaSession(persona: RealtimeAgent): Pick<SessionConfig, 'instructions' | 'tools' | 'voice'> {
    const tools: ToolDefinition[] = [
      ...persona.tools.map((t) => t.definition),
      ...persona.handoffs.map((h) => h.definition),
    ];
    return { instructions: persona.instructions, tools, voice: persona.voice ?? this.voice };
  }

  private collectPersonas(): void {
    const queue: RealtimeAgent[] = [this];
    this.personas = new Map();
    for (let agent = queue.shift(); agent; agent = queue.shift()) {
      if (this.personas.has(agent.name)) continue;
      this.personas.set(agent.name, agent);
      for (const h of agent.handoffs) queue.push(h.agent);
    }
  }

  private currentPersona(): RealtimeAgent {
    const snapshot = this.ref?.getSnapshot() as AgentSnapshot | undefined;
    const name = snapshot?.context.persona ?? this.name;
    return this.personas.get(name) ?? this;
  }

  private findTool(name: string): { tool: AnyTool; persona: RealtimeAgent } | undefined {
    const persona = this.currentPersona();
    const own = persona.tools.find((t) => t.name === name);
    if (own) return { tool: own, persona };
    // A call made just before a handoff still runs with the tool of the persona that offered it.
    for (const other of this.personas.values()) {
      const found = other.tools.find((t) => t.name === name);
      if (found) return { tool: found, persona: other };
    }
    return undefined;
  }

  private createGuardrailMonitor(): GuardrailMonitor | undefined {
    if (this.outputGuardrails.length === 0) return undefined;
    return new GuardrailMonitor(
      this.options.outputGuardrailSettings?.debounceTextLength ?? 100,
      (text) => runOutputGuardrails(this.outputGuardrails, text, this.currentPersona()),
      (responseId, trip) => this.onGuardrailTrip(responseId, trip),
      (guardrail, error) =>
        this.emitError(
          'server_error',
          'guardrail_error',
          `output guardrail ${guardrail} failed: ${describe(error)}`,
        ),
    );
  }

  private whenReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const state = this.lastState;
        if (state === 'connecting' || state === 'idle') return false;
        if (state === 'failed' || state === 'stopped' || state === 'stopping') {
          const problem = (this.ref?.getSnapshot() as AgentSnapshot | undefined)?.context.problem;
          reject(new Error(`agent ${this.name} could not start: ${problem?.message ?? state}`));
        } else {
          resolve();
        }
        return true;
      };
      this.readyCheck = check;
    });
  }

  private readyCheck: (() => boolean) | undefined;

  // --- actor and connection events ------------------------------------------------------------

  private onSnapshot(snapshot: AgentSnapshot): void {
    const state = stateOf(snapshot.value);
    if (state === this.lastState) return;
    const previous = this.lastState;
    this.lastState = state;
    this.emit(this.attributed({ type: 'agent_state_changed', state }));
    if (state === 'listening' && previous === 'connecting' && !this.announcedReady) {
      this.announcedReady = true;
      this.emit(this.attributed({ type: 'agent_ready' }));
    }
    if (this.readyCheck?.()) this.readyCheck = undefined;
    if (state === 'failed') {
      const problem = snapshot.context.problem;
      this.emitFatalOnce(
        'server_error',
        problem?.code ?? 'agent_failed',
        problem?.message ?? 'the agent failed',
      );
    }
    if (state === 'stopped' || state === 'failed') {
      this.emit(this.attributed({ type: 'agent_ended' }));
      // Released here too, so an agent ended by its model (not by stop()) holds nothing.
      queueMicrotask(() => this.teardown());
    }
  }

  private announcedReady = false;
  /** Codes of the fatal errors already reported: a fatal model error and the failure it causes are one. */
  private readonly reportedFatalCodes = new Set<string>();

  private onActorError(error: unknown): void {
    this.emitError(
      'server_error',
      'agent_actor_error',
      `agent ${this.name} crashed: ${describe(error)}`,
      true,
    );
    this.readyCheck?.();
    this.readyCheck = undefined;
    queueMicrotask(() => this.teardown());
  }

  private onConnectionStatus(status: ConnectionStatus): void {
    const ref = this.ref;
    if (ref?.getSnapshot().status !== 'active') return;
    switch (status.state) {
      case 'connected':
        ref.send({ type: 'connection.connected' });
        break;
      case 'reconnecting':
        this.resetStreaming();
        ref.send({ type: 'connection.reconnecting', attempt: status.attempt, delayMs: status.delayMs });
        break;
      default:
        // closed and failed reach the agent as the connection actor's done event.
        break;
    }
  }

  private send$(event: RealtimeAgentEvent): void {
    const ref = this.ref;
    if (ref && ref.getSnapshot().status === 'active') ref.send(event);
  }

  private onModelEvent(event: ModelEvent): void {
    switch (event.type) {
      case 'model_response_audio_delta': {
        // The hot path: no actor, no allocation beyond the outgoing event.
        if (this.droppedResponses.has(event.response_id)) return;
        let item = this.audioItem;
        if (!item || item.itemId !== event.item_id) {
          item = { responseId: event.response_id, itemId: event.item_id, format: event.format, bytes: 0 };
          this.audioItem = item;
        }
        item.bytes += base64ByteLength(event.delta);
        this.metrics.audio(event.response_id);
        this.emit({
          type: 'agent_response_audio_delta',
          agent_id: this.id,
          agent_name: this.name,
          response_id: event.response_id,
          item_id: event.item_id,
          delta: event.delta,
          format: event.format,
        });
        return;
      }
      case 'model_response_audio_transcript_delta':
      case 'model_response_text_delta': {
        if (this.droppedResponses.has(event.response_id)) return;
        const item = this.assistantItem(event.response_id, event.item_id);
        item.text += event.delta;
        this.emit(
          this.attributed({
            type:
              event.type === 'model_response_text_delta'
                ? 'agent_response_text_delta'
                : 'agent_response_audio_transcript_delta',
            response_id: event.response_id,
            item_id: event.item_id,
            delta: event.delta,
          }),
        );
        this.guardrails?.textChanged(event.response_id, this.responseText(event.response_id));
        return;
      }
      case 'model_response_audio_transcript_done': {
        if (this.droppedResponses.has(event.response_id)) return;
        this.assistantItem(event.response_id, event.item_id).text = event.transcript;
        this.emit(this.attributed({ ...event, type: 'agent_response_audio_transcript_done' }));
        return;
      }
      case 'model_response_text_done': {
        if (this.droppedResponses.has(event.response_id)) return;
        this.assistantItem(event.response_id, event.item_id).text = event.text;
        this.emit(this.attributed({ ...event, type: 'agent_response_text_done' }));
        return;
      }
      case 'model_response_audio_done':
        if (this.droppedResponses.has(event.response_id)) return;
        this.emit(this.attributed({ ...event, type: 'agent_response_audio_done' }));
        return;
      case 'model_response_created':
        this.responseRequested = false;
        this.metrics.responseCreated(event.response_id);
        this.emit(this.attributed({ ...event, type: 'agent_response_created' }));
        this.send$({ type: 'model.response_created', responseId: event.response_id });
        return;
      case 'model_response_done':
        this.responseRequested = false;
        this.onResponseDone(event);
        return;
      case 'model_response_tool_use_delta':
        if (this.droppedResponses.has(event.response_id)) return;
        this.emit(this.attributed({ ...event, type: 'agent_response_tool_use_delta' }));
        return;
      case 'model_response_tool_use_done':
        this.onToolUse(event);
        return;
      case 'model_tool_call_cancelled':
        this.emit(this.attributed({ ...event, type: 'agent_tool_call_cancelled' }));
        this.send$({ type: 'model.tool_calls_cancelled', callIds: event.call_ids });
        return;
      case 'model_input_transcription_delta':
        this.emit(this.attributed({ ...event, type: 'agent_input_transcription_delta' }));
        return;
      case 'model_input_transcription_done':
        this.emit(this.attributed({ ...event, type: 'agent_input_transcription_done' }));
        this.addHistory({ type: 'message', id: event.item_id, role: 'user', text: event.transcript });
        return;
      case 'model_input_started':
        this.emit(this.attributed({ ...event, type: 'agent_input_started' }));
        this.send$({ type: 'model.input_started', itemId: event.item_id });
        return;
      case 'model_input_done':
        this.metrics.userStopped();
        this.emit(this.attributed({ ...event, type: 'agent_input_done' }));
        return;
      case 'model_error':
        this.responseRequested = false;
        if (event.fatal) this.emitFatalOnce(event.error_type, event.code, event.message);
        else this.emit(this.attributed({ ...event, type: 'agent_error' }));
        return;
      case 'model_session_created':
      case 'model_session_ended':
      case 'model_raw':
        // Connection-level: the connection actor handles the session; raw provider events stay on
        // `modelConnection.events$` for whoever wants them.
        return;
    }
  }

  private onResponseDone(event: ModelEvent & { type: 'model_response_done' }): void {
    const responseId = event.response_id;
    const dropped = this.droppedResponses.has(responseId);
    if (!dropped) {
      for (const [itemId, item] of this.assistantItems) {
        if (item.responseId !== responseId) continue;
        this.addHistory({
          type: 'message',
          id: itemId,
          role: 'assistant',
          text: item.text,
          speaker: this.currentPersona().name,
        });
      }
      this.guardrails?.responseDone(responseId, this.responseText(responseId));
    }
    this.emit(this.attributed({ ...event, type: 'agent_response_done' }));
    const metrics = this.metrics.responseDone(responseId);
    if (metrics) {
      const toolDurations: Record<string, number> = { ...metrics.toolDurationsMs };
      this.emit(
        this.attributed({
          type: 'agent_turn_metrics',
          response_id: responseId,
          ...(metrics.timeToFirstAudioMs === undefined
            ? {}
            : { time_to_first_audio_ms: metrics.timeToFirstAudioMs }),
          ...(metrics.e2eMs === undefined ? {} : { e2e_ms: metrics.e2eMs }),
          interrupted: metrics.interrupted,
          tool_durations_ms: toolDurations,
        }),
      );
    }
    this.send$({ type: 'model.response_done', responseId, status: event.status });
    this.forgetResponse(responseId);
  }

  private onToolUse(event: ModelEvent & { type: 'model_response_tool_use_done' }): void {
    if (this.droppedResponses.has(event.response_id)) return;
    const { tool_use: call } = event;
    this.followUpResponses.add(event.response_id);
    this.emit(this.attributed({ ...event, type: 'agent_response_tool_use_done' }));
    this.addHistory({
      type: 'function_call',
      id: event.item_id,
      callId: call.id,
      name: call.name,
      arguments: call.raw_input,
    });
    const target = this.currentPersona().handoffs.find((h) => h.toolName === call.name);
    if (target) {
      this.personas.set(target.agent.name, this.personas.get(target.agent.name) ?? target.agent);
      this.send$({
        type: 'model.handoff_call',
        responseId: event.response_id,
        callId: call.id,
        toolName: call.name,
        target: target.agent.name,
      });
      return;
    }
    const found = this.findTool(call.name);
    this.send$({
      type: 'model.tool_call',
      responseId: event.response_id,
      callId: call.id,
      name: call.name,
      arguments: call.raw_input,
      timeoutMs: found?.tool.timeoutMs ?? this.options.toolTimeoutMs ?? 30_000,
    });
  }

  private onGuardrailTrip(responseId: string, trip: GuardrailTrip): void {
    this.send$({ type: 'guardrail.tripped', responseId, ...trip });
  }

  // --- effects the machine asks for -------------------------------------------------------------

  private interruptResponse(context: RealtimeAgentContext): void {
    const responseId = context.responseId;
    const connection = this.connection;
    if (!responseId || !connection) return;
    this.droppedResponses.add(responseId);
    this.metrics.interrupted(responseId);
    const audio = this.audioItem?.responseId === responseId ? this.audioItem : undefined;
    const itemId = audio?.itemId ?? this.firstItemOf(responseId);
    if (itemId !== undefined) {
      const sentMs = audio ? audioDurationMs(audio.bytes, audio.format) : 0;
      const heardMs = audio ? heardPositionMs(sentMs, this.playback.get(itemId)) : 0;
      // Clients clear their playback on this event, so it goes out before anything else.
      this.emit(
        this.attributed({
          type: 'agent_response_interrupted',
          response_id: responseId,
          item_id: itemId,
          audio_end_ms: heardMs,
        }),
      );
      const text = this.assistantItems.get(itemId)?.text ?? '';
      this.addHistory({
        type: 'message',
        id: itemId,
        role: 'assistant',
        // Text-only output was shown whole; spoken output keeps the share that was heard.
        text: audio ? truncateToHeard(text, heardMs, sentMs) : text,
        speaker: this.currentPersona().name,
      });
      connection.cancelResponse();
      if (audio) connection.truncate(itemId, heardMs);
    } else {
      connection.cancelResponse();
    }
  }

  /** A call ended: its output joins the history and clients get `agent_response_tool_result`. */
  private reportToolOutcome(outcome: ToolOutcome): void {
    this.metrics.toolFinished(outcome.callId);
    this.addHistory({
      type: 'function_call_output',
      id: `${outcome.callId}_output`,
      callId: outcome.callId,
      output: outcome.output,
    });
    this.emit(
      this.attributed({
        type: 'agent_response_tool_result',
        tool_result: {
          id: outcome.callId,
          name: outcome.name,
          output: outcome.output,
          is_error: outcome.isError,
        },
      }),
    );
  }

  private submitToolOutcomes(context: RealtimeAgentContext, respond: boolean): void {
    const connection = this.connection;
    if (!connection || context.toolOutcomes.length === 0) return;
    for (const outcome of context.toolOutcomes) {
      connection.send({
        type: 'tool_result',
        callId: outcome.callId,
        name: outcome.name,
        output: outcome.output,
        isError: outcome.isError,
      });
      // Already recorded when the call ended; a handoff's answer is recorded only here.
      if (!this.conversation.get(`${outcome.callId}_output`)) {
        this.addHistory({
          type: 'function_call_output',
          id: `${outcome.callId}_output`,
          callId: outcome.callId,
          output: outcome.output,
        });
      }
    }
    if (respond) connection.createResponse();
  }

  private swapPersona(context: RealtimeAgentContext): void {
    const target = context.handoff ? this.personas.get(context.handoff.target) : undefined;
    if (!target || !this.connection || !this.session) return;
    // One session update; the audio formats are not part of it, so they stay as they are.
    const patch = this.personaSession(target);
    this.session = { ...this.session, ...patch };
    this.connection.updateSession(patch);
    this.emit(this.attributed({ type: 'agent_handoff', from: context.persona, to: target.name }));
  }

  private reportGuardrailTrip(context: RealtimeAgentContext): void {
    const trip = context.trip;
    if (!trip || !this.connection) return;
    this.emit(
      this.attributed({
        type: 'agent_guardrail_tripped',
        response_id: trip.responseId,
        guardrail: trip.guardrail,
        message: trip.message,
        text: trip.text,
      }),
    );
    this.connection.send({ type: 'text', role: 'system', text: guardrailFeedback(trip) });
    this.connection.createResponse();
  }

  // --- client input ---------------------------------------------------------------------------

  private dispatchClientEvent(event: ClientEvent): void {
    const connection = this.connection as ModelConnection;
    switch (event.type) {
      case 'client_session_create':
        this.applySessionConfig(event);
        return;
      case 'client_session_end':
        void this.stop();
        return;
      case 'client_response_create': {
        // Already answering (or about to) the latest input: one response per input, not two.
        const state = this.state;
        if (this.responseRequested || state === 'responding' || state === 'runningTools') return;
        connection.createResponse();
        return;
      }
      case 'client_response_cancel': {
        const state = this.state;
        if (state === 'responding' || state === 'runningTools') this.send$({ type: 'user.cancel' });
        // Already being cancelled (e.g. a truncate arrived first): cancelling is idempotent.
        else if (state === 'interrupted') return;
        else {
          this.emitError(
            'invalid_request_error',
            'response_cancel_not_active',
            `client_response_cancel: there is no response to cancel (agent is ${state})`,
          );
        }
        return;
      }
      case 'client_text_append':
        this.userText(event.text);
        return;
      case 'client_audio_append':
        this.userAudio(event);
        return;
      case 'client_audio_commit':
        connection.send({ type: 'audio_commit' });
        return;
      case 'client_image_append': {
        const model = this.model as RealtimeModel;
        if (!model.capabilities.imageInput) {
          this.emitError(
            'invalid_request_error',
            'unsupported_input',
            `client_image_append: the ${model.provider} model does not accept images`,
          );
          return;
        }
        connection.send({
          type: 'image',
          image: Buffer.from(event.image, 'base64'),
          mimeType: event.format.mime_type,
        });
        return;
      }
      case 'client_tool_result':
        connection.send({ type: 'tool_result', callId: event.id, name: event.name, output: event.output });
        this.addHistory({
          type: 'function_call_output',
          id: `${event.id}_output`,
          callId: event.id,
          output: event.output,
        });
        this.emit(
          this.attributed({
            type: 'agent_response_tool_result',
            tool_result: { id: event.id, name: event.name, output: event.output, is_error: false },
          }),
        );
        connection.createResponse();
        return;
      case 'client_playback_position':
        this.playback.delete(event.item_id);
        this.playback.set(event.item_id, event.audio_end_ms);
        trim(this.playback);
        return;
      case 'client_tool_approval':
        this.send$({
          type: 'tool.approval',
          callId: event.call_id,
          approved: event.approved,
          ...(event.reason === undefined ? {} : { reason: event.reason }),
        });
        return;
    }
  }

  private applySessionConfig(event: ClientEventOf<'client_session_create'>): void {
    const { config } = event;
    const session = this.session as SessionConfig;
    for (const key of ['input_audio_format', 'output_audio_format'] as const) {
      const wanted = config[key];
      const current = key === 'input_audio_format' ? session.inputAudioFormat : session.outputAudioFormat;
      if (wanted && (wanted.type !== current.type || wanted.rate !== current.rate)) {
        this.emitError(
          'invalid_request_error',
          'unsupported_session_update',
          `client_session_create: ${key} cannot change on a running session (it is ${current.type} at ${current.rate} Hz)`,
        );
      }
    }
    const patch: { -readonly [K in keyof SessionConfig]?: SessionConfig[K] } = {};
    if (config.instructions !== undefined) patch.instructions = config.instructions;
    if (config.voice !== undefined) patch.voice = config.voice;
    if (config.modalities !== undefined) patch.modalities = config.modalities;
    if (Object.keys(patch).length > 0) {
      this.session = { ...session, ...patch };
      (this.connection as ModelConnection).updateSession(patch);
    }
    this.emit({
      type: 'server_session_updated',
      session_id: event.session_id ?? this.id,
      config: { ...patch },
    });
  }

  private userText(text: string, speaker?: string): void {
    const connection = this.connection as ModelConnection;
    this.addUserMessage(text, speaker);
    // Typing while the agent speaks is a barge-in too.
    if (this.state === 'responding') this.send$({ type: 'user.cancel' });
    connection.send({ type: 'text', text, role: 'user', ...(speaker === undefined ? {} : { speaker }) });
    this.responseRequested = true;
    connection.createResponse();
  }

  private userAudio(event: ClientEventOf<'client_audio_append'>): void {
    const model = this.model as RealtimeModel;
    const { format } = event;
    const accepted = model.capabilities.inputFormats.some(
      (f) => f.type === format.type && f.rate === format.rate,
    );
    if (!accepted) {
      const key = `${format.type}@${format.rate}`;
      if (!this.reportedFormats.has(key)) {
        this.reportedFormats.add(key);
        const known = model.capabilities.inputFormats.map((f) => `${f.type} at ${f.rate} Hz`).join(', ');
        this.emitError(
          'invalid_request_error',
          'unsupported_audio_format',
          `client_audio_append: the ${model.provider} model takes ${known}, not ${format.type} at ${format.rate} Hz; this format is dropped (reported once)`,
        );
      }
      return;
    }
    (this.connection as ModelConnection).send({
      type: 'audio',
      audio: Buffer.from(event.audio, 'base64'),
      format,
    });
  }

  private addUserMessage(text: string, speaker?: string): void {
    this.addHistory({
      type: 'message',
      id: `${this.id}_user_${++this.userMessages}`,
      role: 'user',
      text,
      ...(speaker === undefined ? {} : { speaker }),
    });
  }

  // --- bookkeeping ----------------------------------------------------------------------------

  private addHistory(item: ConversationItem): void {
    this.conversation.upsert(item);
    this.emit(this.attributed({ type: 'agent_history_updated', items: this.conversation.items.length }));
  }

  private assistantItem(responseId: string, itemId: string): AssistantItem {
    let item = this.assistantItems.get(itemId);
    if (!item) {
      item = { responseId, text: '' };
      this.assistantItems.set(itemId, item);
    }
    return item;
  }

  private responseText(responseId: string): string {
    let text = '';
    for (const item of this.assistantItems.values()) if (item.responseId === responseId) text += item.text;
    return text;
  }

  private firstItemOf(responseId: string): string | undefined {
    for (const [itemId, item] of this.assistantItems) if (item.responseId === responseId) return itemId;
    return undefined;
  }

  private forgetResponse(responseId: string): void {
    for (const [itemId, item] of this.assistantItems) {
      if (item.responseId === responseId) this.assistantItems.delete(itemId);
    }
    this.followUpResponses.delete(responseId);
    trim(this.droppedResponses);
  }

  private resetStreaming(): void {
    // A dropped connection loses the response in flight; its late events must not leak out.
    for (const item of this.assistantItems.values()) this.droppedResponses.add(item.responseId);
    if (this.audioItem) this.droppedResponses.add(this.audioItem.responseId);
    this.assistantItems.clear();
    trim(this.droppedResponses);
  }

  private endsTurn(event: ServerEvent): boolean {
    switch (event.type) {
      case 'agent_response_done':
        return event.status !== 'completed' || !this.followUpResponses.has(event.response_id);
      case 'agent_handoff':
        return this.peers.has(event.to);
      case 'agent_ended':
        return true;
      default:
        return false;
    }
  }

  private isRunning(): boolean {
    const state = this.state;
    return this.ref !== undefined && state !== 'stopped' && state !== 'failed' && state !== 'stopping';
  }

  private attributed<E extends { type: ServerEventType }>(
    event: E,
  ): E & { agent_id: string; agent_name: string } {
    return { ...event, agent_id: this.id, agent_name: this.name };
  }

  private emitError(errorType: string, code: string, message: string, fatal = false): void {
    this.emit(this.attributed({ type: 'agent_error', error_type: errorType, code, message, fatal }));
  }

  /**
   * Reports a fatal error unless one with the same code was reported already: a fatal
   * `model_error` ends the connection, and the agent's failure that follows repeats its code and
   * message, so clients would otherwise see the one error twice.
   */
  private emitFatalOnce(errorType: string, code: string, message: string): void {
    if (this.reportedFatalCodes.has(code)) return;
    this.reportedFatalCodes.add(code);
    this.emitError(errorType, code, message, true);
  }

  private emit(event: ServerEvent): void {
    if (this.out.closed) return;
    this.out.next(event);
    const callbacks = this.observers.get(event.type);
    if (!callbacks) return;
    for (const callback of callbacks) {
      try {
        callback(event);
      } catch (error) {
        this.reportObserverError(event, error);
      }
    }
  }

  private deliver(outgoing: Partial<Observer<ServerEvent>>, event: ServerEvent): void {
    try {
      outgoing.next?.(event);
    } catch (error) {
      this.reportObserverError(event, error);
    }
  }

  private reportObserverError(event: ServerEvent, error: unknown): void {
    // An observer that also throws on its own error report must not loop.
    if (event.type === 'agent_error' && event.code === 'observer_error') return;
    this.emitError(
      'server_error',
      'observer_error',
      `an observer of ${event.type} threw: ${describe(error)}`,
    );
  }

  private teardown(): void {
    if (this.out.closed) return;
    this.readyCheck?.();
    this.readyCheck = undefined;
    this.connection?.release();
    // A spawned agent's actor belongs to its parent (the room stops it); only a root is ours to stop.
    if (this.ref && this.ref === this.rootActor) this.ref.stop();
    this.subscriptions.unsubscribe();
    this.observers.clear();
    this.out.complete();
  }
}

function stateOf(value: unknown): RealtimeAgentState {
  if (typeof value === 'string') return value as RealtimeAgentState;
  const session = (value as { session?: unknown }).session;
  return (typeof session === 'string' ? session : 'connecting') as RealtimeAgentState;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keeps a map or set of per-item bookkeeping from growing without bound (oldest go first). */
function trim(collection: Map<string, unknown> | Set<string>): void {
  while (collection.size > MAX_TRACKED_ITEMS) {
    const oldest = collection.keys().next().value as string;
    collection.delete(oldest);
  }
}

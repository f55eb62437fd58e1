import type { ClientEvent, ServerEvent, ServerEventOf } from '@chorus/protocol';
import { parseClientEvent } from '@chorus/protocol';
import { filter, type Observable, type Observer, Subscription } from 'rxjs';
import { type ActorRefFrom, type AnyActorRef, createActor, toPromise, waitFor } from 'xstate';
import { type ChorusClock, clockNow, systemClock } from '../clock.js';
import { type ConnectionStatus, ModelConnection } from '../connection/model-connection.js';
import { retryPolicy } from '../connection/retry-policy.js';
import { GuardrailMonitor } from '../guardrails/guardrail-monitor.js';
import { type OutputGuardrail, runOutputGuardrails } from '../guardrails/output-guardrail.js';
import { handoff } from '../handoff/handoff.js';
import type { ConversationItem, RealtimeModel, SessionConfig } from '../model/realtime-model.js';
import type { HeardMessage, MemberStartOptions, RoomMember } from '../room/member.js';
import { DigitCollector } from '../tools/collect-digits.js';
import type { AnyTool } from '../tools/tool.js';
import { mergeSourceTools, type ToolSource } from '../tools/tool-source.js';
import { AgentCues, type SayOptions } from './agent-cues.js';
import { AgentEmitter, describeError } from './agent-emitter.js';
import { AgentHistory } from './agent-history.js';
import { createAgentLogic } from './agent-logic.js';
import { applySessionConfig, type ClientTools, initialSession, personaSession } from './agent-session.js';
import { agentStateOf, hasFollowUp, isDropped, type RealtimeAgentSnapshot } from './agent-snapshot.js';
import { AgentToolSources } from './agent-tool-sources.js';
import { ClientInput } from './client-input.js';
import { type AgentShape, type ShapingReport, shapeMembers } from './client-shaping.js';
import { FalseInterruptionRecovery, resumeInstructions } from './false-interruption.js';
import type { HistoryUpdate } from './history-edit.js';
import { ModelEventRouter } from './model-event-router.js';
import { type Handoff, isHandoff, type Persona } from './persona.js';
import { PersonaRoster } from './persona-roster.js';
import type {
  RealtimeAgentContext,
  RealtimeAgentEmitted,
  RealtimeAgentEvent,
  RealtimeAgentInput,
} from './realtime-agent.context.js';
import type { RealtimeAgentState, realtimeAgentMachine } from './realtime-agent.machine.js';
import type { RealtimeAgentOptions } from './realtime-agent-options.js';
import { interruptResponse } from './response-interruption.js';
import { StreamingItems } from './streaming-items.js';
import { reportToolOutcome, submitToolOutcomes } from './tool-outcomes.js';
import { TurnMetricsRecorder } from './turn-metrics.js';
import { TurnStream } from './turn-stream.js';

export type { HandoffTarget, RealtimeAgentOptions } from './realtime-agent-options.js';

type ServerEventType = ServerEvent['type'];
type AgentActorRef = ActorRefFrom<typeof realtimeAgentMachine>;

/**
 * A realtime voice (or text) agent: an XState actor ({@link realtimeAgentMachine}) that owns one
 * model connection, maps model events to `agent_*` server events and client events to the model,
 * runs tools, handoffs and output guardrails, handles barge-in, and keeps the conversation history.
 *
 * Audio deltas go straight from the model to `events$` (never through the actor); control events
 * go through the actor. Implements {@link RoomMember}, so a `ChatRoom` can host it.
 *
 * The class wires and owns the lifecycle; the concerns live beside it: {@link ModelEventRouter}
 * (model events out), {@link ClientInput} (client events in), {@link createAgentLogic} (the
 * machine's effects), {@link AgentEmitter} (events and observers), {@link StreamingItems},
 * {@link PersonaRoster}, and the session, interruption and tool-outcome functions.
 */
export class RealtimeAgent implements RoomMember, Persona {
  readonly id: string;
  /** Tool sources (MCP servers) whose tools join `tools` while the agent runs. */
  readonly mcpServers: readonly ToolSource[];
  readonly outputGuardrails: readonly OutputGuardrail[];
  readonly model: RealtimeModel | undefined;
  /** Every server event this agent emits, attributed with `agent_id` and `agent_name`. */
  readonly events$: Observable<ServerEvent>;

  private readonly options: RealtimeAgentOptions;
  private readonly emitter: AgentEmitter;
  private readonly subscriptions = new Subscription();
  private readonly conversation: AgentHistory;
  private readonly cues: AgentCues;
  private readonly metrics: TurnMetricsRecorder;
  private readonly streaming = new StreamingItems((id) => isDropped(this.snapshot(), id));
  private readonly personas: PersonaRoster;
  private readonly ownTools: readonly AnyTool[];
  private readonly toolSources = new AgentToolSources();
  private ref: AgentActorRef | undefined;
  private rootActor: AgentActorRef | undefined;
  private connection: ModelConnection | undefined;
  private input: ClientInput | undefined;
  private guardrails: GuardrailMonitor | undefined;
  private session: SessionConfig | undefined;
  private peers: ReadonlySet<string> = new Set();
  private shaped: AgentShape;
  /** The agent's own clock, or the room's once a room starts it without one of its own. */
  private clock: ChorusClock;

  constructor(options: RealtimeAgentOptions) {
    if (!options.name || options.name.trim() === '') throw new TypeError('a RealtimeAgent needs a name');
    this.options = options;
    this.id = options.id ?? options.name;
    this.shaped = { name: options.name, instructions: options.instructions, voice: options.voice };
    this.ownTools = options.tools ?? [];
    this.mcpServers = options.mcpServers ?? [];
    this.outputGuardrails = options.outputGuardrails ?? [];
    this.model = options.model;
    this.clock = options.clock ?? systemClock;
    this.metrics = new TurnMetricsRecorder(() => clockNow(this.clock)());
    this.emitter = new AgentEmitter(this.id, this.name);
    this.conversation = new AgentHistory(options.historySize, this.emitter);
    if (options.history) this.conversation.seed(options.history);
    this.cues = new AgentCues(this.emitter, () => void this.stop());
    AgentCues.settings(options.idlePrompt);
    this.events$ = this.emitter.events$;
    this.personas = new PersonaRoster(this, () => this.snapshot()?.context.persona);
    const names = new Set<string>();
    for (const t of this.tools) {
      if (names.has(t.name)) throw new TypeError(`agent ${this.name}: two tools are named ${t.name}`);
      names.add(t.name);
    }
  }

  /** The agent's tools now: its own, then its tool sources' (which may change while it runs). */
  get tools(): readonly AnyTool[] {
    return mergeSourceTools(this.ownTools, this.mcpServers).tools;
  }

  /** The name the model, clients and other room members know the agent by. */
  get name(): string {
    return this.shaped.name ?? this.options.name;
  }

  get instructions(): string {
    return this.shaped.instructions ?? this.options.instructions;
  }

  get voice(): string | undefined {
    return this.shaped.voice;
  }

  /**
   * Takes a client's shape (name, instructions, voice) before the agent starts; `agent_id` stays.
   * Throws once started: a running agent's identity is what everyone already saw.
   */
  reshape(shape: AgentShape): void {
    if (this.ref) throw new Error(`agent ${this.name} already started; it cannot be reshaped`);
    this.shaped = { ...this.shaped, ...shape };
    this.emitter.rename(this.name);
  }

  /**
   * Applies a private session's config before the agent starts: `instructions` and `voice` always,
   * `agent_name` when the agent allows clients to shape it (`clientShaping`). Says what it did.
   */
  shape(config: Readonly<Record<string, unknown>>): ShapingReport {
    const allowed = new Set(['instructions', 'voice'] as const);
    const fields = this.options.clientShaping ? new Set([...allowed, 'name' as const]) : allowed;
    return shapeMembers(config, [this], fields, `agent ${this.name} does not let clients rename it`);
  }

  /** The handoffs this agent offers, normalized. */
  get handoffs(): readonly Handoff[] {
    const source = this.options.handoffs;
    const targets = typeof source === 'function' ? source() : (source ?? []);
    return targets.map((target) => (isHandoff(target) ? target : handoff(target)));
  }

  /** The lifecycle state: `idle`, `connecting`, `listening`, `responding`, `interrupted`, ... */
  get state(): RealtimeAgentState {
    return agentStateOf(this.snapshot());
  }

  /**
   * The agent as it is now, as events (ready, and its lifecycle state), for a client that attaches
   * after it started. Empty before `start` and after `stop`.
   */
  present(): ServerEvent[] {
    const state = this.state;
    if (state === 'idle' || state === 'stopped' || state === 'failed') return [];
    const who = { agent_id: this.id, agent_name: this.name };
    return [
      { type: 'agent_ready', ...who },
      { type: 'agent_state_changed', ...who, state },
    ];
  }

  /** The agent's XState actor (for the inspector); undefined before `start`. */
  get actor(): AnyActorRef | undefined {
    return this.ref;
  }

  /** The conversation so far (user, assistant, tool items), with truncations applied. */
  get history(): readonly ConversationItem[] {
    return this.conversation.items;
  }

  /** History items dropped to stay within `historySize`. */
  get droppedHistoryItems(): number {
    return this.conversation.conversation.droppedCount;
  }

  /**
   * Prior conversation items the agent starts from (resuming yesterday's call); the model gets them
   * when it connects. Before `start` only; a room seeds its agents this way.
   */
  seedHistory(items: readonly ConversationItem[]): void {
    this.conversation.seed(items);
  }

  /**
   * Reads, appends, replaces or deletes history items, before or while the agent runs, with the
   * model's copy updated to match (see the package README for what each provider can apply).
   * Clients follow through `agent_history_updated`. Returns the history after the edit; throws,
   * changing nothing, when the new history is invalid (duplicate or empty ids, too many items).
   */
  updateHistory(update: HistoryUpdate): readonly ConversationItem[] {
    return this.conversation.update(update);
  }

  /**
   * The user's client dropped and the gateway holds the session (`away`), or it came back. While
   * away the idle prompt waits: nobody is there to hear it. `user` is ignored (one user per agent).
   */
  setAway(_user: { readonly id: string } | null, away: boolean): void {
    this.cues.away(away);
  }

  /**
   * Speaks a fixed line through the model's voice (a greeting, a scripted disclosure) as soon as
   * the agent is free; it is recorded in the history as the agent's words. `interruptible: false`
   * keeps the user's speech from cutting it off.
   */
  say(text: string, options: SayOptions = {}): void {
    if (!this.isRunning()) throw new Error(`agent ${this.name} is ${this.state}; start it before say()`);
    this.cues.say(text, options);
  }

  /** The persona in charge after handoffs (the agent itself until one happens). */
  get activeAgent(): Persona {
    return this.personas.current();
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
    return this.emitter.on(type, callback);
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
    if (this.ref || this.toolSources.started) throw new Error(`agent ${this.name} was already started`);
    const model = this.model;
    if (!model) throw new Error(`agent ${this.name} has no model; pass { model } to start it`);
    if (this.emitter.closed) throw new Error(`agent ${this.name} was stopped; create a new one`);
    this.peers = new Set(options.peers ?? []);
    // One clock for the whole room: an agent without its own keeps time on the room's.
    if (!this.options.clock && options.clock) this.clock = options.clock;
    this.personas.collect();
    if (outgoing) this.subscriptions.add(this.emitter.subscribe(outgoing));
    // Only an agent with tool sources waits for them (start stays synchronous up to `ready`).
    const sources = this.personas.all().flatMap((persona) => persona.mcpServers);
    if (sources.length > 0) await this.startToolSources(sources);
    const connection = new ModelConnection(model, {
      retry: this.options.retry,
      random: this.options.random,
      maxBufferedInputs: this.options.maxBufferedInputs,
      history: () => this.conversation.items,
      // Only a clock someone gave: a model built with its own clock keeps it otherwise.
      ...(this.clock !== systemClock ? { clock: this.clock } : {}),
    });
    this.connection = connection;
    this.conversation.attach(connection);
    this.cues.attach(connection, () => this.snapshot()?.children.cues);
    this.guardrails = this.createGuardrailMonitor();
    const { emitter, streaming, metrics, personas } = this;
    const addHistory = (item: ConversationItem) => this.addHistory(item);
    const toActor = (event: RealtimeAgentEvent) => this.send$(event);
    const clientTools: ClientTools = {
      own: () => new Set(personaSession(personas.current(), undefined).tools.map((t) => t.name)),
      current: new Set(),
    };
    let responseClientTools: ReadonlySet<string> = new Set();
    const digits = new DigitCollector(this.clock);
    const clientInput = new ClientInput({
      connection,
      model,
      emitter,
      streaming,
      addHistory,
      toActor,
      snapshot: () => this.snapshot(),
      applySession: (event) =>
        applySessionConfig(
          event,
          this.session as SessionConfig,
          connection,
          emitter,
          (session) => {
            this.session = session;
          },
          clientTools,
        ),
      stop: () => void this.stop(),
      // A response's own client tools replace the session's for it; the agent's own stay offered.
      responseTools: (declared) => {
        const own = clientTools.own();
        const accepted = declared.filter((t) => !own.has(t.name));
        responseClientTools = new Set(accepted.map((t) => t.name));
        const session = this.session as SessionConfig;
        return [
          ...session.tools.filter((t) => !clientTools.current.has(t.name)),
          ...accepted.map((t) => ({
            name: t.name,
            description: t.description ?? '',
            parameters: t.parameters ?? { type: 'object', properties: {} },
          })),
        ];
      },
      digits,
    });
    this.input = clientInput;
    const router = new ModelEventRouter({
      emitter,
      streaming,
      metrics,
      personas,
      guardrails: this.guardrails,
      addHistory,
      toActor,
      isClientTool: (name) => clientTools.current.has(name) || responseClientTools.has(name),
      toolTimeoutMs: this.options.toolTimeoutMs,
    });
    const interruption = {
      connection,
      streaming,
      metrics,
      emitter,
      addHistory,
      speaker: () => personas.current().name,
    };
    const recovery = this.falseInterruptions(connection);
    const logic = createAgentLogic({
      connection,
      emitter,
      metrics,
      findTool: (name) => personas.findTool(name),
      isPeer: (name) => this.peers.has(name),
      interruptResponse: ({ responseId }) => {
        // An out-of-band response's heard words stay out of the history too.
        if (!responseId) return;
        const scope = router.isOutOfBand(responseId)
          ? { ...interruption, addHistory: () => {} }
          : interruption;
        const cut = interruptResponse(responseId, scope);
        if (cut) recovery?.cut(cut);
      },
      submitToolOutcomes: (context, respond) =>
        submitToolOutcomes(
          context.toolOutcomes,
          respond,
          connection,
          this.conversation.conversation,
          addHistory,
        ),
      swapPersona: (context) => this.swapPersona(context),
      reportToolOutcome: (outcome) => reportToolOutcome(outcome, emitter, metrics, addHistory),
      cues: this.cues.effects(),
      toolProgress: (callId, text) => this.cues.progress(callId, text),
      holdsFloorFirmly: () => this.cues.holdsFloorFirmly(),
      digits,
    });
    const input: RealtimeAgentInput = {
      agentName: this.name,
      interruptOnSpeech: this.options.turnDetection?.interruptResponse ?? true,
      retry: retryPolicy(this.options.retry),
      interruptSettleMs: this.options.interruptSettleMs,
      closeTimeoutMs: this.options.closeTimeoutMs,
      cues: AgentCues.settings(this.options.idlePrompt),
    };
    let ref: AgentActorRef;
    if (options.spawn) {
      // The room spawns the logic it is given, so its ref is this machine's.
      ref = await options.spawn(logic, this.id, input);
    } else {
      const actor = createActor(logic, {
        input,
        id: this.id,
        clock: this.clock,
        inspect: this.options.inspect,
      });
      ref = actor;
      this.rootActor = actor;
    }
    this.ref = ref;
    const announcements = ref.on('*', (event) => this.announce(event));
    const actorSubscription = ref.subscribe({
      error: (error: unknown) => this.onActorError(error),
      // Done (stopped or failed), or stopped by its room: released here too, so an agent ended by
      // its model (not by stop()) holds nothing.
      complete: () => queueMicrotask(() => this.teardown()),
    });
    this.subscriptions.add(() => {
      announcements.unsubscribe();
      actorSubscription.unsubscribe();
    });
    if (!options.spawn) ref.start();
    ref.send({ type: 'agent.start' });
    const ready = this.whenReady(ref);
    const child = ref.getSnapshot().children.connection;
    if (!child) throw new Error(`agent ${this.name}: the model connection did not start`);
    connection.attach(child);
    this.subscriptions.add(connection.events$.subscribe((event) => router.route(event)));
    this.subscriptions.add(connection.events$.subscribe((event) => this.cues.modelEvent(event)));
    this.subscriptions.add(connection.status$.subscribe((status) => this.onConnectionStatus(status)));
    this.session = initialSession(this, this.options, model);
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
      this.emitter.emitError('invalid_request_error', parsed.error.code, `${parsed.error.message}${where}`);
      return;
    }
    if (!this.isRunning()) {
      this.emitter.emitError(
        'invalid_request_error',
        'agent_not_running',
        `${parsed.event.type} ignored: agent ${this.name} is ${this.state}`,
      );
      return;
    }
    if (parsed.event.type === 'client_text_append') this.cues.userActive();
    try {
      (this.input as ClientInput).dispatch(parsed.event);
    } catch (error) {
      this.emitter.emitError(
        'server_error',
        'internal_error',
        `${parsed.event.type} failed: ${describeError(error)}`,
      );
    }
  }

  /** Another participant's words; the agent answers only when `respond` is true. */
  hear(message: HeardMessage): void {
    if (!this.isRunning()) return;
    if (message.respond) this.cues.userActive();
    (this.input as ClientInput).heard(message);
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
    this.cues.userActive();
    (this.input as ClientInput).userText(text);
    return stream;
  }

  /**
   * Stops the agent: aborts running tools, closes the model connection, emits `agent_ended`, and
   * releases every observer and subscription. Idempotent.
   */
  async stop(): Promise<void> {
    const ref = this.ref;
    if (ref && ref.getSnapshot().status === 'active') {
      // Settles when the machine reaches `stopped` or `failed` (final), or the actor errors or is stopped.
      const done = toPromise(ref).catch(() => undefined);
      ref.send({ type: 'agent.stop' });
      await done;
    }
    await this.toolSources.close();
    await this.guardrails?.settled();
    this.teardown();
  }

  // --- wiring ---------------------------------------------------------------------------------

  private async startToolSources(sources: readonly ToolSource[]): Promise<void> {
    await this.toolSources.start(
      sources,
      {
        clock: this.clock,
        report: ({ code, message }) => this.emitter.emitError('server_error', code, message),
      },
      () => this.refreshTools(),
    );
    if (this.emitter.closed) {
      await this.toolSources.close();
      throw new Error(`agent ${this.name} was stopped while starting`);
    }
    this.refreshTools();
  }

  /** A source's tools changed: the model's session gets the persona's tools in one update. */
  private refreshTools(): void {
    const persona = this.personas.current();
    // Only an agent knows which of its tools are its own; every persona is one in practice.
    const dropped =
      persona instanceof RealtimeAgent ? mergeSourceTools(persona.ownTools, persona.mcpServers).dropped : [];
    for (const name of dropped) {
      this.emitter.emitError('server_error', 'tool_dropped', `tool ${name} left out: the name is taken`);
    }
    const connection = this.connection;
    if (!connection || !this.session || !this.isRunning()) return;
    const { tools } = personaSession(persona, this.voice);
    if (JSON.stringify(tools) === JSON.stringify(this.session.tools)) return;
    this.session = { ...this.session, tools };
    connection.updateSession({ tools });
  }

  private createGuardrailMonitor(): GuardrailMonitor | undefined {
    if (this.outputGuardrails.length === 0) return undefined;
    return new GuardrailMonitor(
      this.options.outputGuardrailSettings?.debounceTextLength ?? 100,
      (text) => runOutputGuardrails(this.outputGuardrails, text, this.personas.current()),
      (responseId, trip) => this.send$({ type: 'guardrail.tripped', responseId, ...trip }),
      (guardrail, error) =>
        this.emitter.emitError(
          'server_error',
          'guardrail_error',
          `output guardrail ${guardrail} failed: ${describeError(error)}`,
        ),
    );
  }

  /** Resolves once the agent has announced it is ready; rejects if it stops or fails first. */
  private async whenReady(ref: AgentActorRef): Promise<void> {
    const snapshot = await waitFor(
      ref,
      (s) => s.context.ready || s.status !== 'active' || !isRunningState(agentStateOf(s)),
    ).catch((error: unknown) => {
      throw new Error(`agent ${this.name} could not start: ${describeError(error)}`);
    });
    if (snapshot.context.ready) return;
    const reason = snapshot.context.problem?.message ?? agentStateOf(snapshot);
    throw new Error(`agent ${this.name} could not start: ${reason}`);
  }

  // --- actor and connection events ------------------------------------------------------------

  /** What the machine announces, as the agent's server events. */
  private announce(event: RealtimeAgentEmitted): void {
    const emitter = this.emitter;
    switch (event.type) {
      case 'agent.state_changed':
        emitter.emit(emitter.attributed({ type: 'agent_state_changed', state: event.state }));
        this.cues.agentState(event.state);
        return;
      case 'agent.ready':
        emitter.emit(emitter.attributed({ type: 'agent_ready' }));
        return;
      case 'agent.failed':
        emitter.emitFatalOnce(
          'server_error',
          event.problem?.code ?? 'agent_failed',
          event.problem?.message ?? 'the agent failed',
        );
        return;
      case 'agent.ended':
        emitter.emit(emitter.attributed({ type: 'agent_ended' }));
        return;
    }
  }

  private onActorError(error: unknown): void {
    this.emitter.emitError(
      'server_error',
      'agent_actor_error',
      `agent ${this.name} crashed: ${describeError(error)}`,
      true,
    );
    queueMicrotask(() => this.teardown());
  }

  private onConnectionStatus(status: ConnectionStatus): void {
    const ref = this.ref;
    if (ref?.getSnapshot().status !== 'active') return;
    switch (status.state) {
      case 'connected':
        ref.send({ type: 'connection.connected' });
        break;
      case 'reconnecting': {
        // A response cut off mid-answer ends visibly and is asked for again (`answerAfterReconnect`).
        const lost = this.streaming.reset();
        ref.send({ type: 'connection.reconnecting', attempt: status.attempt, delayMs: status.delayMs, lost });
        break;
      }
      default:
        // closed and failed reach the agent as the connection actor's done event.
        break;
    }
  }

  private send$(event: RealtimeAgentEvent): void {
    const ref = this.ref;
    if (ref && ref.getSnapshot().status === 'active') ref.send(event);
  }

  // --- effects the machine asks for -------------------------------------------------------------

  private swapPersona(context: RealtimeAgentContext): void {
    const target = context.handoff ? this.personas.get(context.handoff.target) : undefined;
    if (!target || !this.connection || !this.session) return;
    // One session update; the audio formats are not part of it, so they stay as they are.
    const patch = personaSession(target, this.voice);
    this.session = { ...this.session, ...patch };
    this.connection.updateSession(patch);
    this.emitter.emit(
      this.emitter.attributed({ type: 'agent_handoff', from: context.persona, to: target.name }),
    );
  }

  // --- bookkeeping ----------------------------------------------------------------------------

  private addHistory(item: ConversationItem): void {
    this.conversation.record(item);
  }

  /** Resuming after false interruptions, when the agent asks for it; ends with the agent. */
  private falseInterruptions(connection: ModelConnection): FalseInterruptionRecovery | undefined {
    const options = this.options.resumeAfterFalseInterruption;
    if (!options) return undefined;
    const recovery = new FalseInterruptionRecovery({
      ...options,
      clock: this.clock,
      resume: (cut) => {
        // The model answering the backchannel itself: that answer gives way to the resumed reply.
        if (this.state === 'responding') this.ref?.send({ type: 'user.cancel' });
        connection.createResponse({ instructions: resumeInstructions(cut) });
      },
    });
    this.subscriptions.add(this.events$.subscribe((event) => recovery.observe(event)));
    this.subscriptions.add(() => recovery.dispose());
    return recovery;
  }

  private endsTurn(event: ServerEvent): boolean {
    switch (event.type) {
      case 'agent_response_done':
        return event.status !== 'completed' || !hasFollowUp(this.snapshot(), event.response_id);
      case 'agent_handoff':
        return this.peers.has(event.to);
      case 'agent_ended':
        return true;
      default:
        return false;
    }
  }

  private isRunning(): boolean {
    return this.ref !== undefined && isRunningState(this.state);
  }

  private snapshot(): RealtimeAgentSnapshot | undefined {
    return this.ref?.getSnapshot();
  }

  private teardown(): void {
    if (this.emitter.closed) return;
    this.connection?.release();
    void this.toolSources.close();
    // A spawned agent's actor belongs to its parent (the room stops it); only a root is ours to stop.
    if (this.ref && this.ref === this.rootActor) this.ref.stop();
    this.subscriptions.unsubscribe();
    this.emitter.close();
  }
}

/** Whether an agent in this state takes input (it has started and is not ending). */
function isRunningState(state: RealtimeAgentState): boolean {
  return state !== 'stopped' && state !== 'failed' && state !== 'stopping';
}

import type { ErrorCode, ModelEvent } from '@chorus/protocol';
import { BehaviorSubject, type Observable, Subject, type Subscription } from 'rxjs';
import {
  type Actor,
  type AnyActorRef,
  assign,
  createActor,
  fromPromise,
  type SnapshotFrom,
  waitFor,
} from 'xstate';
import { type ChorusClock, systemClock } from '../clock.js';
import type {
  ConversationItem,
  ModelInput,
  RealtimeModel,
  ResponseOptions,
  SessionConfig,
} from '../model/realtime-model.js';
import { InputBuffer } from './input-buffer.js';
import {
  type ConnectionProblem,
  type ConnectModelInput,
  type ModelConnectionState,
  modelConnectionMachine,
} from './model-connection.machine.js';
import { type RetryPolicy, retryDelay, retryPolicy } from './retry-policy.js';

export interface ModelConnectionOptions {
  /** Backoff settings; see {@link RetryPolicy}. */
  retry?: Partial<RetryPolicy>;
  /** Jitter source in [0, 1); inject a fixed one in tests. */
  random?: () => number;
  /** Most inputs kept while not connected (default 500, about 10 s of 20 ms audio frames). */
  maxBufferedInputs?: number;
  /** Timers for a standalone connection (`start`); an attached one uses its parent's clock. */
  clock?: ChorusClock;
  /** The conversation so far, passed to `connect` on every reconnect for resumption. */
  history?: () => readonly ConversationItem[];
}

/** The connection's status as its owner sees it. */
export type ConnectionStatus =
  | { readonly state: 'disconnected' }
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'connected' }
  | {
      readonly state: 'reconnecting';
      readonly attempt: number;
      readonly delayMs: number;
      readonly problem: ConnectionProblem | null;
    }
  | { readonly state: 'closing' }
  | { readonly state: 'closed'; readonly problem: ConnectionProblem | null }
  | { readonly state: 'failed'; readonly problem: ConnectionProblem | null };

/** `start()` rejected: the connection failed for good (fatal error, or out of attempts). */
export class ModelConnectionFailedError extends Error {
  readonly code: ErrorCode;
  readonly fatal: boolean;
  constructor(problem: ConnectionProblem | null) {
    super(problem?.message ?? 'the model connection failed');
    this.name = 'ModelConnectionFailedError';
    this.code = problem?.code ?? 'connect_failed';
    this.fatal = problem?.fatal ?? false;
  }
}

type Command =
  | { readonly kind: 'send'; readonly input: ModelInput }
  | { readonly kind: 'createResponse'; readonly options: ResponseOptions | undefined };

/**
 * One provider connection, driven by {@link modelConnectionMachine}: it connects, retries with
 * backoff, resumes with the history, and buffers input while not connected (bounded; an overflow
 * becomes a `model_error` on `events$`, never a silent drop). Use it standalone (`start`) or let a
 * parent machine invoke {@link ModelConnection.logic} and `attach` to the child.
 */
export class ModelConnection {
  /** The connection machine with this connection's provider calls filled in. */
  readonly logic;
  private readonly eventsSubject = new Subject<ModelEvent>();
  private readonly statusSubject = new BehaviorSubject<ConnectionStatus>({ state: 'disconnected' });
  private readonly buffer: InputBuffer<Command>;
  private readonly policy: RetryPolicy;
  private readonly clock: ChorusClock;
  private ref: AnyActorRef | undefined;
  private ownActor: Actor<typeof modelConnectionMachine> | undefined;
  private modelSubscription: Subscription | undefined;
  private actorSubscription: { unsubscribe(): void } | undefined;
  private overflowReported = false;

  /** Every model event, in order, plus this connection's own `model_error`s (buffer overflow). */
  readonly events$: Observable<ModelEvent> = this.eventsSubject.asObservable();
  /** The status, replaying the current one to new subscribers. */
  readonly status$: Observable<ConnectionStatus> = this.statusSubject.asObservable();

  constructor(
    readonly model: RealtimeModel,
    options: ModelConnectionOptions = {},
  ) {
    this.policy = retryPolicy(options.retry);
    const ownerClock = options.clock;
    this.clock = ownerClock ?? systemClock;
    this.buffer = new InputBuffer(options.maxBufferedInputs ?? 500);
    const random = options.random ?? Math.random;
    const history = options.history ?? (() => []);
    this.logic = modelConnectionMachine.provide({
      actors: {
        connectModel: fromPromise<void, ConnectModelInput>(({ input, signal }) => {
          // A first connection resumes too when the agent was seeded with prior history.
          const items = history();
          return model.connect(input.session, {
            ...(input.attempt > 0 || items.length > 0
              ? { resume: { history: items, attempt: input.attempt } }
              : {}),
            signal,
            // The owner's clock reaches the model too: its timers run on the same time as ours.
            ...(ownerClock ? { clock: ownerClock } : {}),
          });
        }),
        closeModel: fromPromise<void, void>(() => model.close()),
      },
      actions: {
        flushBufferedInput: () => this.flush(),
        releaseModel: () => {
          model.close().catch(() => {
            // The failure itself is already reported; a second error closing adds nothing.
          });
        },
        planRetry: assign({
          retryDelayMs: ({ context }) => retryDelay(context.retry, context.attempt, random),
        }),
      },
    });
  }

  /** The current state, e.g. `connected`, `reconnecting`, `closed`. */
  get state(): ModelConnectionState {
    const snapshot = this.snapshot();
    if (!snapshot) return 'disconnected';
    // A machine that threw (a failing provided action) has failed, whatever state it was in.
    if (snapshot.status === 'error') return 'failed';
    return topState(snapshot.value);
  }

  /** The connection's actor, once started or attached. */
  get actor(): AnyActorRef | undefined {
    return this.ref;
  }

  /** Inputs waiting for the connection. */
  get bufferedInputs(): number {
    return this.buffer.size;
  }

  /**
   * Starts a standalone connection (its own root actor on `clock`) and connects. Resolves once
   * connected; rejects with {@link ModelConnectionFailedError} if it fails for good first.
   */
  async start(session: SessionConfig): Promise<void> {
    if (this.ref) throw new Error('this ModelConnection was already started');
    const actor = createActor(this.logic, { input: { retry: this.policy }, clock: this.clock });
    this.ownActor = actor;
    this.attach(actor);
    actor.start();
    const ready = this.whenSettled();
    this.connect(session);
    await ready;
  }

  /** Adopts a child actor created from {@link ModelConnection.logic} by a parent machine. */
  attach(ref: AnyActorRef): void {
    if (this.ref) throw new Error('this ModelConnection is already attached to an actor');
    this.ref = ref;
    this.modelSubscription = this.model.events$.subscribe({
      next: (event) => this.onModelEvent(event),
      error: (error: unknown) =>
        this.emitError('model_stream_error', `the model's event stream failed: ${String(error)}`, true),
    });
    this.actorSubscription = ref.subscribe({
      next: (snapshot: ConnectionSnapshot) => this.onSnapshot(snapshot),
      // The machine's own failures (a throwing provided action) end it; report instead of crashing.
      error: (error: unknown) => {
        this.emitError('connection_actor_error', String(error), true);
        this.statusSubject.next({ state: 'failed', problem: actorProblem(error) });
      },
    });
  }

  /** Asks the machine to connect with this session. */
  connect(session: SessionConfig): void {
    this.requireActor().send({ type: 'connect', session });
  }

  /** Sends input now when connected, otherwise buffers it for replay after (re)connecting. */
  send(input: ModelInput): void {
    this.dispatch({ kind: 'send', input });
  }

  /** Asks for a response now when connected, otherwise after the buffered input is replayed. */
  createResponse(options?: ResponseOptions): void {
    this.dispatch({ kind: 'createResponse', options });
  }

  /**
   * Cancels the running response. While not connected there is none, so nothing is sent (a
   * reconnect starts without a response).
   */
  cancelResponse(): void {
    if (this.isConnected()) this.model.cancelResponse();
  }

  /**
   * Truncates an item. While not connected nothing is sent: the history replayed on reconnect
   * already holds the truncated text.
   */
  truncate(itemId: string, audioEndMs: number): void {
    if (this.isConnected() && this.model.capabilities.truncation) this.model.truncate(itemId, audioEndMs);
  }

  /** Changes the session; the change is also kept for every later reconnect. */
  updateSession(patch: Partial<SessionConfig>): void {
    this.ref?.send({ type: 'session.update', patch });
    if (this.isConnected()) this.model.updateSession(patch);
  }

  /** Asks the connection to close; `status$` goes `closing` then `closed`. */
  close(): void {
    const ref = this.ref;
    if (ref && ref.getSnapshot().status === 'active') ref.send({ type: 'stop' });
  }

  /** Closes the connection, waits until it is closed, and releases every subscription; idempotent. */
  async stop(): Promise<void> {
    const ref = this.ref;
    if (ref && ref.getSnapshot().status === 'active') {
      const done = this.whenFinal();
      ref.send({ type: 'stop' });
      await done;
    }
    this.release();
  }

  /** Unsubscribes from the model and the actor without closing anything (the owner closes). */
  release(): void {
    this.modelSubscription?.unsubscribe();
    this.modelSubscription = undefined;
    this.actorSubscription?.unsubscribe();
    this.actorSubscription = undefined;
    this.ownActor?.stop();
    this.reportOverflow();
    this.buffer.drain();
    if (!this.eventsSubject.closed) this.eventsSubject.complete();
    if (!this.statusSubject.closed) this.statusSubject.complete();
  }

  private requireActor(): AnyActorRef {
    if (!this.ref) throw new Error('start() or attach() the ModelConnection first');
    return this.ref;
  }

  /** Whether the model is connected now (input goes straight to it, not to the buffer). */
  isConnected(): boolean {
    return this.state === 'connected';
  }

  private snapshot(): ConnectionSnapshot | undefined {
    return this.ref?.getSnapshot() as ConnectionSnapshot | undefined;
  }

  private dispatch(command: Command): void {
    const state = this.state;
    if (state === 'connected') {
      // Input buffered while the flush ran (a synchronous model answering) goes first, in order.
      if (this.buffer.size > 0) this.flush();
      this.execute(command);
      return;
    }
    if (state === 'closing' || state === 'closed' || state === 'failed') {
      this.emitError(
        'connection_closed',
        `cannot send ${describeCommand(command)}: the connection is ${state}`,
      );
      return;
    }
    if (!this.buffer.offer(command) && !this.overflowReported) {
      this.overflowReported = true;
      this.emitError(
        'input_buffer_overflow',
        `the model is ${state}; the input buffer is full (${this.buffer.capacity} items) and newer input is being dropped`,
      );
    }
  }

  private execute(command: Command): void {
    if (command.kind === 'send') this.model.send(command.input);
    else this.model.createResponse(command.options);
  }

  private flush(): void {
    this.reportOverflow();
    const { items } = this.buffer.drain();
    for (const command of items) this.execute(command);
  }

  private reportOverflow(): void {
    const refused = this.buffer.refusedCount;
    if (refused > 0) {
      this.emitError(
        'input_buffer_overflow',
        `${refused} input(s) were dropped while the model was not connected`,
      );
    }
    this.overflowReported = false;
  }

  private emitError(code: ErrorCode, message: string, fatal = false): void {
    if (this.eventsSubject.closed) return;
    this.eventsSubject.next({ type: 'model_error', error_type: 'connection', code, message, fatal });
  }

  private onModelEvent(event: ModelEvent): void {
    const ref = this.ref;
    switch (event.type) {
      case 'model_session_ended':
        ref?.send({ type: 'model.session_ended', retryable: event.retryable, reason: event.reason });
        break;
      case 'model_error':
        // Subscribers get the error itself before the failure it causes (the provider's report
        // names the error type; the failure only repeats its code and message).
        this.eventsSubject.next(event);
        if (event.fatal) ref?.send({ type: 'model.fatal_error', code: event.code, message: event.message });
        return;
      default:
        break;
    }
    this.eventsSubject.next(event);
  }

  private onSnapshot(snapshot: ConnectionSnapshot): void {
    const state = topState(snapshot.value);
    const previous = this.statusSubject.value;
    const { context } = snapshot;
    let next: ConnectionStatus;
    switch (state) {
      case 'connecting':
        next = { state, attempt: context.attempt };
        break;
      case 'reconnecting':
        next = { state, attempt: context.attempt, delayMs: context.retryDelayMs, problem: context.problem };
        break;
      case 'closed':
      case 'failed':
        next = { state, problem: context.problem };
        break;
      default:
        next = { state };
    }
    if (previous.state === next.state && attemptOf(previous) === attemptOf(next)) return;
    this.statusSubject.next(next);
    // Input dispatched while the flush ran (a synchronous model answering) was buffered: send it too.
    if (next.state === 'connected' && this.buffer.size > 0) this.flush();
  }

  /** Connected, or failed for good first (released before either counts as closed). */
  private async whenSettled(): Promise<void> {
    const ref = this.requireActor();
    await waitFor(
      ref,
      (s: ConnectionSnapshot) => s.status !== 'active' || topState(s.value) === 'connected',
    ).catch(() => undefined);
    const snapshot = this.snapshot();
    if (snapshot?.status === 'active' && topState(snapshot.value) === 'connected') return;
    throw new ModelConnectionFailedError(problemOf(snapshot));
  }

  /** Closed or failed, or released. */
  private async whenFinal(): Promise<void> {
    await waitFor(this.requireActor(), (s: ConnectionSnapshot) => s.status !== 'active').catch(
      () => undefined,
    );
  }
}

type ConnectionSnapshot = SnapshotFrom<typeof modelConnectionMachine>;

/** Why a connection that is not connected ended: its machine's record, or the machine's own failure. */
function problemOf(snapshot: ConnectionSnapshot | undefined): ConnectionProblem | null {
  if (!snapshot || snapshot.status === 'stopped') return null;
  if (snapshot.status === 'error') return actorProblem(snapshot.error);
  return snapshot.context.problem;
}

function actorProblem(error: unknown): ConnectionProblem {
  return { code: 'connection_actor_error', message: String(error), fatal: true };
}

function attemptOf(status: ConnectionStatus): number | undefined {
  return 'attempt' in status ? status.attempt : undefined;
}

function topState(value: unknown): ModelConnectionState {
  if (typeof value === 'string') return value as ModelConnectionState;
  return Object.keys(value as object)[0] as ModelConnectionState;
}

function describeCommand(command: Command): string {
  return command.kind === 'send' ? `${command.input.type} input` : 'a response request';
}

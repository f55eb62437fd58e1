import type { ErrorCode, ErrorType, ServerEvent, ServerEventOf } from '@chorus/protocol';
import { type Observable, type Observer, Subject } from 'rxjs';

type ServerEventType = ServerEvent['type'];
type Callback = (event: ServerEvent) => void;

/**
 * Everything an agent says goes out here: its `events$` stream, the typed `on` observers, and the
 * attribution (`agent_id`, `agent_name`) every `agent_*` event carries. It owns the rule that an
 * observer's throw is reported as `agent_error` (`observer_error`) and never reaches the agent, so
 * every collaborator of the agent can emit without guarding.
 *
 * `emit` runs per audio frame: it does no work beyond the Subject and one map lookup.
 */
export class AgentEmitter {
  readonly events$: Observable<ServerEvent>;
  private readonly out = new Subject<ServerEvent>();
  private readonly observers = new Map<ServerEventType, Set<Callback>>();
  /** Codes of the fatal errors already reported: a fatal model error and the failure it causes are one. */
  private readonly reportedFatalCodes = new Set<string>();

  constructor(
    readonly agentId: string,
    private name: string,
  ) {
    this.events$ = this.out.asObservable();
  }

  /** The `agent_name` events carry. */
  get agentName(): string {
    return this.name;
  }

  /** A client shaped the agent before it started (see `RealtimeAgent.reshape`). */
  rename(name: string): void {
    this.name = name;
  }

  /** True once the agent released its outputs; nothing is emitted after that. */
  get closed(): boolean {
    return this.out.closed;
  }

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

  /** Passes every event to a start-time `outgoing` observer, with the same throw guard as `on`. */
  subscribe(outgoing: Partial<Observer<ServerEvent>>): { unsubscribe(): void } {
    return this.out.subscribe({ next: (event) => this.deliver(outgoing, event) });
  }

  attributed<E extends { type: ServerEventType }>(event: E): E & { agent_id: string; agent_name: string } {
    return { ...event, agent_id: this.agentId, agent_name: this.name };
  }

  emit(event: ServerEvent): void {
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

  emitError(errorType: ErrorType, code: ErrorCode, message: string, fatal = false): void {
    this.emit(this.attributed({ type: 'agent_error', error_type: errorType, code, message, fatal }));
  }

  /**
   * Reports a fatal error unless one with the same code was reported already: a fatal
   * `model_error` ends the connection, and the agent's failure that follows repeats its code and
   * message, so clients would otherwise see the one error twice.
   */
  emitFatalOnce(errorType: ErrorType, code: ErrorCode, message: string): void {
    if (this.reportedFatalCodes.has(code)) return;
    this.reportedFatalCodes.add(code);
    this.emitError(errorType, code, message, true);
  }

  /** Releases every observer and completes `events$`. */
  close(): void {
    this.observers.clear();
    this.out.complete();
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
      `an observer of ${event.type} threw: ${describeError(error)}`,
    );
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

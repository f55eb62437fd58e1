import type { ModelEvent } from '@chorus/protocol';

/** Where a realtime model's events come from: an RxJS `Observable<ModelEvent>` fits. */
export interface ModelEventSource {
  subscribe(next: (event: ModelEvent) => void): { unsubscribe(): void };
}

/**
 * Records every event a realtime model emits and lets a test wait for one. Waits run on real time
 * and are bounded, because the model and the fake talk over a real loopback socket.
 */
export class ModelEventRecorder {
  readonly events: ModelEvent[] = [];
  private readonly subscription: { unsubscribe(): void };
  private readonly waiters = new Set<() => void>();

  constructor(events$: ModelEventSource) {
    this.subscription = events$.subscribe((event) => {
      this.events.push(event);
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  ofType<T extends ModelEvent['type']>(type: T): Extract<ModelEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ModelEvent, { type: T }> => e.type === type);
  }

  /** The event types in order, without `model_raw`. */
  types(): string[] {
    return this.events.filter((e) => e.type !== 'model_raw').map((e) => e.type);
  }

  /** Resolves once `count` events of `type` arrived; rejects after `timeoutMs`, naming what did arrive. */
  waitFor(type: ModelEvent['type'], count = 1, timeoutMs = 5000): Promise<void> {
    const ready = () => this.ofType(type).length >= count;
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${count} x ${type}; got ${this.types().join(', ')}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}

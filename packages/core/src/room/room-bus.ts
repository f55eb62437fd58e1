import { Observable, Subject } from 'rxjs';

/**
 * The room's broadcast channel: every subscriber sees every event, all in the same order, and an
 * event published while another is being delivered waits until that one has reached everybody.
 *
 * A plain RxJS `Subject` delivers synchronously: if the first subscriber publishes in reaction to
 * event A, the nested event B reaches the remaining subscribers before A does, so subscribers
 * disagree on the order. The bus queues instead, and drains the queue on a microtask (never inside
 * `publish`), so delivery is asynchronous, FIFO and identical for every subscriber.
 *
 * Cost: one array push per event, one microtask per burst. Audio frames may travel here; nothing
 * here touches an actor mailbox.
 */
export class RoomBus<T> {
  readonly #subject = new Subject<T>();
  readonly #queue: T[] = [];
  #draining = false;
  #scheduled = false;
  #closing = false;
  #closed = false;
  #subscribers = 0;
  #idleWaiters: (() => void)[] = [];

  /** Every event published from now on, delivered asynchronously and in order. Completes on `close`. */
  readonly events$: Observable<T> = new Observable<T>((subscriber) => {
    if (this.#closed) {
      subscriber.complete();
      return;
    }
    this.#subscribers += 1;
    const inner = this.#subject.subscribe(subscriber);
    return () => {
      this.#subscribers -= 1;
      inner.unsubscribe();
    };
  });

  /** How many subscriptions to `events$` are open; 0 after `close`. */
  get subscriberCount(): number {
    return this.#subscribers;
  }

  /** Events published but not yet delivered. */
  get pending(): number {
    return this.#queue.length;
  }

  /** True once `close` was called: new events are refused. */
  get closed(): boolean {
    return this.#closing || this.#closed;
  }

  /**
   * Queues an event for delivery. Returns false (and delivers nothing) once the bus is closing, so a
   * late publisher can tell its event went nowhere.
   */
  publish(event: T): boolean {
    if (this.closed) return false;
    this.#queue.push(event);
    this.#schedule();
    return true;
  }

  /** Resolves once every event published so far has been delivered. */
  drained(): Promise<void> {
    if (this.#queue.length === 0 && !this.#draining) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Refuses new events, delivers the queued ones, then completes every subscriber. Resolves when
   * no subscription is left.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closing = true;
    await this.drained();
    this.#closed = true;
    this.#subject.complete();
  }

  #schedule(): void {
    if (this.#scheduled || this.#draining) return;
    this.#scheduled = true;
    // A resolved promise is a microtask that fake timers never hold back.
    void Promise.resolve().then(() => this.#drain());
  }

  #drain(): void {
    this.#scheduled = false;
    this.#draining = true;
    try {
      for (let event = this.#queue.shift(); event !== undefined; event = this.#queue.shift()) {
        this.#subject.next(event);
      }
    } finally {
      this.#draining = false;
    }
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

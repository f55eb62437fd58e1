import type { ServerEvent } from '@chorus/protocol';
import type { Observable, Subscription } from 'rxjs';

/**
 * The events of one turn as an async iterable. It subscribes at once (so nothing is missed even if
 * iteration starts late), buffers, and ends after the event `isLast` accepts, when the source
 * completes, or when the consumer stops iterating; then it unsubscribes.
 */
export class TurnStream implements AsyncIterableIterator<ServerEvent> {
  private readonly queue: ServerEvent[] = [];
  private readonly subscription: Subscription;
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(source: Observable<ServerEvent>, isLast: (event: ServerEvent) => boolean) {
    this.subscription = source.subscribe({
      next: (event) => {
        if (this.ended) return;
        this.queue.push(event);
        if (isLast(event)) this.end();
        this.wake?.();
      },
      complete: () => {
        this.end();
        this.wake?.();
      },
    });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ServerEvent> {
    return this;
  }

  async next(): Promise<IteratorResult<ServerEvent>> {
    for (;;) {
      const event = this.queue.shift();
      if (event) return { value: event, done: false };
      if (this.ended) return { value: undefined, done: true };
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<ServerEvent>> {
    this.end();
    this.queue.length = 0;
    return { value: undefined, done: true };
  }

  private end(): void {
    this.ended = true;
    // May run inside the subscribe call itself (a completed source), before `subscription` is set.
    queueMicrotask(() => this.subscription.unsubscribe());
  }
}

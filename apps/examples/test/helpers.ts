import type { ServerEvent, ServerEventOf } from '@chorus/protocol';
import type { Observable } from 'rxjs';
import { localModels } from '../src/index.js';

/** The local model 50 times faster than real time and without speech recognition: text turns only. */
export const fastModels = () => localModels({ speed: 50, transcriber: null });

/** Records a stream of server events, with a wait for the first event matching a predicate. */
export class Recorder {
  readonly events: ServerEvent[] = [];
  private readonly waiters = new Set<{ test: (e: ServerEvent) => boolean; resolve: () => void }>();
  private readonly subscription;

  constructor(events$: Observable<ServerEvent>) {
    this.subscription = events$.subscribe((event) => {
      this.events.push(event);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(event)) {
          this.waiters.delete(waiter);
          waiter.resolve();
        }
      }
    });
  }

  of<T extends ServerEvent['type']>(type: T): ServerEventOf<T>[] {
    return this.events.filter((e): e is ServerEventOf<T> => e.type === type);
  }

  /** `speaker: words` for every finished spoken line, in order. */
  lines(): string[] {
    return this.of('agent_response_audio_transcript_done').map((e) => `${e.agent_name}: ${e.transcript}`);
  }

  /** Resolves when an event (seen from now on, or already seen if `seen`) satisfies `test`. */
  waitFor(test: (e: ServerEvent) => boolean, { timeoutMs = 15_000, seen = false } = {}): Promise<void> {
    if (seen && this.events.some(test)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out; saw ${this.events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      const waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.add(waiter);
    });
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}

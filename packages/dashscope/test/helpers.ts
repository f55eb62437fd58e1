import type { ModelEvent } from '@chorus/protocol';
import type { Observable, Subscription } from 'rxjs';

/** Records every model event and lets a test wait for one (real time, bounded). */
export class EventRecorder {
  readonly events: ModelEvent[] = [];
  private readonly subscription: Subscription;
  private readonly waiters = new Set<() => void>();

  constructor(events$: Observable<ModelEvent>) {
    this.subscription = events$.subscribe((event) => {
      this.events.push(event);
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  ofType<T extends ModelEvent['type']>(type: T): Extract<ModelEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ModelEvent, { type: T }> => e.type === type);
  }

  types(): string[] {
    return this.events.filter((e) => e.type !== 'model_raw').map((e) => e.type);
  }

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

/** A simulated clock for adapter timers: nothing runs until `advance`. */
export class ManualClock {
  private current = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, timeout: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.current + Math.max(0, timeout), fn });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let dueId: number | undefined;
      let due: { at: number; fn: () => void } | undefined;
      for (const [id, timer] of this.timers) {
        if (timer.at <= target && (!due || timer.at < due.at)) {
          dueId = id;
          due = timer;
        }
      }
      if (!due || dueId === undefined) break;
      this.timers.delete(dueId);
      this.current = due.at;
      due.fn();
    }
    this.current = target;
  }
}

/** PCM16 bytes of `ms` at `rate`: a loud tone (speech to the fake's VAD) or silence. */
export function pcm(ms: number, rate: number, loud: boolean): Uint8Array {
  const count = Math.round((rate * ms) / 1000);
  const bytes = new Uint8Array(count * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++)
    view.setInt16(i * 2, loud ? Math.round(Math.sin((2 * Math.PI * 300 * i) / rate) * 12000) : 0, true);
  return bytes;
}

/** Splits audio into 20 ms frames. */
export function frames(bytes: Uint8Array, rate: number, frameMs = 20): Uint8Array[] {
  const size = ((rate * frameMs) / 1000) * 2;
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

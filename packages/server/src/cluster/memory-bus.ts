import { BehaviorSubject, type Observable } from 'rxjs';
import type { Clock } from '../clock.js';
import { type BusStats, type ClusterBus, emptyStats } from './cluster-bus.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The shared state of several `MemoryBus`es: what Redis is to `RedisBus`. Key expiry reads the
 * given clock, so leases and failover are tested on a simulated clock. `down()`/`up()` simulate
 * an outage for every bus on it.
 */
export class MemoryBusNetwork {
  readonly #keys = new Map<string, Entry>();
  readonly #lists = new Map<string, string[]>();
  readonly #channels = new Map<string, Set<(payload: string) => void>>();
  readonly #queue: Array<() => void> = [];
  #draining = false;
  readonly available$ = new BehaviorSubject(true);

  constructor(readonly clock: Clock) {}

  down(): void {
    this.#keys.clear();
    this.#lists.clear();
    this.available$.next(false);
  }

  up(): void {
    this.available$.next(true);
  }

  get(key: string): string | null {
    const entry = this.#keys.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.clock.now()) {
      this.#keys.delete(key);
      return null;
    }
    return entry.value;
  }

  set(key: string, value: string, ttlMs: number): void {
    this.#keys.set(key, {
      value,
      expiresAt: ttlMs > 0 ? this.clock.now() + ttlMs : Number.POSITIVE_INFINITY,
    });
  }

  delete(key: string): void {
    this.#keys.delete(key);
  }

  listOf(key: string): string[] {
    let list = this.#lists.get(key);
    if (!list) {
      list = [];
      this.#lists.set(key, list);
    }
    return list;
  }

  subscribe(channel: string, handler: (payload: string) => void): () => void {
    let set = this.#channels.get(channel);
    if (!set) {
      set = new Set();
      this.#channels.set(channel, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.#channels.delete(channel);
    };
  }

  /** Delivery is asynchronous and in one global order, as from one Redis connection. */
  publish(channel: string, payload: string, onDelivered: (handlers: number) => void): void {
    const handlers = [...(this.#channels.get(channel) ?? [])];
    onDelivered(handlers.length);
    this.#queue.push(() => {
      for (const handler of handlers) handler(payload);
    });
    if (this.#draining) return;
    this.#draining = true;
    queueMicrotask(() => this.#drain());
  }

  #drain(): void {
    while (this.#queue.length > 0) this.#queue.shift()?.();
    this.#draining = false;
  }
}

/** One process's connection to a `MemoryBusNetwork`. */
export class MemoryBus implements ClusterBus {
  readonly stats: BusStats = emptyStats();
  readonly #subscriptions = new Set<() => void>();
  /** Set by `sever`: this process is gone as far as the others can tell. */
  #severed = false;

  constructor(
    readonly network: MemoryBusNetwork,
    readonly processId: string,
  ) {}

  get available(): boolean {
    return !this.#severed && this.network.available$.value;
  }

  /**
   * Cuts this bus off without a word, as a process that died does: it says nothing more, hears
   * nothing more, and its leases are left to expire.
   */
  sever(): void {
    this.#severed = true;
  }

  get availability$(): Observable<boolean> {
    return this.network.available$;
  }

  #check(): void {
    if (!this.available) throw new Error('bus unavailable');
  }

  publish(channel: string, payload: string): boolean {
    if (!this.available) {
      this.stats.refused++;
      return false;
    }
    this.stats.published++;
    this.stats.bytesOut += payload.length;
    this.network.publish(channel, payload, () => undefined);
    return true;
  }

  async subscribe(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
    const off = this.network.subscribe(channel, (payload) => {
      if (!this.available) return;
      this.stats.received++;
      this.stats.bytesIn += payload.length;
      onMessage(payload);
    });
    this.#subscriptions.add(off);
    return async () => {
      this.#subscriptions.delete(off);
      off();
    };
  }

  async claim(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.#check();
    if (this.network.get(key) !== null) return false;
    this.network.set(key, value, ttlMs);
    return true;
  }

  async extend(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.#check();
    if (this.network.get(key) !== value) return false;
    this.network.set(key, value, ttlMs);
    return true;
  }

  async drop(key: string, value: string): Promise<void> {
    this.#check();
    if (this.network.get(key) === value) this.network.delete(key);
  }

  async read(key: string): Promise<string | null> {
    this.#check();
    return this.network.get(key);
  }

  async increment(key: string): Promise<number> {
    this.#check();
    const next = Number(this.network.get(key) ?? '0') + 1;
    this.network.set(key, String(next), 0);
    return next;
  }

  async appendGuarded(
    key: string,
    item: string,
    max: number,
    guardKey: string,
    guardValue: string,
  ): Promise<boolean> {
    this.#check();
    if (this.network.get(guardKey) !== guardValue) return false;
    const list = this.network.listOf(key);
    list.push(item);
    if (list.length > max) list.splice(0, list.length - max);
    return true;
  }

  async list(key: string): Promise<string[]> {
    this.#check();
    return [...this.network.listOf(key)];
  }

  async close(): Promise<void> {
    for (const off of this.#subscriptions) off();
    this.#subscriptions.clear();
  }
}

import { Redis } from 'ioredis';
import { BehaviorSubject, type Observable } from 'rxjs';
import { type BusStats, type ClusterBus, emptyStats } from './cluster-bus.js';

/** Extends a key's expiry only while it holds our value (a lease we still own). */
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes a key only while it holds our value. */
const DROP = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
/** Appends to a bounded list only while the guard (the room's lease) holds our value: fencing. */
const APPEND_GUARDED = `if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** How long a room's history outlives its last write (an abandoned room's history goes away). */
const HISTORY_TTL_MS = 60 * 60_000;

export interface RedisBusOptions {
  /** `redis://HOST:PORT` (optionally with a user, password and database number). */
  readonly url: string;
  readonly processId: string;
  /** Longest pause between reconnection attempts (default 2 s). */
  readonly maxRetryDelayMs?: number;
}

/**
 * The bus over Redis, with two connections: one for commands and publishing (one connection keeps
 * every publish in order), one subscribed. Commands fail at once while Redis is down (no offline
 * queue: a room event queued for minutes is worse than one refused now); both connections retry
 * on their own and resubscribe when Redis returns.
 */
export class RedisBus implements ClusterBus {
  readonly stats: BusStats = emptyStats();
  readonly processId: string;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #handlers = new Map<string, Set<(payload: string) => void>>();
  readonly #available = new BehaviorSubject(false);
  #closed = false;

  constructor(options: RedisBusOptions) {
    this.processId = options.processId;
    const maxDelay = options.maxRetryDelayMs ?? 2000;
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (attempt: number) => (this.#closed ? null : Math.min(50 * 2 ** attempt, maxDelay)),
    };
    this.#commands = new Redis(options.url, common);
    this.#subscriber = new Redis(options.url, { ...common, autoResubscribe: true });
    for (const client of [this.#commands, this.#subscriber]) {
      client.on('ready', () => this.#update());
      client.on('close', () => this.#update());
      client.on('end', () => this.#update());
      // Errors are reported through `available`; without a listener ioredis would print each one.
      client.on('error', () => this.#update());
    }
    this.#subscriber.on('message', (channel: string, payload: string) => {
      const handlers = this.#handlers.get(channel);
      if (!handlers) return;
      this.stats.received++;
      this.stats.bytesIn += payload.length;
      for (const handler of handlers) handler(payload);
    });
  }

  /** Connects both connections; resolves once Redis answered, or rejects (and keeps retrying). */
  async connect(): Promise<void> {
    await Promise.all([this.#commands.connect(), this.#subscriber.connect()]);
    this.#update();
  }

  #update(): void {
    const ready = !this.#closed && this.#commands.status === 'ready' && this.#subscriber.status === 'ready';
    if (ready !== this.#available.value) this.#available.next(ready);
  }

  get available(): boolean {
    return this.#available.value;
  }

  get availability$(): Observable<boolean> {
    return this.#available;
  }

  publish(channel: string, payload: string): boolean {
    if (!this.available) {
      this.stats.refused++;
      return false;
    }
    this.stats.published++;
    this.stats.bytesOut += payload.length;
    this.#commands.publish(channel, payload).catch(() => {
      this.stats.refused++;
    });
    return true;
  }

  async subscribe(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      try {
        await this.#subscriber.subscribe(channel);
      } catch (error) {
        this.#handlers.delete(channel);
        throw error;
      }
    }
    handlers.add(onMessage);
    return async () => {
      const set = this.#handlers.get(channel);
      if (!set?.delete(onMessage) || set.size > 0) return;
      this.#handlers.delete(channel);
      if (this.#subscriber.status === 'ready')
        await this.#subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  async claim(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.#commands.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async extend(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.#commands.eval(EXTEND, 1, key, value, String(ttlMs))) === 1;
  }

  async drop(key: string, value: string): Promise<void> {
    await this.#commands.eval(DROP, 1, key, value);
  }

  read(key: string): Promise<string | null> {
    return this.#commands.get(key);
  }

  increment(key: string): Promise<number> {
    return this.#commands.incr(key);
  }

  async appendGuarded(
    key: string,
    item: string,
    max: number,
    guardKey: string,
    guardValue: string,
  ): Promise<boolean> {
    const done = await this.#commands.eval(
      APPEND_GUARDED,
      2,
      key,
      guardKey,
      item,
      guardValue,
      String(max),
      String(HISTORY_TTL_MS),
    );
    return done === 1;
  }

  list(key: string): Promise<string[]> {
    return this.#commands.lrange(key, 0, -1);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#update();
    this.#commands.disconnect();
    this.#subscriber.disconnect();
  }
}

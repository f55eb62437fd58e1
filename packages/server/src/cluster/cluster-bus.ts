import type { Observable } from 'rxjs';

/**
 * What gateway processes share: ordered publish/subscribe between processes, and a few keys with
 * expiry for the room leases, process liveness and bounded room history. One interface, two
 * implementations: `MemoryBus` (processes simulated in one process, on a simulated clock in tests)
 * and `RedisBus` (real processes and machines).
 *
 * Ordering: messages one bus publishes on one channel arrive in publish order at every subscriber
 * (Redis guarantees it per connection; the memory bus keeps one queue).
 */
export interface ClusterBus {
  /** This process's id on the bus: unique per process start. */
  readonly processId: string;
  /** Whether the bus can be used now (Redis connected). */
  readonly available: boolean;
  /** Emits on every change of `available`. */
  readonly availability$: Observable<boolean>;
  /** Sends `payload` to the channel's subscribers; false when the bus is down (nothing was sent). */
  publish(channel: string, payload: string): boolean;
  /** Delivers the channel's messages in order until the returned function is called. */
  subscribe(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** Sets `key` to `value` for `ttlMs` unless it exists (Redis `SET NX PX`). */
  claim(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Extends `key` by `ttlMs` if it still holds `value`; false when it does not. */
  extend(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` if it still holds `value`. */
  drop(key: string, value: string): Promise<void>;
  read(key: string): Promise<string | null>;
  /** Increments a counter and returns the new value (fencing tokens). */
  increment(key: string): Promise<number>;
  /**
   * Appends `item` to the list `key`, keeping its last `max` items, only while `guardKey` holds
   * `guardValue`: a process that lost its lease cannot write a room's history any more.
   */
  appendGuarded(
    key: string,
    item: string,
    max: number,
    guardKey: string,
    guardValue: string,
  ): Promise<boolean>;
  /** The list's items, oldest first. */
  list(key: string): Promise<string[]>;
  /** Counters of what went over the bus, for the metrics. */
  readonly stats: BusStats;
  close(): Promise<void>;
}

export interface BusStats {
  published: number;
  received: number;
  bytesOut: number;
  bytesIn: number;
  /** Publishes refused because the bus was down. */
  refused: number;
}

export const emptyStats = (): BusStats => ({
  published: 0,
  received: 0,
  bytesOut: 0,
  bytesIn: 0,
  refused: 0,
});

/** The bus is down, so a shared room cannot be opened across processes now. */
export class BusUnavailableError extends Error {
  constructor(readonly roomName: string) {
    super(
      `room "${roomName}" is shared across gateway processes and the bus (Redis) is unreachable; private sessions still work, and shared rooms come back when it returns`,
    );
  }
}

/** A process id: host, pid and a random part, so a restarted process never reuses its predecessor's. */
export function newProcessId(hostname: string, pid: number): string {
  return `${hostname}:${pid}:${Math.random().toString(36).slice(2, 10)}`;
}

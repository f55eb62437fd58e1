import type { ClusterBus } from './cluster-bus.js';

/** Shared rooms across gateway processes (see ARCHITECTURE.md, "Beyond one process"). */
export interface ClusterOptions {
  /** `redis://HOST:PORT`, or a bus of your own (tests use `MemoryBus`). */
  readonly bus: string | ClusterBus;
  /**
   * How long a room's owner lease lasts without renewal (default 5 s; renewed every third of it).
   * A dead owner's rooms move after at most this long.
   */
  readonly leaseMs?: number;
  /** Lines of conversation kept per shared room for a takeover (default 200). */
  readonly historyItems?: number;
  /** Prefix of every key and channel on the bus (default `chorus`), so deployments can share a Redis. */
  readonly prefix?: string;
  /** How long a process waits for a room's owner to admit a user (default 2 s) before trying again. */
  readonly joinTimeoutMs?: number;
}

export interface ResolvedCluster {
  readonly bus: ClusterBus;
  readonly leaseMs: number;
  readonly historyItems: number;
  readonly prefix: string;
  readonly joinTimeoutMs: number;
}

/** The keys and channels of one deployment on the bus. */
export class BusNames {
  constructor(readonly prefix: string) {}
  owner(room: string): string {
    return `${this.prefix}:room:${room}:owner`;
  }
  epoch(room: string): string {
    return `${this.prefix}:room:${room}:epoch`;
  }
  history(room: string): string {
    return `${this.prefix}:room:${room}:history`;
  }
  /** Input to a room's owner; only the owner subscribes. */
  input(room: string): string {
    return `${this.prefix}:room:${room}:in`;
  }
  /** Events for one process's members. */
  process(id: string): string {
    return `${this.prefix}:proc:${id}`;
  }
  alive(id: string): string {
    return `${this.prefix}:proc:${id}:alive`;
  }
}

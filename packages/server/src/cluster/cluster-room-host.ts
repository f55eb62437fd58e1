import type { Inspector } from '@chorus/inspector';
import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { Logger } from 'pino';
import type { Subscription } from 'rxjs';
import type { Clock } from '../clock.js';
import type { GatewayMetrics } from '../metrics.js';
import { type InspectPolicy, RoomHost, type RoomLease, type RoomListener } from '../room-host.js';
import type { RoomUser, ServableFactory } from '../servable.js';
import type { TurnTracer } from '../tracing/turn-tracer.js';
import {
  decodeToMember,
  decodeToOwner,
  encodeEvent,
  eventJson,
  type ToMember,
  type ToOwner,
} from './bus-messages.js';
import { BusUnavailableError } from './cluster-bus.js';
import { BusNames, type ResolvedCluster } from './cluster-options.js';
import { historyLine, historySeed } from './room-history.js';
import { type HandleHost, type Placement, SharedRoomHandle } from './shared-room-handle.js';

type MoveReason = 'owner_lost' | 'owner_shutdown' | 'bus_interrupted' | 'lease_lost';

/** A shared room whose agents run in this process (it holds the room's lease). */
interface Owned {
  readonly name: string;
  readonly epoch: number;
  /** The lease value: `process#epoch`. */
  readonly value: string;
  recorder?: RoomLease;
  /** Sessions of this process in the room. */
  readonly handles: Set<SharedRoomHandle>;
  /** Sessions of other processes in the room, by member id. */
  readonly remote: Map<
    string,
    { readonly proc: string; readonly lease: RoomLease; readonly user?: RoomUser }
  >;
  unsubscribe?: () => Promise<void>;
  restored: number;
  ended: boolean;
}

const noop = () => undefined;

/**
 * A `RoomHost` whose shared rooms are shared by every gateway process on the same bus. Each shared
 * room runs in one process, its owner, which holds the room's lease on the bus (claimed with
 * `SET NX PX`, renewed every third of its life, with an epoch as fencing token). The other
 * processes forward their users' input to the owner's input channel and relay the owner's events
 * back to their users. When an owner stops or dies, the next process whose tick finds the lease
 * gone takes the room over, restarts its agents with the conversation kept on the bus, and every
 * session is told the room moved and which replies were cut. Private rooms never touch the bus.
 */
export class ClusterRoomHost extends RoomHost implements HandleHost {
  readonly #cluster: ResolvedCluster;
  readonly #names: BusNames;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #owned = new Map<string, Owned>();
  /** Every live session handle, by room name. */
  readonly #handles = new Map<string, Set<SharedRoomHandle>>();
  readonly #byMember = new Map<string, SharedRoomHandle>();
  readonly #joins = new Map<string, (ack: Extract<ToMember, { k: 'joined' }> | undefined) => void>();
  readonly #claiming = new Map<string, Promise<Owned | undefined>>();
  readonly #moving = new Set<string>();
  /** Handles whose events may have been lost while the bus was down. */
  readonly #interrupted = new WeakSet<SharedRoomHandle>();
  readonly #availability: Subscription;
  #processChannel: Promise<() => Promise<void>> | undefined;
  #seq = 0;
  #timer: unknown;
  #ticking = false;
  #closing = false;
  /** Room moves this process made, for the metrics. */
  moves = 0;

  constructor(
    factories: Readonly<Record<string, ServableFactory>>,
    inspector: Inspector,
    metrics: GatewayMetrics,
    logger: Logger,
    clock: Clock,
    inspect: InspectPolicy,
    cluster: ResolvedCluster,
    tracer?: TurnTracer,
  ) {
    super(factories, inspector, metrics, logger, clock, inspect, tracer);
    this.#cluster = cluster;
    this.#names = new BusNames(cluster.prefix);
    this.#log = logger;
    this.#clock = clock;
    this.#availability = cluster.bus.availability$.subscribe((up) => {
      if (up) {
        this.#schedule(0);
        return;
      }
      for (const handles of this.#handles.values())
        for (const handle of handles) if (handle.placement.at === 'remote') this.#interrupted.add(handle);
    });
    this.#schedule(0);
  }

  get bus() {
    return this.#cluster.bus;
  }

  /** Shared rooms whose agents run here. */
  get owned(): number {
    return this.#owned.size;
  }

  override async open(
    name: string,
    listener: RoomListener,
    privateKey?: string,
    user?: RoomUser,
    prepare?: Parameters<RoomHost['open']>[4],
  ): Promise<RoomLease> {
    if (privateKey !== undefined || !this.has(name))
      return super.open(name, listener, privateKey, user, prepare);
    if (this.#closing) throw new Error(`the gateway is shutting down; room "${name}" is not opened`);
    if (!this.bus.available) throw new BusUnavailableError(name);
    try {
      this.#processChannel ??= this.bus.subscribe(this.#names.process(this.bus.processId), (payload) =>
        this.#onMemberMessage(payload),
      );
      await this.#processChannel;
    } catch {
      this.#processChannel = undefined;
      throw new BusUnavailableError(name);
    }
    const handle = new SharedRoomHandle(name, `${this.bus.processId}/${++this.#seq}`, user, listener, this);
    // Routed from the start (the owner's first events may overtake its admission), but followed
    // by the tick only once placed, so that a tick never places it a second time meanwhile.
    this.#byMember.set(handle.member, handle);
    try {
      await this.#place(handle);
    } catch (error) {
      this.#untrack(handle);
      if (!this.bus.available) throw new BusUnavailableError(name);
      throw error;
    }
    if (handle.released) this.#untrack(handle);
    else this.#track(handle);
    return handle;
  }

  /** Puts a handle in the room wherever it runs: here if this process owns or can claim it, else with its owner. */
  async #place(handle: SharedRoomHandle): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (handle.released) return;
      const owned = this.#owned.get(handle.name) ?? (await this.#tryOwn(handle.name));
      if (owned && !owned.ended) {
        const lease = await this.#openLocal(handle.name, handle.listener, handle.user);
        if (handle.released || owned.ended) {
          await lease.release();
          continue;
        }
        handle.placement = { at: 'local', lease };
        owned.handles.add(handle);
        return;
      }
      const owner = await this.bus.read(this.#names.owner(handle.name));
      if (owner !== null && (await this.#joinRemote(handle, owner))) return;
    }
    throw new Error(`room "${handle.name}": no gateway process could take it; try again`);
  }

  #openLocal(name: string, listener: RoomListener, user: RoomUser | undefined): Promise<RoomLease> {
    return super.open(name, listener, undefined, user);
  }

  async #joinRemote(handle: SharedRoomHandle, owner: string): Promise<boolean> {
    const epoch = Number(owner.slice(owner.lastIndexOf('#') + 1));
    handle.placement = { at: 'remote', owner, epoch, present: [] };
    let timer: unknown;
    const ack = new Promise<Extract<ToMember, { k: 'joined' }> | undefined>((resolve) => {
      this.#joins.set(handle.member, resolve);
      timer = this.#clock.setTimeout(() => resolve(undefined), this.#cluster.joinTimeoutMs);
    });
    const join: ToOwner = {
      k: 'join',
      proc: this.bus.processId,
      member: handle.member,
      ...(handle.user ? { user: handle.user } : { user: { id: handle.member } }),
    };
    const sent = this.bus.publish(this.#names.input(handle.name), JSON.stringify(join));
    const joined = sent ? await ack : undefined;
    this.#clock.clearTimeout(timer);
    this.#joins.delete(handle.member);
    if (!joined || joined.epoch !== epoch || handle.released) {
      if (sent) this.#toOwner(handle.name, { k: 'leave', member: handle.member });
      if (handle.placement.at === 'remote' && handle.placement.owner === owner)
        handle.placement = { at: 'none' };
      return false;
    }
    handle.placement = { at: 'remote', owner, epoch, present: joined.present };
    handle.restored = joined.restored;
    return true;
  }

  /** Claims the room's lease and starts the room here, with the history kept on the bus. */
  #tryOwn(name: string): Promise<Owned | undefined> {
    const running = this.#claiming.get(name);
    if (running) return running;
    const claim = (async () => {
      const names = this.#names;
      const epoch = await this.bus.increment(names.epoch(name));
      const value = `${this.bus.processId}#${epoch}`;
      if (!(await this.bus.claim(names.owner(name), value, this.#cluster.leaseMs))) return undefined;
      const owned: Owned = {
        name,
        epoch,
        value,
        handles: new Set(),
        remote: new Map(),
        restored: 0,
        ended: false,
      };
      this.#owned.set(name, owned);
      try {
        owned.unsubscribe = await this.bus.subscribe(names.input(name), (payload) =>
          this.#onOwnerMessage(owned, payload),
        );
        const lines = await this.bus.list(names.history(name)).catch((): string[] => []);
        owned.recorder = await this.#openLocal(name, this.#recorder(owned), undefined);
        if (lines.length > 0) {
          const seed = historySeed(lines);
          owned.restored = seed.items;
          owned.recorder.room.handleInput({
            type: 'client_text_append',
            role: 'system',
            text: seed.text,
            respond: false,
          });
        }
        this.#log.info({ room: name, epoch, restored: owned.restored }, 'room owned here');
        return owned;
      } catch (error) {
        await this.#disown(owned);
        throw error;
      }
    })().finally(() => this.#claiming.delete(name));
    this.#claiming.set(name, claim);
    return claim;
  }

  /** The owner's own listener: keeps the history on the bus. */
  #recorder(owned: Owned): RoomListener {
    return {
      event: (event) => {
        const line = historyLine(event);
        if (line === undefined || !this.bus.available) return;
        const names = this.#names;
        this.bus
          .appendGuarded(
            names.history(owned.name),
            line,
            this.#cluster.historyItems,
            names.owner(owned.name),
            owned.value,
          )
          .catch(noop);
      },
      ended: () => {
        owned.recorder = undefined;
        void this.#disown(owned);
      },
    };
  }

  #onOwnerMessage(owned: Owned, payload: string): void {
    const message = decodeToOwner(payload);
    if (!message || owned.ended) return;
    switch (message.k) {
      case 'join':
        this.#admitRemote(owned, message.member, message.proc, message.user);
        return;
      case 'in': {
        const entry = owned.remote.get(message.member);
        if (!entry) return;
        const input = () => entry.lease.room.handleInput(message.event, entry.user);
        // The room's lease traces the input under the hop the message's context makes.
        if (this.tracer) this.tracer.fromBus(owned.name, message.event, message.tc, input);
        else input();
        return;
      }
      case 'leave': {
        const entry = owned.remote.get(message.member);
        if (!entry) return;
        owned.remote.delete(message.member);
        void entry.lease.release().then(() => this.#maybeDisown(owned));
        return;
      }
    }
  }

  #admitRemote(owned: Owned, member: string, proc: string, user: RoomUser): void {
    const channel = this.#names.process(proc);
    const acknowledge = (lease: RoomLease) => {
      const ack: ToMember = {
        k: 'joined',
        member,
        epoch: owned.epoch,
        present: lease.room.present?.() ?? [],
        restored: owned.restored,
      };
      this.bus.publish(channel, JSON.stringify(ack));
    };
    const known = owned.remote.get(member);
    if (known) {
      acknowledge(known.lease);
      return;
    }
    const listener: RoomListener = {
      event: (_event, json) => {
        this.bus.publish(channel, encodeEvent(member, owned.epoch, json()));
      },
      ended: (reason) => {
        owned.remote.delete(member);
        const end: ToMember = { k: 'end', member, epoch: owned.epoch, reason };
        this.bus.publish(channel, JSON.stringify(end));
      },
    };
    this.#openLocal(owned.name, listener, user).then(
      (lease) => {
        if (owned.ended) {
          void lease.release();
          return;
        }
        owned.remote.set(member, { proc, lease, user });
        acknowledge(lease);
      },
      (error: unknown) => {
        this.#log.error({ err: error, room: owned.name }, 'admitting a remote user failed');
      },
    );
  }

  #onMemberMessage(payload: string): void {
    const message = decodeToMember(payload);
    if (!message) return;
    if (message.k === 'joined') {
      this.#joins.get(message.member)?.(message);
      return;
    }
    const handle = this.#byMember.get(message.member);
    const placement = handle?.placement;
    // Fencing: what a former owner still says is dropped.
    if (!handle || placement?.at !== 'remote' || placement.epoch !== message.epoch) return;
    if (message.k === 'ev') {
      // The event's JSON as the owner serialized it: the last field of the message (see encodeEvent).
      const json = eventJson(payload);
      handle.listener.event(message.e, () => json);
      return;
    }
    if (message.reason === 'shutdown') {
      // The owner is stopping and gave its lease up: move now rather than at the lease's expiry.
      void this.#move(handle.name, 'owner_shutdown');
      return;
    }
    this.#untrack(handle);
    handle.released = true;
    handle.placement = { at: 'none' };
    handle.listener.ended(message.reason);
  }

  inputLocal(_handle: SharedRoomHandle, lease: RoomLease, event: ClientEvent, user?: RoomUser): unknown {
    // The lease's room traces the input when tracing is on.
    return lease.room.handleInput(event, user);
  }

  sendToOwner(handle: SharedRoomHandle, event: ClientEvent): boolean {
    const tc = this.tracer?.forward(handle.name, event, handle.user?.id);
    return this.#toOwner(handle.name, {
      k: 'in',
      member: handle.member,
      event,
      ...(tc === undefined ? {} : { tc }),
    });
  }

  #toOwner(name: string, message: ToOwner): boolean {
    return this.bus.publish(this.#names.input(name), JSON.stringify(message));
  }

  async releaseHandle(handle: SharedRoomHandle): Promise<void> {
    if (handle.released) return;
    handle.released = true;
    this.#untrack(handle);
    const placement = handle.placement;
    handle.placement = { at: 'none' };
    if (placement.at === 'local') {
      const owned = this.#owned.get(handle.name);
      owned?.handles.delete(handle);
      await placement.lease.release();
      if (owned) await this.#maybeDisown(owned);
    } else if (placement.at === 'remote') {
      this.#toOwner(handle.name, { k: 'leave', member: handle.member });
    }
  }

  async #maybeDisown(owned: Owned): Promise<void> {
    if (owned.handles.size === 0 && owned.remote.size === 0) await this.#disown(owned);
  }

  /** Stops owning a room: the room stops here and its lease is given up. */
  async #disown(owned: Owned): Promise<void> {
    if (owned.ended) return;
    owned.ended = true;
    if (this.#owned.get(owned.name) === owned) this.#owned.delete(owned.name);
    await owned.unsubscribe?.().catch(noop);
    if (this.bus.available) await this.bus.drop(this.#names.owner(owned.name), owned.value).catch(noop);
    const remote = [...owned.remote.values()];
    owned.remote.clear();
    await Promise.all(remote.map((entry) => entry.lease.release()));
    const recorder = owned.recorder;
    owned.recorder = undefined;
    await recorder?.release();
  }

  #track(handle: SharedRoomHandle): void {
    let set = this.#handles.get(handle.name);
    if (!set) {
      set = new Set();
      this.#handles.set(handle.name, set);
    }
    set.add(handle);
    this.#byMember.set(handle.member, handle);
  }

  #untrack(handle: SharedRoomHandle): void {
    const set = this.#handles.get(handle.name);
    set?.delete(handle);
    if (set?.size === 0) this.#handles.delete(handle.name);
    this.#byMember.delete(handle.member);
  }

  #schedule(ms: number): void {
    if (this.#closing) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#tick();
    }, ms);
  }

  /**
   * Every third of a lease: say this process is alive, renew the leases it holds, let go of remote
   * users whose process died, and move the sessions whose room's owner is gone or changed.
   */
  async #tick(): Promise<void> {
    if (this.#ticking || this.#closing) return;
    this.#ticking = true;
    try {
      if (this.bus.available) await this.#tickOnce();
    } catch (error) {
      this.#log.warn({ err: error }, 'cluster tick failed');
    } finally {
      this.#ticking = false;
      this.#schedule(Math.max(1, Math.floor(this.#cluster.leaseMs / 3)));
    }
  }

  async #tickOnce(): Promise<void> {
    const bus = this.bus;
    const names = this.#names;
    const { leaseMs } = this.#cluster;
    const alive = names.alive(bus.processId);
    if (!(await bus.extend(alive, '1', leaseMs))) await bus.claim(alive, '1', leaseMs);
    for (const owned of [...this.#owned.values()]) {
      const key = names.owner(owned.name);
      const kept =
        (await bus.extend(key, owned.value, leaseMs)) || (await bus.claim(key, owned.value, leaseMs));
      if (!kept) {
        await this.#lost(owned);
        continue;
      }
      const procs = new Set([...owned.remote.values()].map((entry) => entry.proc));
      for (const proc of procs) {
        if ((await bus.read(names.alive(proc))) !== null) continue;
        for (const [member, entry] of owned.remote) {
          if (entry.proc !== proc) continue;
          owned.remote.delete(member);
          await entry.lease.release();
        }
      }
      await this.#maybeDisown(owned);
    }
    for (const [name, handles] of [...this.#handles]) {
      if (this.#owned.has(name)) continue;
      const away = [...handles].filter((handle) => handle.placement.at !== 'local');
      if (away.length === 0) continue;
      const owner = await bus.read(names.owner(name));
      const interrupted = away.some((handle) => this.#interrupted.has(handle));
      const stale = away.some(
        (handle) => handle.placement.at !== 'remote' || handle.placement.owner !== owner,
      );
      if (stale) await this.#move(name, 'owner_lost');
      else if (interrupted) await this.#move(name, 'bus_interrupted');
    }
  }

  /** Another process holds a room this process thought it owned: the room stops here and its sessions follow it. */
  async #lost(owned: Owned): Promise<void> {
    this.#log.warn({ room: owned.name }, 'room lease lost');
    const leases: RoomLease[] = [];
    for (const handle of owned.handles) {
      if (handle.placement.at === 'local') leases.push(handle.placement.lease);
      handle.placement = { at: 'none' };
    }
    owned.handles.clear();
    await Promise.all(leases.map((lease) => lease.release()));
    await this.#disown(owned);
    await this.#move(owned.name, 'lease_lost');
  }

  /** Places every session of `name` again (here or with the new owner) and tells each what happened. */
  async #move(name: string, reason: MoveReason): Promise<void> {
    if (this.#moving.has(name) || this.#closing) return;
    this.#moving.add(name);
    try {
      for (const handle of [...(this.#handles.get(name) ?? [])]) {
        if (handle.released) continue;
        const old = handle.placement;
        if (old.at === 'local') continue;
        const lost = handle.open.take();
        if (old.at === 'remote') this.#toOwner(name, { k: 'leave', member: handle.member });
        handle.placement = { at: 'none' };
        this.#interrupted.delete(handle);
        try {
          await this.#place(handle);
        } catch (error) {
          this.#log.warn({ err: error, room: name }, 'moving a session failed; trying again');
          continue;
        }
        if (handle.released) continue;
        this.moves++;
        const placed = handle.placement as Placement;
        const restored = placed.at === 'local' ? (this.#owned.get(name)?.restored ?? 0) : handle.restored;
        const moved: ServerEvent = {
          type: 'server_room_moved',
          room_id: name,
          reason,
          lost,
          restored_items: restored,
        };
        handle.listener.event(moved, () => JSON.stringify(moved));
        for (const event of handle.room.present?.() ?? [])
          handle.listener.event(event, () => JSON.stringify(event));
      }
    } finally {
      this.#moving.delete(name);
    }
  }

  /**
   * Drain: rooms owned here give their leases up first, so the other processes' sessions take them
   * over at once (they are told `shutdown`, which means "move"); then every room stops.
   */
  override async stopAll(): Promise<void> {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const owned of this.#owned.values()) {
      if (this.bus.available) await this.bus.drop(this.#names.owner(owned.name), owned.value).catch(noop);
      await owned.unsubscribe?.().catch(noop);
    }
    this.#closing = true;
    for (const handles of this.#handles.values())
      for (const handle of handles) {
        if (handle.placement.at === 'remote')
          this.#toOwner(handle.name, { k: 'leave', member: handle.member });
        else if (handle.placement.at === 'none') handle.listener.ended('shutdown');
      }
    await super.stopAll();
  }

  /** Stops the cluster's timers and subscriptions (after `stopAll`). */
  async closeCluster(): Promise<void> {
    this.#closing = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#availability.unsubscribe();
    const channel = this.#processChannel;
    this.#processChannel = undefined;
    if (channel) await (await channel.catch(() => async () => undefined))().catch(noop);
  }
}

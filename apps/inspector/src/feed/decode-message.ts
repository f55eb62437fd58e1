import type { InspectorInput } from './inspector-input.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return fallback;
}

/** The result of decoding one frame: inputs, or why the frame was not understood. */
export type DecodeResult =
  | { readonly ok: true; readonly inputs: InspectorInput[] }
  | { readonly ok: false; readonly error: string };

/** How many `@statelyai/inspect` actors are remembered to route their events to a room. */
const MAX_REMEMBERED_ACTORS = 10_000;

/**
 * Decodes frames of the Chorus inspection feed (`inspector_snapshot`, `inspector_item`) and of the
 * `@statelyai/inspect` protocol (`@xstate.actor`, `@xstate.event`, `@xstate.snapshot`, as
 * `createWebSocketInspector` sends them) into `InspectorInput`s.
 *
 * Stately messages carry no room, so each root actor becomes a room named after it; events and
 * snapshots (whose `rootId` may be `'anonymous'`) find their room through the actor they are about.
 */
export class MessageDecoder {
  readonly #roomOfActor = new Map<string, string>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  decode(frame: string): DecodeResult {
    let message: unknown;
    try {
      message = JSON.parse(frame);
    } catch {
      return { ok: false, error: 'frame is not JSON' };
    }
    if (!isObject(message) || typeof message.type !== 'string') {
      return { ok: false, error: 'frame has no string `type`' };
    }
    switch (message.type) {
      case 'inspector_snapshot':
        return { ok: true, inputs: this.#snapshot(message) };
      case 'inspector_item': {
        const input = isObject(message.item) ? this.#chorusItem(message.item) : undefined;
        return input
          ? { ok: true, inputs: [input] }
          : { ok: false, error: 'inspector_item has no valid `item`' };
      }
      case '@xstate.actor':
        return this.#statelyActor(message);
      case '@xstate.snapshot':
        return this.#statelySnapshot(message);
      case '@xstate.event':
        return this.#statelyEvent(message);
      case 'error':
        return { ok: false, error: `the feed said: ${str(message.message) ?? 'error'}` };
      default:
        return { ok: false, error: `unknown message type "${message.type.slice(0, 64)}"` };
    }
  }

  #snapshot(message: Json): InspectorInput[] {
    const list = (key: string) => (Array.isArray(message[key]) ? (message[key] as unknown[]) : []);
    const inputs: InspectorInput[] = [{ kind: 'reset', room: str(message.room) }];
    for (const item of [...list('definitions'), ...list('actors')]) {
      const input = isObject(item) ? this.#chorusItem(item) : undefined;
      if (input) inputs.push(input);
    }
    // Latest states and recent history overlap; replay them once each, in feed order.
    const seen = new Set<number>();
    const ordered = [...list('states'), ...list('recent')]
      .filter(isObject)
      .filter((item) => {
        if (typeof item.seq !== 'number') return true;
        if (seen.has(item.seq)) return false;
        seen.add(item.seq);
        return true;
      })
      .sort((a, b) => num(a.seq, 0) - num(b.seq, 0));
    for (const item of ordered) {
      const input = this.#chorusItem(item);
      if (input) inputs.push(input);
    }
    return inputs;
  }

  #chorusItem(item: Json): InspectorInput | undefined {
    const room = str(item.room);
    const time = num(item.time, this.#now());
    switch (item.kind) {
      case 'definition': {
        const machineKey = str(item.machineKey);
        return room !== undefined && machineKey !== undefined
          ? { kind: 'definition', room, machineKey, definition: item.definition }
          : undefined;
      }
      case 'actor': {
        const actorId = str(item.actorId);
        if (room === undefined || actorId === undefined) return undefined;
        return {
          kind: 'actor',
          room,
          actorId,
          name: str(item.id) ?? actorId,
          parentId: str(item.parentId),
          machineKey: str(item.machineKey),
          time,
        };
      }
      case 'state': {
        const actorId = str(item.actorId);
        if (room === undefined || actorId === undefined) return undefined;
        return {
          kind: 'state',
          room,
          actorId,
          value: item.value ?? null,
          status: str(item.status) ?? 'active',
          eventType: str(item.eventType) ?? '',
          ...('context' in item ? { context: item.context } : {}),
          time,
        };
      }
      case 'event': {
        const actorId = str(item.actorId);
        const event = isObject(item.event) && typeof item.event.type === 'string' ? item.event : undefined;
        if (room === undefined || actorId === undefined || !event) return undefined;
        return {
          kind: 'event',
          room,
          actorId,
          sourceId: str(item.sourceId),
          event: event as { type: string },
          time,
        };
      }
      case 'dropped':
        return { kind: 'dropped', room, count: num(item.count, 0) };
      default:
        return undefined;
    }
  }

  #remember(actorId: string, room: string): void {
    if (this.#roomOfActor.size >= MAX_REMEMBERED_ACTORS) {
      const oldest = this.#roomOfActor.keys().next().value;
      if (oldest !== undefined) this.#roomOfActor.delete(oldest);
    }
    this.#roomOfActor.set(actorId, room);
  }

  #roomFor(sessionId: string, rootId: string | undefined): string {
    return (
      this.#roomOfActor.get(sessionId) ??
      (rootId && rootId !== 'anonymous' ? this.#roomOfActor.get(rootId) : undefined) ??
      `xstate:${rootId && rootId !== 'anonymous' ? rootId : sessionId}`
    );
  }

  #statelyActor(message: Json): DecodeResult {
    const sessionId = str(message.sessionId);
    if (sessionId === undefined) return { ok: false, error: '@xstate.actor has no `sessionId`' };
    const parentId = str(message.parentId);
    const rootId = str(message.rootId);
    const name = str(message.name) ?? sessionId;
    const isRoot = parentId === undefined && (rootId === undefined || rootId === sessionId);
    const room = isRoot
      ? `xstate:${name}`
      : ((parentId !== undefined ? this.#roomOfActor.get(parentId) : undefined) ??
        this.#roomFor(sessionId, rootId));
    this.#remember(sessionId, room);
    const time = num(message.createdAt, this.#now());
    const inputs: InspectorInput[] = [];
    let machineKey: string | undefined;
    const definitionText = str(message.definition);
    if (definitionText !== undefined) {
      try {
        const definition: unknown = JSON.parse(definitionText);
        // A definition with states is a machine; `{id}` alone is how other actor kinds are described.
        if (isObject(definition) && isObject(definition.states)) {
          machineKey = `${name}@${sessionId}`;
          inputs.push({ kind: 'definition', room, machineKey, definition });
        }
      } catch {
        // An URL or broken JSON: the actor is still listed, without a chart.
      }
    }
    inputs.push({ kind: 'actor', room, actorId: sessionId, name, parentId, machineKey, time });
    if (isObject(message.snapshot)) {
      inputs.push(this.#stateFromSnapshot(room, sessionId, message.snapshot, 'xstate.init', time));
    }
    return { ok: true, inputs };
  }

  #statelySnapshot(message: Json): DecodeResult {
    const sessionId = str(message.sessionId);
    if (sessionId === undefined || !isObject(message.snapshot)) {
      return { ok: false, error: '@xstate.snapshot needs `sessionId` and `snapshot`' };
    }
    const room = this.#roomFor(sessionId, str(message.rootId));
    const eventType = isObject(message.event) ? (str(message.event.type) ?? '') : '';
    const time = num(message.createdAt, this.#now());
    return {
      ok: true,
      inputs: [this.#stateFromSnapshot(room, sessionId, message.snapshot, eventType, time)],
    };
  }

  #statelyEvent(message: Json): DecodeResult {
    const sessionId = str(message.sessionId);
    const event =
      isObject(message.event) && typeof message.event.type === 'string' ? message.event : undefined;
    if (sessionId === undefined || !event) {
      return { ok: false, error: '@xstate.event needs `sessionId` and an `event` with a `type`' };
    }
    return {
      ok: true,
      inputs: [
        {
          kind: 'event',
          room: this.#roomFor(sessionId, str(message.rootId)),
          actorId: sessionId,
          sourceId: str(message.sourceId),
          event: event as { type: string },
          time: num(message.createdAt, this.#now()),
        },
      ],
    };
  }

  #stateFromSnapshot(
    room: string,
    actorId: string,
    snapshot: Json,
    eventType: string,
    time: number,
  ): InspectorInput {
    return {
      kind: 'state',
      room,
      actorId,
      value: snapshot.value ?? null,
      status: str(snapshot.status) ?? 'active',
      eventType,
      ...('context' in snapshot ? { context: snapshot.context } : {}),
      time,
    };
  }
}

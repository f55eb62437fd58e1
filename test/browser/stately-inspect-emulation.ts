import WebSocket from 'ws';
import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';

// `@statelyai/inspect` is not installed here, so these two helpers reproduce, from its published
// source (src/createInspector.ts, src/webSocket.ts), what an app using it puts on the wire:
// `createWebSocketInspector({ url })` connects to `url` and sends one JSON message per inspection
// event, queueing them until the socket opens. The gateway's `/inspect` relays them to the page.

type Json = Record<string, unknown>;

/** One inspection event converted the way `convertXStateEvent` of `@statelyai/inspect` does it. */
export function statelyMessage(event: InspectionEvent): Json | undefined {
  const base = { _version: '0.4.0', createdAt: Date.now().toString(), id: null, rootId: event.rootId };
  const actorRef = event.actorRef as AnyActorRef & { logic?: { config?: unknown }; _parent?: AnyActorRef };
  switch (event.type) {
    case '@xstate.actor': {
      const config = actorRef.logic?.config;
      let name = actorRef.id;
      if (name === actorRef.sessionId && config && typeof config === 'object')
        name = (config as { id: string }).id;
      const definition =
        config && typeof config === 'object'
          ? JSON.stringify(config, (_key, value) =>
              typeof value === 'function' ? { type: value.name } : value,
            )
          : JSON.stringify({ id: name });
      return {
        ...base,
        type: '@xstate.actor',
        name,
        definition,
        parentId: actorRef._parent?.sessionId,
        sessionId: actorRef.sessionId,
        snapshot: actorRef.getSnapshot(),
      };
    }
    case '@xstate.event':
      return {
        ...base,
        type: '@xstate.event',
        event: event.event,
        sourceId: event.sourceRef?.sessionId,
        sessionId: actorRef.sessionId,
      };
    case '@xstate.snapshot':
      return {
        ...base,
        type: '@xstate.snapshot',
        event: event.event,
        snapshot: event.snapshot,
        sessionId: actorRef.sessionId,
      };
    default:
      return undefined;
  }
}

/** JSON with circular references replaced, as the `safe-stable-stringify` the real adapter uses does. */
export function safeStringify(value: unknown): string {
  const ancestors: object[] = [];
  return JSON.stringify(value, function (this: unknown, _key, item: unknown) {
    if (typeof item !== 'object' || item === null) return item;
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
    if (ancestors.includes(item)) return '[Circular]';
    ancestors.push(item);
    return item;
  });
}

/** What `createWebSocketInspector({ url })` gives an app: an `inspect` observer, and `stop`. */
export function createWebSocketInspectorEmulation(url: string): {
  readonly inspect: Observer<InspectionEvent>;
  stop(): void;
} {
  const socket = new WebSocket(url);
  const deferred: string[] = [];
  socket.on('open', () => {
    for (const message of deferred.splice(0)) socket.send(message);
  });
  socket.on('error', () => {});
  return {
    inspect: {
      next(event) {
        // Like the real inspector (`idleCallback` around the conversion): converted later, when the
        // actor has finished initializing and its snapshot can be read. Timers keep the order.
        setTimeout(() => {
          const message = statelyMessage(event);
          if (!message) return;
          const text = safeStringify(message);
          if (socket.readyState === WebSocket.OPEN) socket.send(text);
          else deferred.push(text);
        }, 0);
      },
    },
    stop: () => socket.close(),
  };
}

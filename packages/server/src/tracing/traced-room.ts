import type { ClientEvent } from '@chorus/protocol';
import type { RoomUser, Servable } from '../servable.js';
import type { TurnTracer } from './turn-tracer.js';

/**
 * The room as a session's lease hands it out while tracing is on: the same room, whose input passes
 * through the tracer on its way in (where a turn's `chorus.gateway.receive` is taken, at the moment
 * the gateway hands the input over). Every other member is the room's own, bound to it.
 */
export function tracedRoom(room: Servable, key: string, tracer: TurnTracer): Servable {
  const traced: Servable = {
    events$: room.events$,
    start: (outgoing) => room.start(outgoing),
    stop: () => room.stop(),
    handleInput: (event: ClientEvent, user?: RoomUser) => {
      // Audio frames (50 a second per user) only note their time: no closure, no span.
      if (event.type !== 'client_audio_append')
        return tracer.input(key, event, user?.id, () => room.handleInput(event, user));
      tracer.heard(key, user?.id);
      return room.handleInput(event, user);
    },
    get actor() {
      return room.actor;
    },
  };
  // Optional members stay optional: callers test for them (`room.join`, `room.shape`, ...).
  if (room.join) traced.join = (user) => room.join?.(user);
  if (room.leave) traced.leave = (user) => room.leave?.(user);
  if (room.setAway) traced.setAway = (user, away) => room.setAway?.(user, away);
  if (room.present) traced.present = () => room.present?.() ?? [];
  if (room.shape) traced.shape = (config) => room.shape?.(config) ?? { applied: [], not_applied: [] };
  return traced;
}

/**
 * The model provider of each agent of a room, as far as the room shows it: a lone agent's
 * `model.provider`, or its members'. Rooms and agents that show none give an empty map.
 */
export function providersOf(room: Servable): ReadonlyMap<string, string> {
  const providers = new Map<string, string>();
  const add = (candidate: unknown) => {
    const agent = candidate as { name?: unknown; model?: { provider?: unknown } } | null;
    if (typeof agent?.name === 'string' && typeof agent.model?.provider === 'string')
      providers.set(agent.name, agent.model.provider);
  };
  add(room);
  const members = (room as { members?: unknown }).members;
  if (Array.isArray(members)) for (const member of members) add(member);
  return providers;
}

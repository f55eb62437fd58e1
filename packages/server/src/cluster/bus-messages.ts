import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { RoomUser } from '../servable.js';

/**
 * What gateway processes say to each other about a shared room. To the owner, on the room's input
 * channel (only the owner subscribes, so a user's audio reaches the owner and no other process):
 * `join`, `in`, `leave`. To a member's process, on that process's channel: `joined`, `ev`, `end`.
 * `epoch` is the owner's fencing token: a process drops what a former owner still says.
 * `tc` carries the trace context (W3C `traceparent`) of the turn the message belongs to.
 */
export type ToOwner =
  | { readonly k: 'join'; readonly proc: string; readonly member: string; readonly user: RoomUser }
  | { readonly k: 'in'; readonly member: string; readonly event: ClientEvent; readonly tc?: string }
  | { readonly k: 'leave'; readonly member: string };

export type ToMember =
  | {
      readonly k: 'joined';
      readonly member: string;
      readonly epoch: number;
      readonly present: ServerEvent[];
      readonly restored: number;
    }
  | { readonly k: 'ev'; readonly member: string; readonly epoch: number; readonly e: ServerEvent }
  | { readonly k: 'end'; readonly member: string; readonly epoch: number; readonly reason: string };

/** An event as the owner forwards it: its JSON is spliced in as serialized once for every listener. */
export function encodeEvent(member: string, epoch: number, json: string): string {
  return `{"k":"ev","member":${JSON.stringify(member)},"epoch":${epoch},"e":${json}}`;
}

/**
 * The event's JSON inside an `ev` message made by {@link encodeEvent}, without serializing it again.
 * Its fields before `e` are a JSON string and a number, neither of which can hold `"e":` unescaped.
 */
export function eventJson(payload: string): string {
  return payload.slice(payload.indexOf('"e":') + 4, -1);
}

function parse(payload: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Messages come from other gateway processes; a malformed one is dropped, never thrown. */
export function decodeToOwner(payload: string): ToOwner | undefined {
  const m = parse(payload);
  if (!m || typeof m.member !== 'string') return undefined;
  if (
    m.k === 'join' &&
    typeof m.proc === 'string' &&
    typeof (m.user as RoomUser | undefined)?.id === 'string'
  )
    return m as ToOwner;
  if (m.k === 'in' && typeof m.event === 'object' && m.event !== null) return m as ToOwner;
  if (m.k === 'leave') return m as ToOwner;
  return undefined;
}

export function decodeToMember(payload: string): ToMember | undefined {
  const m = parse(payload);
  if (!m || typeof m.member !== 'string' || typeof m.epoch !== 'number') return undefined;
  if (m.k === 'ev' && typeof m.e === 'object' && m.e !== null) return m as ToMember;
  if (m.k === 'joined' && Array.isArray(m.present)) return m as ToMember;
  if (m.k === 'end' && typeof m.reason === 'string') return m as ToMember;
  return undefined;
}

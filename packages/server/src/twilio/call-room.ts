import { MAX_ID_CHARS } from '@chorus/protocol';

/** Where a call goes, from its stream's `customParameters` (set by the TwiML answer). */
export interface CallRoomChoice {
  readonly room: string;
  /** `room` joins the shared room; `agent` (or nothing) starts a private instance for the call. */
  readonly shared: boolean;
  /** The caller's number, the room's name for this user. */
  readonly caller: string | undefined;
}

/**
 * Reads the custom parameters: `room` (a shared room), or `agent` (a private instance of that room
 * or agent), or neither (a private instance of the default room); `caller` names the user.
 */
export function callRoom(parameters: Readonly<Record<string, string>>, defaultRoom: string): CallRoomChoice {
  const caller = parameters.caller?.slice(0, MAX_ID_CHARS) || undefined;
  if (parameters.room) return { room: parameters.room, shared: true, caller };
  return { room: parameters.agent || defaultRoom, shared: false, caller };
}

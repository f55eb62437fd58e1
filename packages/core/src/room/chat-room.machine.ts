import { type AnyActorLogic, assign, enqueueActions, setup } from 'xstate';
import { applyLoopGuard } from './loop-guard.js';

/** The room's lifecycle states. */
export type RoomState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface RoomMachineContext {
  readonly roomId: string;
  readonly maxAgentTurns: number;
  /** The agent holding the floor alone, or null when nobody or several agents do. */
  readonly holder: string | null;
  /** The last agent that held the floor alone. */
  readonly lastHolder: string | null;
  /** Agent-to-agent turns since the last user input. */
  readonly agentTurns: number;
  /** The agents granted by the latest `floor.grant`, after the loop guard. */
  readonly lastGrant: readonly string[];
  /** Why the room failed, if it did. */
  readonly error: string | null;
}

export interface RoomMachineInput {
  readonly roomId: string;
  readonly maxAgentTurns: number;
}

export type RoomMachineEvent =
  | { type: 'room.start' }
  | { type: 'room.started' }
  | { type: 'room.start_failed'; error: string }
  | { type: 'room.stop' }
  | { type: 'room.stopped' }
  | { type: 'room.stop_failed'; error: string }
  /**
   * Creates a member's actor as a child of the room (one root actor per room). The event names the
   * member only: its logic and input come from the implementation `provideMembers` supplies.
   */
  | { type: 'member.spawn'; id: string }
  | { type: 'member.release'; id: string }
  /** A user spoke: the loop guard's budget starts again. */
  | { type: 'floor.user_turn' }
  /**
   * Agents were chosen to answer. `fromAgent` says they answer an agent (or take a handoff), which
   * spends loop-guard budget.
   */
  | { type: 'floor.grant'; agentIds: readonly string[]; reason: string; fromAgent: boolean };

/** Emitted when the floor holder changes, or when the loop guard stops a chain (agentId null). */
export interface FloorChangedEmitted {
  type: 'floor_changed';
  agentId: string | null;
  reason: string;
}

/** A member's actor logic and its input, as the member handed them to the room when it started. */
export interface MemberLogic {
  readonly logic: AnyActorLogic;
  readonly input?: unknown;
}

/** Finds the logic of the member a `member.spawn` event names; undefined spawns nothing. */
export type MemberLogics = (id: string) => MemberLogic | undefined;

/**
 * The ChatRoom's root actor. It owns the lifecycle, the floor (who holds it, the loop guard's
 * count) and, as children, every member's actor. Side effects (starting members, delivering
 * words) stay in the ChatRoom class; only control events pass through here, never audio.
 */
export const roomMachine = setup({
  types: {
    context: {} as RoomMachineContext,
    input: {} as RoomMachineInput,
    events: {} as RoomMachineEvent,
    emitted: {} as FloorChangedEmitted,
  },
  // Each member's actor is a child under the member's own id, its logic whatever the member brings.
  actors: {} as Record<string, AnyActorLogic>,
  actions: {
    // Members bring their own logic when they start; the room supplies it by id through
    // `provideMembers`, so events stay plain data. Without it, no member can be spawned.
    spawnMember: enqueueActions(() => undefined),
    releaseMember: enqueueActions(({ enqueue, event }) => {
      if (event.type !== 'member.release') return;
      enqueue.stopChild(event.id);
    }),
    resetAgentTurns: assign({ agentTurns: 0 }),
    grantFloor: enqueueActions(({ enqueue, context, event }) => {
      if (event.type !== 'floor.grant') return;
      const verdict = event.fromAgent
        ? applyLoopGuard(context.agentTurns, context.maxAgentTurns, event.agentIds)
        : { granted: event.agentIds, refused: [], agentTurns: context.agentTurns };
      const holder = verdict.granted.length === 1 ? verdict.granted[0]! : null;
      enqueue.assign({
        agentTurns: verdict.agentTurns,
        lastGrant: verdict.granted,
        holder,
        lastHolder: holder ?? context.lastHolder,
      });
      if (verdict.refused.length > 0) {
        enqueue.emit({ type: 'floor_changed', agentId: null, reason: 'loop_guard' });
      } else if (holder !== context.holder) {
        enqueue.emit({
          type: 'floor_changed',
          agentId: holder,
          reason: verdict.granted.length === 0 ? 'turn_end' : event.reason,
        });
      }
    }),
    recordError: assign({
      error: ({ event }) =>
        event.type === 'room.start_failed' || event.type === 'room.stop_failed' ? event.error : null,
    }),
    releaseFloor: enqueueActions(({ enqueue, context }) => {
      enqueue.assign({ holder: null });
      if (context.holder !== null) {
        enqueue.emit({ type: 'floor_changed', agentId: null, reason: 'room_stopping' });
      }
    }),
  },
}).createMachine({
  id: 'chatRoom',
  context: ({ input }) => ({
    roomId: input.roomId,
    maxAgentTurns: input.maxAgentTurns,
    holder: null,
    lastHolder: null,
    agentTurns: 0,
    lastGrant: [],
    error: null,
  }),
  initial: 'idle',
  states: {
    idle: {
      on: {
        'room.start': 'starting',
        // A room stopped before it started has nothing to release.
        'room.stop': 'stopped',
      },
    },
    starting: {
      on: {
        'member.spawn': { actions: 'spawnMember' },
        'member.release': { actions: 'releaseMember' },
        'room.started': 'running',
        'room.start_failed': { target: 'failed', actions: 'recordError' },
      },
    },
    running: {
      on: {
        'member.spawn': { actions: 'spawnMember' },
        'member.release': { actions: 'releaseMember' },
        'floor.user_turn': { actions: 'resetAgentTurns' },
        'floor.grant': { actions: 'grantFloor' },
        'room.stop': { target: 'stopping', actions: 'releaseFloor' },
      },
    },
    stopping: {
      on: {
        'member.release': { actions: 'releaseMember' },
        'room.stopped': 'stopped',
        'room.stop_failed': { target: 'failed', actions: 'recordError' },
      },
    },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
});

/** The room machine spawning members from `members`: logic reaches the machine as an implementation, never in an event. */
export function provideMembers(members: MemberLogics): typeof roomMachine {
  return roomMachine.provide({
    actions: {
      spawnMember: enqueueActions(({ enqueue, event }) => {
        if (event.type !== 'member.spawn') return;
        const member = members(event.id);
        if (member) enqueue.spawnChild(member.logic, { id: event.id, input: member.input });
      }),
    },
  });
}

export {
  ChatRoom,
  type ChatRoomOptions,
  type RoomRelay,
  type RoomResources,
  type RoomUser,
  type RoomUserSession,
} from './chat-room.js';
export {
  type FloorChangedEmitted,
  type RoomMachineContext,
  type RoomMachineEvent,
  type RoomMachineInput,
  type RoomState,
  roomMachine,
} from './chat-room.machine.js';
export {
  type FloorAgent,
  type FloorContext,
  type FloorName,
  type FloorPolicy,
  freeFloor,
  type MentionFallback,
  type MentionOptions,
  type ModeratorFn,
  mentionFloor,
  moderatorFloor,
  type RoomSpeaker,
  type RoomUtterance,
  type RoundRobinOptions,
  resolveFloorPolicy,
  roundRobinFloor,
} from './floor-policy.js';
export { applyLoopGuard, DEFAULT_MAX_AGENT_TURNS, type LoopGuardVerdict } from './loop-guard.js';
export type { HeardMessage, MemberStartOptions, RoomMember } from './member.js';
export { type MemberModeratorOptions, MODERATOR_SPEAKER, memberModerator } from './member-moderator.js';
export { findMentions } from './mention.js';
export { RoomBus } from './room-bus.js';
export type { RoomReply, RoomSendOptions, RoomTurnResult } from './room-turns.js';

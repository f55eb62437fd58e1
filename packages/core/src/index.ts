export * from './model/realtime-model.js';
export type { HeardMessage, MemberStartOptions, RoomMember } from './room/member.js';

import type { ConversationItem } from '../model/realtime-model.js';
import type { RoomMember } from './member.js';

/** Gives every agent of a room the same prior conversation before it starts (`ChatRoomOptions.history`). */
export function seedMembers(members: readonly RoomMember[], items: readonly ConversationItem[]): void {
  for (const member of members) {
    if (!member.seedHistory)
      throw new TypeError(`ChatRoom: agent ${member.name} cannot be seeded with history`);
    member.seedHistory(items);
  }
}

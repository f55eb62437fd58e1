import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { HeardMessage, RoomMember } from './member.js';
import { serverError } from './room-events.js';

// One member failing must not keep the words from the others: what a member throws while taking
// something becomes a `member_failed` error on the room's bus, and the delivery goes on.

export function hearSafely(
  member: RoomMember,
  message: HeardMessage,
  publish: (event: ServerEvent) => void,
): void {
  try {
    member.hear(message);
  } catch (error) {
    publish(serverError('member_failed', `${member.name} could not hear: ${describeError(error)}`));
  }
}

export function inputSafely(
  member: RoomMember,
  event: ClientEvent,
  publish: (event: ServerEvent) => void,
): void {
  try {
    member.handleInput(event);
  } catch (error) {
    publish(serverError('member_failed', `${member.name} rejected ${event.type}: ${describeError(error)}`));
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

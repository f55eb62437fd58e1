import { agentAudioDeltaWith, type ErrorCode, type ServerEvent } from '@chorus/protocol';

/** A `server_error` event. */
export function serverError(code: ErrorCode, message: string, eventId?: string, path?: string): ServerEvent {
  return {
    type: 'server_error',
    code,
    message,
    ...(path === undefined ? {} : { path }),
    ...(eventId === undefined ? {} : { event_id: eventId }),
  };
}

/**
 * Marks an event as relayed by room `roomId`. Agent and room events carry `room_id`; session and
 * error events have no such field and pass unchanged.
 */
export function stampRoom(event: ServerEvent, roomId: string): ServerEvent {
  // Audio held as bytes keeps them (a spread would make its base64 here and drop the bytes).
  if (event.type === 'agent_response_audio_delta') return agentAudioDeltaWith(event, { room_id: roomId });
  if (event.type.startsWith('agent_') || event.type.startsWith('room_')) {
    return { ...event, room_id: roomId } as ServerEvent;
  }
  return event;
}

/** The final words of an agent's response item, if `event` carries them. */
export function finalWords(event: ServerEvent): string | undefined {
  if (event.type === 'agent_response_audio_transcript_done') return event.transcript;
  if (event.type === 'agent_response_text_done') return event.text;
  return undefined;
}

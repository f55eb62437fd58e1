import type { AudioFormat } from './audio-format.js';
import { parseClientAudioBytes } from './client-audio-bytes.js';
import type { ClientEventOf } from './client-events.js';
import { type HeldAudio, heldAudio, holdAudio } from './held-audio.js';
import { MAX_AUDIO_BASE64_CHARS } from './limits.js';
import type { ModelEventOf } from './model-events.js';
import type { ServerEventOf } from './server-events.js';

type ModelAudioDelta = ModelEventOf<'model_response_audio_delta'>;
type AgentAudioDelta = ServerEventOf<'agent_response_audio_delta'>;
type AudioDelta = ModelAudioDelta | AgentAudioDelta;

function carry<E extends AudioDelta>(event: object, held: HeldAudio, format: AudioFormat): E {
  holdAudio(event, 'delta', held);
  (event as { format?: AudioFormat }).format = format;
  return event as E;
}

/**
 * A `model_response_audio_delta` whose audio the adapter holds as bytes. It is the event a
 * provider would emit with `delta: toBase64(bytes)`, but the base64 is made only when something
 * reads `delta` (once, then kept), and {@link audioDeltaBytes} hands the bytes on, so audio that
 * goes to binary clients or other agents is never encoded and decoded again. The bytes must not
 * change afterwards, and `toBase64` must write standard padded base64 (`@chorus/audio`'s
 * `base64FromBytes` does).
 */
export function modelAudioDeltaFromBytes(
  responseId: string,
  itemId: string,
  format: AudioFormat,
  bytes: Uint8Array,
  toBase64: (bytes: Uint8Array) => string,
): ModelAudioDelta {
  return carry(
    { type: 'model_response_audio_delta', response_id: responseId, item_id: itemId },
    { bytes, toBase64, text: undefined },
    format,
  );
}

/**
 * The agent's mirror of an audio delta. When the model's event holds bytes
 * ({@link modelAudioDeltaFromBytes}), so does the mirror, sharing the one base64 encoding with it;
 * otherwise it carries the model's base64 text.
 */
export function agentAudioDeltaOf(
  agent: { readonly agentId: string; readonly agentName: string },
  event: ModelAudioDelta,
): AgentAudioDelta {
  const fields = {
    type: 'agent_response_audio_delta' as const,
    agent_id: agent.agentId,
    agent_name: agent.agentName,
    response_id: event.response_id,
    item_id: event.item_id,
  };
  const held = heldAudio(event);
  if (held) return carry(fields, held, event.format);
  return { ...fields, delta: event.delta, format: event.format };
}

/**
 * `{ ...event, ...fields }` for an agent audio delta (a room stamping its id), still holding the
 * bytes and sharing the base64 encoding when `event` holds them.
 */
export function agentAudioDeltaWith(
  event: AgentAudioDelta,
  fields: { readonly room_id: string },
): AgentAudioDelta {
  const held = heldAudio(event);
  if (!held) return { ...event, ...fields };
  const copy = {
    type: event.type,
    agent_id: event.agent_id,
    agent_name: event.agent_name,
    response_id: event.response_id,
    item_id: event.item_id,
  };
  const out = carry<AgentAudioDelta>(copy, held, event.format);
  for (const key of Object.keys(event)) {
    if (!(key in out)) (out as Record<string, unknown>)[key] = (event as Record<string, unknown>)[key];
  }
  out.room_id = fields.room_id;
  return out;
}

/**
 * The bytes of an audio delta built from bytes ({@link modelAudioDeltaFromBytes} and the agent's
 * mirror of it); undefined for one that carries base64 only (a custom model's, one parsed from
 * JSON, or a copy made by spreading): decode its `delta` then.
 */
export function audioDeltaBytes(event: AudioDelta): Uint8Array | undefined {
  return heldAudio(event)?.bytes;
}

/**
 * `JSON.stringify(event)` for an audio delta that holds bytes, with the base64 (made here if no
 * one has made it yet) put in as it is: standard base64 needs no escaping, so the long string is not scanned and copied by the serializer. Undefined for any other
 * event.
 */
export function audioDeltaJson(event: AudioDelta): string | undefined {
  if (!heldAudio(event)) return undefined;
  let json = '{';
  for (const key of Object.keys(event)) {
    const value =
      key === 'delta' ? `"${event.delta}"` : JSON.stringify((event as Record<string, unknown>)[key]);
    if (value === undefined) continue;
    json += `${json.length > 1 ? ',' : ''}${JSON.stringify(key)}:${value}`;
  }
  return `${json}}`;
}

/**
 * An agent's audio delta as another agent's input, for a room that relays audio between its agents:
 * a `client_audio_append` of the same audio and format. When the delta holds bytes, the append hands
 * them to the listener's model (`clientAudioBytes`) without a base64 round trip; its `audio` text is
 * encoded from those bytes only if something reads it. Audio a client could not send (longer than a
 * client's limit, or a format the client rules refuse) is put in as base64, as before, and the
 * listener refuses it as it did.
 */
export function relayedAudioAppend(event: AgentAudioDelta): ClientEventOf<'client_audio_append'> {
  const held = heldAudio(event);
  if (held && Math.ceil(held.bytes.byteLength / 3) * 4 <= MAX_AUDIO_BASE64_CHARS) {
    // The delta's encoder, not a closure sharing the delta's text: one closure per delta made this
    // path 1.4x slower (test/bench/relay-audio.ts), and nothing on it reads the text.
    const parsed = parseClientAudioBytes(held.bytes, event.format, undefined, held.toBase64);
    if (parsed.ok) return parsed.event;
  }
  return { type: 'client_audio_append', audio: event.delta, format: event.format };
}

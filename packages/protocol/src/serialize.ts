import type { ClientEvent } from './client-events.js';
import type { ModelEvent } from './model-events.js';
import type { ServerEvent } from './server-events.js';

/**
 * The JSON text of an event. Events typed as `ClientEvent`/`ServerEvent`/`ModelEvent` are already
 * canonical (that is what the parsers output), so this does not validate again: it is on the audio
 * hot path. Throws only where `JSON.stringify` does (a `bigint` or a cycle inside `model_raw.event`).
 */
export function serializeEvent(event: ClientEvent | ServerEvent | ModelEvent): string {
  return JSON.stringify(event);
}

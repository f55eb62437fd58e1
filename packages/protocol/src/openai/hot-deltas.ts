import { MAX_ID_CHARS } from '../limits.js';
import type { OpenAIServerEvent } from './server-events.js';

// The streaming deltas are nearly every frame a response brings (one per audio chunk and per word),
// so they are checked by hand here rather than by their zod schemas. The checks are the schemas'
// exactly (a property test holds them to it); anything they do not accept falls through to zod,
// which then names the offending field.

type Raw = Readonly<Record<string, unknown>>;

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_CHARS;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The GA types this module parses by hand. */
export const OPENAI_HOT_DELTA_TYPES = [
  'response.output_audio.delta',
  'response.output_audio_transcript.delta',
  'response.output_text.delta',
  'response.function_call_arguments.delta',
] as const;

/**
 * A streaming delta (`gaType` already renamed from beta) validated and stripped to its schema's
 * fields, or undefined when it is not one of {@link OPENAI_HOT_DELTA_TYPES} or does not pass, in
 * which case the caller parses it with the schema for the error.
 */
export function parseHotDelta(raw: Raw, gaType: string): OpenAIServerEvent | undefined {
  const { event_id, response_id, item_id, output_index, delta } = raw;
  if (!isId(event_id) || !isId(response_id) || !isId(item_id) || !isIndex(output_index)) return undefined;
  if (typeof delta !== 'string') return undefined;
  switch (gaType) {
    case 'response.output_audio.delta':
    case 'response.output_audio_transcript.delta':
    case 'response.output_text.delta': {
      const { content_index } = raw;
      if (!isIndex(content_index)) return undefined;
      return { type: gaType, event_id, response_id, item_id, output_index, content_index, delta };
    }
    case 'response.function_call_arguments.delta': {
      const { call_id } = raw;
      if (!isId(call_id)) return undefined;
      return { type: gaType, event_id, response_id, item_id, output_index, call_id, delta };
    }
    default:
      return undefined;
  }
}

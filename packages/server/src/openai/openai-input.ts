import type { AudioFormat, ClientEventInput, ErrorCode } from '@chorus/protocol';
import type { OpenAIClientEventOf } from '@chorus/protocol/openai';

/** What one `conversation.item.create` becomes: Chorus client events, or a reason it cannot be served. */
export type ItemInput =
  | { readonly ok: true; readonly events: ClientEventInput[] }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly param: string };

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,(.*)$/i;

/**
 * Maps an OpenAI `conversation.item.create` onto Chorus client events: user text becomes
 * `client_text_append{respond: false}` (an item never starts a response on OpenAI), user audio `client_audio_append` + `client_audio_commit` (in the session's
 * input format), images `client_image_append`, and a `function_call_output` a `client_tool_result`.
 * System and assistant messages become `client_text_append{role}`: they join the agent's history
 * (and the model's context) in order, and never start a response.
 */
export function itemToChorus(
  event: OpenAIClientEventOf<'conversation.item.create'>,
  inputFormat: AudioFormat,
  toolNameOf: (callId: string) => string | undefined,
): ItemInput {
  const item = event.item;
  const eventId = event.event_id;
  const envelope = eventId ? { event_id: eventId } : {};
  if (item.type === 'function_call_output') {
    return {
      ok: true,
      events: [
        {
          type: 'client_tool_result',
          ...envelope,
          id: item.call_id,
          name: toolNameOf(item.call_id) ?? 'unknown',
          output: item.output,
          // Only response.create asks for the next response.
          respond: false,
        },
      ],
    };
  }
  if (item.type !== 'message') {
    return {
      ok: false,
      code: 'unsupported_item',
      message: `items of type ${item.type} cannot be created here`,
      param: 'item.type',
    };
  }
  if (item.role !== 'user') {
    // System and assistant messages seed the conversation (a client resuming one replays it).
    const texts: string[] = [];
    for (const [index, part] of item.content.entries()) {
      const text =
        part.type === 'input_text' || part.type === 'output_text'
          ? part.text
          : part.type === 'output_audio'
            ? part.transcript
            : undefined;
      if (typeof text !== 'string') {
        return {
          ok: false,
          code: 'unsupported_content',
          message: `${item.role} messages carry text here, not ${part.type}`,
          param: `item.content[${index}].type`,
        };
      }
      texts.push(text);
    }
    return {
      ok: true,
      events: [
        { type: 'client_text_append', ...envelope, text: texts.join(''), role: item.role, respond: false },
      ],
    };
  }
  const events: ClientEventInput[] = [];
  for (const [index, part] of item.content.entries()) {
    if (part.type === 'input_text') {
      events.push({ type: 'client_text_append', ...envelope, text: part.text, respond: false });
    } else if (part.type === 'input_audio') {
      if (part.audio) {
        events.push({ type: 'client_audio_append', ...envelope, audio: part.audio, format: inputFormat });
        events.push({ type: 'client_audio_commit', ...envelope });
      } else if (part.transcript) {
        events.push({ type: 'client_text_append', ...envelope, text: part.transcript, respond: false });
      }
    } else if (part.type === 'input_image') {
      const match = DATA_URL.exec(part.image_url);
      if (!match?.[1] || match[2] === undefined) {
        return {
          ok: false,
          code: 'invalid_value',
          message: 'image_url must be a data: URL with base64 image bytes',
          param: `item.content[${index}].image_url`,
        };
      }
      events.push({
        type: 'client_image_append',
        ...envelope,
        image: match[2],
        format: { mime_type: match[1] },
      } as ClientEventInput);
    } else {
      return {
        ok: false,
        code: 'unsupported_content',
        message: `user messages cannot carry ${part.type} content`,
        param: `item.content[${index}].type`,
      };
    }
  }
  return { ok: true, events };
}

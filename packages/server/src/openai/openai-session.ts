import { type ServerEvent, type ServerEventOf, toolResultText } from '@chorus/protocol';
import type { ConversationStore } from './conversation-store.js';

/** An OpenAI server event before the connection stamps its `event_id`. */
export type OpenAIOut = { type: string } & Record<string, unknown>;

interface ItemState {
  readonly id: string;
  readonly outputIndex: number;
  readonly kind: 'audio' | 'text';
  transcript: string;
  text: string;
  audioDone: boolean;
  textDone: boolean;
}

interface ResponseState {
  readonly id: string;
  readonly agentId: string;
  readonly output: Record<string, unknown>[];
  readonly items: Map<string, ItemState>;
}

/**
 * Maps the Chorus agent's server events (`agent_*`) onto OpenAI Realtime GA server events, keeping
 * what GA clients expect around them: `response.created` before anything of a response, an
 * `output_item.added` / `content_part.added` before the first delta of an item, the matching `done`
 * events and the full `response.done{response{status, output, usage}}` at the end, also after a cancel.
 *
 * Tool calls the Chorus agent executes itself appear as `conversation.item.added/done` items
 * (`function_call`, then `function_call_output`), not as response output: official clients execute
 * every completed `function_call` found in a response's output, and these are not theirs to run. Calls
 * of tools the client declared in `session.update` do go out as `response.output_item.done`.
 */
export class OpenAISessionMapper {
  readonly #responses = new Map<string, ResponseState>();
  readonly #interruptedItems = new Set<string>();

  constructor(
    private readonly store: ConversationStore,
    private readonly isClientTool: (name: string) => boolean,
  ) {}

  /** Responses started and not yet done. */
  get activeResponses(): number {
    return this.#responses.size;
  }

  /** The running response, if any (the newest). */
  get currentResponseId(): string | undefined {
    return [...this.#responses.keys()].at(-1);
  }

  /** Whether `itemId` is an item of a running response. */
  isActiveItem(itemId: string): boolean {
    for (const response of this.#responses.values()) if (response.items.has(itemId)) return true;
    return false;
  }

  /** Events for one Chorus server event; `audio` is the delta already in the session's output format. */
  map(event: ServerEvent, audio?: string): OpenAIOut[] {
    switch (event.type) {
      case 'agent_response_created':
        return this.#created(event);
      case 'agent_response_audio_delta': {
        const [item, out] = this.#item(event.agent_id, event.response_id, event.item_id, 'audio');
        if (audio === undefined || audio === '') return out;
        out.push({
          ...this.#where(item, event.response_id),
          type: 'response.output_audio.delta',
          delta: audio,
        });
        return out;
      }
      case 'agent_response_audio_transcript_delta': {
        const [item, out] = this.#item(event.agent_id, event.response_id, event.item_id, 'audio');
        item.transcript += event.delta;
        out.push({
          ...this.#where(item, event.response_id),
          type: 'response.output_audio_transcript.delta',
          delta: event.delta,
        });
        return out;
      }
      case 'agent_response_text_delta': {
        const [item, out] = this.#item(event.agent_id, event.response_id, event.item_id, 'text');
        item.text += event.delta;
        out.push({
          ...this.#where(item, event.response_id),
          type: 'response.output_text.delta',
          delta: event.delta,
        });
        return out;
      }
      case 'agent_response_audio_done': {
        const [item, out] = this.#item(event.agent_id, event.response_id, event.item_id, 'audio');
        if (!item.audioDone) {
          item.audioDone = true;
          out.push({ ...this.#where(item, event.response_id), type: 'response.output_audio.done' });
        }
        return out;
      }
      case 'agent_response_audio_transcript_done': {
        const [item, out] = this.#item(event.agent_id, event.response_id, event.item_id, 'audio');
        item.transcript = event.transcript;
        out.push({
          ...this.#where(item, event.response_id),
          type: 'response.output_audio_transcript.done',
          transcript: event.transcript,
        });
        return out;
      }
      case 'agent_response_text_done': {
        const [item, out] = this.#item(event.agent_id, event.response_id, event.item_id, 'text');
        item.text = event.text;
        item.textDone = true;
        out.push({
          ...this.#where(item, event.response_id),
          type: 'response.output_text.done',
          text: event.text,
        });
        return out;
      }
      case 'agent_response_tool_use_done':
        return this.#toolCall(event);
      case 'agent_response_tool_result':
        return this.#itemAddedAndDone({
          id: `item_out_${event.tool_result.id}`,
          object: 'realtime.item',
          type: 'function_call_output',
          status: 'completed',
          call_id: event.tool_result.id,
          output: toolResultText(event.tool_result.output),
        });
      case 'agent_response_done':
        return this.#done(event);
      case 'agent_response_interrupted':
        this.#interruptedItems.add(event.item_id);
        return [];
      case 'agent_input_started':
        return [
          {
            type: 'input_audio_buffer.speech_started',
            item_id: event.item_id,
            audio_start_ms: Math.round(event.audio_start_ms),
          },
        ];
      case 'agent_input_done':
        return [
          {
            type: 'input_audio_buffer.speech_stopped',
            item_id: event.item_id,
            audio_end_ms: Math.round(event.audio_end_ms),
          },
        ];
      case 'agent_input_transcription_delta':
        return [
          {
            type: 'conversation.item.input_audio_transcription.delta',
            item_id: event.item_id,
            content_index: 0,
            delta: event.delta,
          },
        ];
      case 'agent_input_transcription_done': {
        const stored = this.store.get(event.item_id);
        if (stored) {
          this.store.put({ ...stored, content: [{ type: 'input_audio', transcript: event.transcript }] });
        }
        return [
          {
            type: 'conversation.item.input_audio_transcription.completed',
            item_id: event.item_id,
            content_index: 0,
            transcript: event.transcript,
          },
        ];
      }
      case 'agent_error':
        return [
          {
            type: 'error',
            error: {
              // The core's own classification: a client's bad input stays an invalid_request_error.
              type: event.error_type || 'server_error',
              code: event.code,
              message: event.message,
              param: null,
              event_id: null,
            },
          },
        ];
      case 'server_error':
        return [
          {
            type: 'error',
            error: {
              type: 'invalid_request_error',
              code: event.code,
              message: event.message,
              param: event.path ?? null,
              event_id: event.event_id ?? null,
            },
          },
        ];
      default:
        // Lifecycle, history, handoff, floor and metrics events have no OpenAI counterpart.
        return [];
    }
  }

  /** Ends every running response as cancelled (the agent stopped mid-response). */
  cancelAll(): OpenAIOut[] {
    const out: OpenAIOut[] = [];
    for (const response of [...this.#responses.values()]) {
      out.push(...this.#finish(response, 'cancelled', { input_tokens: 0, output_tokens: 0 }));
    }
    return out;
  }

  #created(event: ServerEventOf<'agent_response_created'>): OpenAIOut[] {
    if (this.#responses.has(event.response_id)) return [];
    const response: ResponseState = {
      id: event.response_id,
      agentId: event.agent_id,
      output: [],
      items: new Map(),
    };
    this.#responses.set(event.response_id, response);
    return [{ type: 'response.created', response: this.#responseObject(response, 'in_progress', null) }];
  }

  #response(agentId: string, responseId: string): [ResponseState, OpenAIOut[]] {
    const known = this.#responses.get(responseId);
    if (known) return [known, []];
    // A delta before agent_response_created: open the response so the client sees a valid sequence.
    const out = this.#created({
      type: 'agent_response_created',
      agent_id: agentId,
      agent_name: '',
      response_id: responseId,
    });
    return [this.#responses.get(responseId)!, out];
  }

  #item(
    agentId: string,
    responseId: string,
    itemId: string,
    kind: 'audio' | 'text',
  ): [ItemState, OpenAIOut[]] {
    const [response, out] = this.#response(agentId, responseId);
    const known = response.items.get(itemId);
    if (known) return [known, out];
    const item: ItemState = {
      id: itemId,
      outputIndex: response.output.length,
      kind,
      transcript: '',
      text: '',
      audioDone: false,
      textDone: false,
    };
    response.items.set(itemId, item);
    const openItem = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      content: [],
    };
    response.output.push(openItem);
    const previous = this.store.put({ ...openItem });
    out.push(
      {
        type: 'response.output_item.added',
        response_id: responseId,
        output_index: item.outputIndex,
        item: openItem,
      },
      { type: 'conversation.item.added', previous_item_id: previous, item: openItem },
      {
        ...this.#where(item, responseId),
        type: 'response.content_part.added',
        part: kind === 'audio' ? { type: 'output_audio', transcript: '' } : { type: 'output_text', text: '' },
      },
    );
    return [item, out];
  }

  #where(item: ItemState, responseId: string) {
    return { response_id: responseId, item_id: item.id, output_index: item.outputIndex, content_index: 0 };
  }

  #toolCall(event: ServerEventOf<'agent_response_tool_use_done'>): OpenAIOut[] {
    const { tool_use: call } = event;
    const item = {
      id: event.item_id,
      object: 'realtime.item',
      type: 'function_call',
      status: 'completed',
      call_id: call.id,
      name: call.name,
      arguments: call.raw_input,
    };
    if (!this.isClientTool(call.name)) return this.#itemAddedAndDone(item);
    const [response, out] = this.#response(event.agent_id, event.response_id);
    const outputIndex = response.output.length;
    response.output.push(item);
    const inProgress = { ...item, status: 'in_progress', arguments: '' };
    const previous = this.store.put(item);
    out.push(
      {
        type: 'response.output_item.added',
        response_id: response.id,
        output_index: outputIndex,
        item: inProgress,
      },
      { type: 'conversation.item.added', previous_item_id: previous, item: inProgress },
      {
        type: 'response.function_call_arguments.done',
        response_id: response.id,
        item_id: item.id,
        output_index: outputIndex,
        call_id: call.id,
        name: call.name,
        arguments: call.raw_input,
      },
      { type: 'response.output_item.done', response_id: response.id, output_index: outputIndex, item },
      { type: 'conversation.item.done', previous_item_id: previous, item },
    );
    return out;
  }

  #itemAddedAndDone(item: Record<string, unknown> & { id: string }): OpenAIOut[] {
    const previous = this.store.put(item);
    return [
      { type: 'conversation.item.added', previous_item_id: previous, item },
      { type: 'conversation.item.done', previous_item_id: previous, item },
    ];
  }

  #done(event: ServerEventOf<'agent_response_done'>): OpenAIOut[] {
    const [response, out] = this.#response(event.agent_id, event.response_id);
    const reason = typeof event.metadata?.reason === 'string' ? event.metadata.reason : undefined;
    out.push(
      ...this.#finish(
        response,
        event.status,
        { input_tokens: event.input_tokens, output_tokens: event.output_tokens },
        reason,
      ),
    );
    return out;
  }

  #finish(
    response: ResponseState,
    status: string,
    usage: { input_tokens: number; output_tokens: number },
    reason?: string,
  ): OpenAIOut[] {
    const out: OpenAIOut[] = [];
    const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
    for (const item of response.items.values()) {
      const where = this.#where(item, response.id);
      if (item.kind === 'audio' && !item.audioDone)
        out.push({ ...where, type: 'response.output_audio.done' });
      if (item.kind === 'text' && !item.textDone)
        out.push({ ...where, type: 'response.output_text.done', text: item.text });
      const part =
        item.kind === 'audio'
          ? { type: 'output_audio', transcript: item.transcript }
          : { type: 'output_text', text: item.text };
      out.push({ ...where, type: 'response.content_part.done', part });
      const done = {
        id: item.id,
        object: 'realtime.item',
        type: 'message',
        role: 'assistant',
        status: itemStatus,
        content: [part],
      };
      response.output[item.outputIndex] = done;
      const previous = this.store.put(done);
      out.push(
        {
          type: 'response.output_item.done',
          response_id: response.id,
          output_index: item.outputIndex,
          item: done,
        },
        { type: 'conversation.item.done', previous_item_id: previous, item: done },
      );
      this.#interruptedItems.delete(item.id);
    }
    this.#responses.delete(response.id);
    out.push({
      type: 'response.done',
      response: this.#responseObject(
        response,
        status,
        {
          total_tokens: usage.input_tokens + usage.output_tokens,
          input_tokens: usage.input_tokens,
          output_tokens: usage.output_tokens,
        },
        reason,
      ),
    });
    return out;
  }

  #responseObject(
    response: ResponseState,
    status: string,
    usage: Record<string, number> | null,
    reason?: string,
  ) {
    return {
      id: response.id,
      object: 'realtime.response',
      status,
      status_details: statusDetails(status, reason),
      output: response.output,
      conversation_id: 'conv_chorus',
      output_modalities: ['audio'],
      metadata: { agent_id: response.agentId },
      usage,
    };
  }
}

/**
 * GA `status_details`: `cancelled` by the client; `failed` with an error (the agent lost its model
 * mid-response); `incomplete` with a reason.
 */
function statusDetails(status: string, reason: string | undefined): Record<string, unknown> | null {
  if (status === 'cancelled') return { type: 'cancelled', reason: 'client_cancelled' };
  if (status === 'failed') {
    return {
      type: 'failed',
      error: {
        type: 'server_error',
        code: reason ?? 'response_failed',
        message: `the response failed: ${reason ?? 'unknown'}`,
      },
    };
  }
  if (status === 'incomplete') return { type: 'incomplete', reason: reason ?? 'unknown' };
  return null;
}

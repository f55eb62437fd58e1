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
  readonly params: ResponseParams;
}

/** What the client asked of a response (`response.create{response}`), as far as the mapper echoes it. */
export interface ResponseParams {
  readonly outputModalities: readonly ('audio' | 'text')[];
  readonly metadata?: Readonly<Record<string, string>> | null;
  /** `none`: an out-of-band response, kept out of the conversation (no `conversation.item.*`). */
  readonly conversation: 'auto' | 'none';
}

/** Input items whose start and end times are known, for the transcription's `usage` (bounded). */
const MAX_TIMED_INPUTS = 64;
/** Client tool calls remembered until their output comes (the oldest are forgotten past this). */
const MAX_CLIENT_CALLS = 256;

/**
 * Maps the Chorus agent's server events (`agent_*`) onto OpenAI Realtime GA server events, keeping
 * what GA clients expect around them: `response.created` before anything of a response, an
 * `output_item.added` / `content_part.added` before the first delta of an item, the matching `done`
 * events and the full `response.done{response{status, output, usage}}` at the end, also after a cancel.
 *
 * Tool calls the Chorus agent executes itself appear as `conversation.item.added/done` items
 * (`function_call`, then `function_call_output`), not as response output: official clients execute
 * every completed `function_call` found in a response's output, and these are not theirs to run. Calls
 * of tools the client declared in `session.update` (and the agent accepted as the client's) go out
 * as response output with their arguments delta and done; the turn then waits for the client's
 * `function_call_output` and `response.create`. A client tool named like one of the agent's tools
 * stays the agent's: it runs once, on the server, and reaches the client as a conversation item only.
 */
export class OpenAISessionMapper {
  readonly #responses = new Map<string, ResponseState>();
  readonly #interruptedItems = new Set<string>();
  readonly #expected: ResponseParams[] = [];
  readonly #inputTimes = new Map<string, { start: number; end?: number }>();
  /** Calls that went out as the client's own (session or per-response tools), awaiting its output. */
  readonly #clientCalls = new Set<string>();
  #lastResponseId: string | undefined;

  constructor(
    private readonly store: ConversationStore,
    private readonly isClientTool: (name: string) => boolean,
    /** The session's parameters, for a response nobody asked for explicitly (server VAD). */
    private readonly sessionParams: () => ResponseParams,
    /** Whether the session detects turns (with `turn_detection: null` no VAD events go out). */
    private readonly detectsTurns: () => boolean = () => true,
  ) {}

  /** The next response the agent starts was asked for with these parameters. */
  expect(params: ResponseParams): void {
    this.#expected.push(params);
  }

  /** A requested response will not come (the request failed): forget its parameters. */
  unexpect(): void {
    this.#expected.pop();
  }

  /** The running response, or else the last one (what `output_audio_buffer.cleared` names). */
  get latestResponseId(): string | undefined {
    return this.currentResponseId ?? this.#lastResponseId;
  }

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
        // The client's own tool: it created the output item itself with conversation.item.create.
        if (this.#clientCalls.delete(event.tool_result.id) || this.isClientTool(event.tool_result.name))
          return [];
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
        this.#timeInput(event.item_id).start = event.audio_start_ms;
        if (!this.detectsTurns()) return [];
        return [
          {
            type: 'input_audio_buffer.speech_started',
            item_id: event.item_id,
            audio_start_ms: Math.round(event.audio_start_ms),
          },
        ];
      case 'agent_input_done':
        return this.#inputDone(event);
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
        const times = this.#inputTimes.get(event.item_id);
        this.#inputTimes.delete(event.item_id);
        const seconds = times?.end === undefined ? 0 : Math.max(0, times.end - times.start) / 1000;
        return [
          {
            type: 'conversation.item.input_audio_transcription.completed',
            item_id: event.item_id,
            content_index: 0,
            transcript: event.transcript,
            usage: { type: 'duration', seconds },
          },
        ];
      }
      case 'agent_rate_limits_updated':
        return [{ type: 'rate_limits.updated', rate_limits: event.rate_limits }];
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
      params: this.#expected.shift() ?? this.sessionParams(),
    };
    this.#responses.set(event.response_id, response);
    this.#lastResponseId = event.response_id;
    return [{ type: 'response.created', response: this.#responseObject(response, 'in_progress', null) }];
  }

  /**
   * The user stopped speaking and the agent's VAD ended the turn: the service commits the buffer
   * into a user item then, so the client learns that item (its id is in every later event).
   */
  #inputDone(event: ServerEventOf<'agent_input_done'>): OpenAIOut[] {
    this.#timeInput(event.item_id).end = event.audio_end_ms;
    const out: OpenAIOut[] = [];
    if (this.detectsTurns()) {
      out.push({
        type: 'input_audio_buffer.speech_stopped',
        item_id: event.item_id,
        audio_end_ms: Math.round(event.audio_end_ms),
      });
    }
    if (this.store.get(event.item_id)) return out;
    const item = {
      id: event.item_id,
      object: 'realtime.item',
      type: 'message',
      role: 'user',
      status: 'completed',
      // A string, even before the transcription: the SDK types refuse null, @openai/agents-realtime needs the key.
      content: [{ type: 'input_audio', transcript: '' }],
    };
    const previous = this.store.put(item);
    out.push(
      { type: 'input_audio_buffer.committed', item_id: event.item_id, previous_item_id: previous },
      { type: 'conversation.item.added', previous_item_id: previous, item },
      { type: 'conversation.item.done', previous_item_id: previous, item },
    );
    return out;
  }

  #timeInput(itemId: string): { start: number; end?: number } {
    let times = this.#inputTimes.get(itemId);
    if (!times) {
      times = { start: 0 };
      this.#inputTimes.set(itemId, times);
      for (const oldest of this.#inputTimes.keys()) {
        if (this.#inputTimes.size <= MAX_TIMED_INPUTS) break;
        this.#inputTimes.delete(oldest);
      }
    }
    return times;
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
    out.push({
      type: 'response.output_item.added',
      response_id: responseId,
      output_index: item.outputIndex,
      item: openItem,
    });
    if (response.params.conversation === 'auto') {
      const previous = this.store.put({ ...openItem });
      out.push({ type: 'conversation.item.added', previous_item_id: previous, item: openItem });
    }
    out.push({
      ...this.#where(item, responseId),
      type: 'response.content_part.added',
      part: kind === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
    });
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
    if (event.client_tool !== true && !this.isClientTool(call.name)) return this.#itemAddedAndDone(item);
    this.#clientCalls.add(call.id);
    if (this.#clientCalls.size > MAX_CLIENT_CALLS)
      this.#clientCalls.delete(this.#clientCalls.values().next().value ?? '');
    const [response, out] = this.#response(event.agent_id, event.response_id);
    const outputIndex = response.output.length;
    response.output.push(item);
    const inProgress = { ...item, status: 'in_progress', arguments: '' };
    const inConversation = response.params.conversation === 'auto';
    const previous = inConversation ? this.store.put(item) : null;
    const where = { response_id: response.id, item_id: item.id, output_index: outputIndex };
    out.push({
      type: 'response.output_item.added',
      response_id: response.id,
      output_index: outputIndex,
      item: inProgress,
    });
    if (inConversation)
      out.push({ type: 'conversation.item.added', previous_item_id: previous, item: inProgress });
    // The agent learns the arguments whole; they go out as one delta, then done, as the service streams them.
    out.push(
      {
        type: 'response.function_call_arguments.delta',
        ...where,
        call_id: call.id,
        delta: call.raw_input,
      },
      {
        type: 'response.function_call_arguments.done',
        ...where,
        call_id: call.id,
        name: call.name,
        arguments: call.raw_input,
      },
      { type: 'response.output_item.done', response_id: response.id, output_index: outputIndex, item },
    );
    if (inConversation) out.push({ type: 'conversation.item.done', previous_item_id: previous, item });
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
      // Response parts are `audio` / `text`; the same content inside an item is `output_*`.
      const part =
        item.kind === 'audio'
          ? { type: 'audio', transcript: item.transcript }
          : { type: 'text', text: item.text };
      out.push({ ...where, type: 'response.content_part.done', part });
      const content =
        item.kind === 'audio'
          ? { type: 'output_audio', transcript: item.transcript }
          : { type: 'output_text', text: item.text };
      const done = {
        id: item.id,
        object: 'realtime.item',
        type: 'message',
        role: 'assistant',
        status: itemStatus,
        content: [content],
      };
      response.output[item.outputIndex] = done;
      out.push({
        type: 'response.output_item.done',
        response_id: response.id,
        output_index: item.outputIndex,
        item: done,
      });
      if (response.params.conversation === 'auto') {
        const previous = this.store.put(done);
        out.push({ type: 'conversation.item.done', previous_item_id: previous, item: done });
      }
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
    const { params } = response;
    return {
      id: response.id,
      object: 'realtime.response',
      status,
      ...statusDetails(status, reason),
      output: response.output,
      // Out-of-band responses belong to no conversation.
      ...(params.conversation === 'auto' ? { conversation_id: 'conv_chorus' } : {}),
      output_modalities: [...params.outputModalities],
      metadata: params.metadata === undefined ? { agent_id: response.agentId } : params.metadata,
      ...(usage ? { usage } : {}),
    };
  }
}

/**
 * GA `status_details`: `cancelled` by the client; `failed` with an error (the agent lost its model
 * mid-response); `incomplete` with a reason.
 */
/**
 * `status_details` for a finished response, or nothing (the official types have no `null` here).
 * `incomplete` names only the reasons the service documents.
 */
function statusDetails(
  status: string,
  reason: string | undefined,
): { status_details?: Record<string, unknown> } {
  if (status === 'cancelled') return { status_details: { type: 'cancelled', reason: 'client_cancelled' } };
  if (status === 'failed') {
    return {
      status_details: {
        type: 'failed',
        error: {
          type: 'server_error',
          code: reason ?? 'response_failed',
          message: `the response failed: ${reason ?? 'unknown'}`,
        },
      },
    };
  }
  if (status === 'incomplete') {
    const documented = ['turn_detected', 'client_cancelled', 'max_output_tokens', 'content_filter'];
    return {
      status_details:
        reason !== undefined && documented.includes(reason)
          ? { type: 'incomplete', reason }
          : { type: 'incomplete' },
    };
  }
  return {};
}

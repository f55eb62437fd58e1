import {
  type ClientEvent,
  type ClientEventOf,
  clientAudioBytes,
  type ResponseInputItem,
  toolResultText,
} from '@chorus/protocol';
import type { ModelConnection } from '../connection/model-connection.js';
import type {
  ConversationItem,
  RealtimeModel,
  ResponseOptions,
  ToolDefinition,
} from '../model/realtime-model.js';
import type { HeardMessage } from '../room/member.js';
import type { DigitCollector } from '../tools/collect-digits.js';
import type { AgentEmitter } from './agent-emitter.js';
import { agentStateOf, isAnswering, type RealtimeAgentSnapshot } from './agent-snapshot.js';
import type { RealtimeAgentEvent } from './realtime-agent.context.js';
import type { StreamingItems } from './streaming-items.js';

type ClientTool = NonNullable<ClientEventOf<'client_response_create'>['tools']>[number];

export interface ClientInputOptions {
  readonly connection: ModelConnection;
  readonly model: RealtimeModel;
  readonly emitter: AgentEmitter;
  readonly streaming: StreamingItems;
  /** Records a conversation item (and announces that the history changed). */
  readonly addHistory: (item: ConversationItem) => void;
  /** Sends a control event to the agent's actor while it runs. */
  readonly toActor: (event: RealtimeAgentEvent) => void;
  /** The agent's actor's snapshot now. */
  readonly snapshot: () => RealtimeAgentSnapshot | undefined;
  readonly applySession: (event: ClientEventOf<'client_session_create'>) => void;
  readonly stop: () => void;
  /** The tools the model is offered for one response given the client's tools for it. */
  readonly responseTools?: (declared: readonly ClientTool[]) => readonly ToolDefinition[];
  /** Takes keypad digits while a tool waits for them. */
  readonly digits?: DigitCollector;
}

/** The per-response options a `client_response_create` carries, or undefined when it has none. */
function responseOptionsOf(
  event: ClientEventOf<'client_response_create'>,
  responseTools: ClientInputOptions['responseTools'],
): ResponseOptions | undefined {
  const options: { -readonly [K in keyof ResponseOptions]: ResponseOptions[K] } = {};
  if (event.instructions !== undefined) options.instructions = event.instructions;
  if (event.modalities !== undefined) options.modalities = event.modalities;
  if (event.conversation !== undefined) options.conversation = event.conversation;
  if (event.input !== undefined) options.input = event.input.map(historyItemOf);
  if (event.tools !== undefined && responseTools) options.tools = responseTools(event.tools);
  if (event.tool_choice !== undefined) options.toolChoice = event.tool_choice;
  return Object.keys(options).length > 0 ? options : undefined;
}

/** A response's own context item in the history's form (ids are local to that response). */
function historyItemOf(item: ResponseInputItem, index: number): ConversationItem {
  const id = `input_${index}`;
  switch (item.type) {
    case 'message':
      return { type: 'message', id, role: item.role, text: item.text };
    case 'function_call':
      return { type: 'function_call', id, callId: item.call_id, name: item.name, arguments: item.arguments };
    case 'function_call_output':
      return { type: 'function_call_output', id, callId: item.call_id, output: item.output };
  }
}

/**
 * What a user's (validated) client events do to a running agent, one case per event type, and the
 * user's words as they reach the model and the history. One input gets one response: the seed
 * frontends send `client_text_append` followed by `client_response_create`, and the second must
 * not start a second response for the same words. Whether a response is asked for already is the
 * machine's (`context.responseRequested`, set by `user.text`, settled by the model's responses).
 */
export class ClientInput {
  private userMessages = 0;
  private readonly reportedFormats = new Set<string>();

  constructor(private readonly options: ClientInputOptions) {}

  private state() {
    return agentStateOf(this.options.snapshot());
  }

  dispatch(event: ClientEvent): void {
    const { connection, emitter } = this.options;
    switch (event.type) {
      case 'client_session_create':
        this.options.applySession(event);
        return;
      case 'client_session_end':
        this.options.stop();
        return;
      case 'client_response_create': {
        // Already answering (or about to) the latest input: one response per input, not two.
        if (isAnswering(this.options.snapshot())) return;
        const model = this.options.model;
        if ((event.input || event.tools || event.tool_choice) && !model.capabilities.responseInput) {
          emitter.emitError(
            'invalid_request_error',
            'unsupported_parameter',
            `client_response_create: the ${model.provider} model takes no per-response input, tools or tool_choice`,
          );
          return;
        }
        connection.createResponse(responseOptionsOf(event, this.options.responseTools));
        return;
      }
      case 'client_response_cancel': {
        const state = this.state();
        if (state === 'responding' || state === 'runningTools') this.options.toActor({ type: 'user.cancel' });
        // Already being cancelled (e.g. a truncate arrived first): cancelling is idempotent.
        else if (state === 'interrupted') return;
        else {
          emitter.emitError(
            'invalid_request_error',
            'response_cancel_not_active',
            `client_response_cancel: there is no response to cancel (agent is ${state})`,
          );
        }
        return;
      }
      case 'client_text_append':
        if (event.role !== 'system' && event.role !== 'assistant' && this.options.digits?.offer(event.text))
          return;
        if (event.role === 'system' || event.role === 'assistant') this.seed(event.text, event.role);
        else if (event.respond === false) this.heard({ text: event.text, respond: false });
        else this.userText(event.text);
        return;
      case 'client_audio_append':
        this.userAudio(event);
        return;
      case 'client_audio_commit':
        connection.send({ type: 'audio_commit' });
        return;
      case 'client_image_append': {
        const model = this.options.model;
        if (!model.capabilities.imageInput) {
          emitter.emitError(
            'invalid_request_error',
            'unsupported_input',
            `client_image_append: the ${model.provider} model does not accept images`,
          );
          return;
        }
        connection.send({
          type: 'image',
          image: Buffer.from(event.image, 'base64'),
          mimeType: event.format.mime_type,
        });
        return;
      }
      case 'client_tool_result': {
        // The model takes text; clients see the output as the frontend sent it (text or blocks).
        const output = toolResultText(event.output);
        connection.send({ type: 'tool_result', callId: event.id, name: event.name, output });
        this.options.addHistory({
          type: 'function_call_output',
          id: `${event.id}_output`,
          callId: event.id,
          output,
        });
        emitter.emit(
          emitter.attributed({
            type: 'agent_response_tool_result',
            tool_result: {
              type: 'tool_result',
              id: event.id,
              name: event.name,
              output: event.output,
              is_error: false,
            },
          }),
        );
        if (event.respond !== false) connection.createResponse();
        return;
      }
      case 'client_playback_position':
        this.options.streaming.setPlayed(event.item_id, event.audio_end_ms);
        return;
      case 'client_tool_approval':
        this.options.toActor({
          type: 'tool.approval',
          callId: event.call_id,
          approved: event.approved,
          ...(event.reason === undefined ? {} : { reason: event.reason }),
        });
        return;
    }
  }

  /** A user's typed words: they interrupt the agent if it speaks, and ask for an answer. */
  userText(text: string, speaker?: string): void {
    const { connection } = this.options;
    this.addUserMessage(text, speaker);
    // The machine notes the request (and cuts the agent off if it is speaking: typing is a barge-in too).
    this.options.toActor({ type: 'user.text' });
    connection.send({ type: 'text', text, role: 'user', ...(speaker === undefined ? {} : { speaker }) });
    connection.createResponse();
  }

  /**
   * Another room member's words, or a user's words that ask for no answer (`respond: false`):
   * context, and an answer only when `respond` is true.
   */
  heard(message: HeardMessage | { readonly text: string; readonly respond: false }): void {
    const { connection } = this.options;
    const speaker = 'speaker' in message ? message.speaker : undefined;
    this.addUserMessage(message.text, speaker);
    // Asked to answer while still speaking: the words so far end here (closed with what was
    // heard), as when the user types over the agent directly.
    if (message.respond && this.state() === 'responding') this.options.toActor({ type: 'user.cancel' });
    connection.send({
      type: 'text',
      text: message.text,
      role: 'user',
      ...(speaker === undefined ? {} : { speaker }),
    });
    if (message.respond) connection.createResponse();
  }

  /** Seeds the conversation with a system or assistant message: history and model, no answer. */
  private seed(text: string, role: 'system' | 'assistant'): void {
    this.options.addHistory({
      type: 'message',
      id: `${this.options.emitter.agentId}_${role}_${++this.userMessages}`,
      role,
      text,
    });
    this.options.connection.send({ type: 'text', text, role });
  }

  private userAudio(event: ClientEventOf<'client_audio_append'>): void {
    const { model } = this.options;
    const { format } = event;
    const accepted = model.capabilities.inputFormats.some(
      (f) => f.type === format.type && f.rate === format.rate,
    );
    if (!accepted) {
      const key = `${format.type}@${format.rate}`;
      if (!this.reportedFormats.has(key)) {
        this.reportedFormats.add(key);
        const known = model.capabilities.inputFormats.map((f) => `${f.type} at ${f.rate} Hz`).join(', ');
        this.options.emitter.emitError(
          'invalid_request_error',
          'unsupported_audio_format',
          `client_audio_append: the ${model.provider} model takes ${known}, not ${format.type} at ${format.rate} Hz; this format is dropped (reported once)`,
        );
      }
      return;
    }
    this.options.connection.send({
      type: 'audio',
      // Audio that arrived as bytes (a binary frame) stays bytes; JSON audio is decoded here, once.
      audio: clientAudioBytes(event) ?? Buffer.from(event.audio, 'base64'),
      format,
    });
  }

  private addUserMessage(text: string, speaker?: string): void {
    this.options.addHistory({
      type: 'message',
      id: `${this.options.emitter.agentId}_user_${++this.userMessages}`,
      role: 'user',
      text,
      ...(speaker === undefined ? {} : { speaker }),
    });
  }
}

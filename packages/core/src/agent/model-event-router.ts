import {
  agentAudioDeltaOf,
  audioDeltaBytes,
  base64ByteLength,
  type ModelEvent,
  type ModelEventOf,
} from '@chorus/protocol';
import type { GuardrailMonitor } from '../guardrails/guardrail-monitor.js';
import type { ConversationItem } from '../model/realtime-model.js';
import type { AgentEmitter } from './agent-emitter.js';
import { stringMetadata, toolUseBlock } from './agentscope-mirror.js';
import type { PersonaRoster } from './persona-roster.js';
import type { RealtimeAgentEvent } from './realtime-agent.context.js';
import type { StreamingItems } from './streaming-items.js';
import type { TurnMetricsRecorder } from './turn-metrics.js';

export interface ModelEventRouterOptions {
  readonly emitter: AgentEmitter;
  readonly streaming: StreamingItems;
  readonly metrics: TurnMetricsRecorder;
  readonly personas: PersonaRoster;
  readonly guardrails: GuardrailMonitor | undefined;
  /** Records a conversation item (and announces that the history changed). */
  readonly addHistory: (item: ConversationItem) => void;
  /** Sends a control event to the agent's actor while it runs. */
  readonly toActor: (event: RealtimeAgentEvent) => void;
  readonly toolTimeoutMs: number | undefined;
  /** Whether the client runs the tool of this name itself (it answers with `client_tool_result`). */
  readonly isClientTool?: (name: string) => boolean;
}

/**
 * Turns the model's events into the agent's: one `agent_*` event per model event, the per-item
 * bookkeeping (text, audio bytes), history items, metrics and guardrail checks,
 * and the control events the agent's actor decides on (response created/done, tool calls,
 * handoffs). Events of a dropped response stop here.
 *
 * Audio deltas never reach the actor: the audio case is a few counters and one emit.
 */
export class ModelEventRouter {
  private readonly emitter: AgentEmitter;
  private readonly streaming: StreamingItems;
  private readonly metrics: TurnMetricsRecorder;
  private readonly personas: PersonaRoster;
  private readonly guardrails: GuardrailMonitor | undefined;
  private readonly addHistory: (item: ConversationItem) => void;
  private readonly toActor: (event: RealtimeAgentEvent) => void;
  private readonly toolTimeoutMs: number;
  private readonly isClientTool: (name: string) => boolean;

  /** Out-of-band responses in flight: their output is emitted but kept out of the history. */
  private readonly outOfBand = new Set<string>();

  constructor(options: ModelEventRouterOptions) {
    this.emitter = options.emitter;
    this.streaming = options.streaming;
    this.metrics = options.metrics;
    this.personas = options.personas;
    this.guardrails = options.guardrails;
    this.addHistory = options.addHistory;
    this.toActor = options.toActor;
    this.toolTimeoutMs = options.toolTimeoutMs ?? 30_000;
    this.isClientTool = options.isClientTool ?? (() => false);
  }

  /** Whether the response was asked for out of band (`conversation: 'none'`) and is still running. */
  isOutOfBand(responseId: string | undefined): boolean {
    return responseId !== undefined && this.outOfBand.has(responseId);
  }

  route(event: ModelEvent): void {
    const emitter = this.emitter;
    switch (event.type) {
      case 'model_response_audio_delta': {
        // The hot path: no actor, no allocation beyond the outgoing event.
        if (this.streaming.isDropped(event.response_id)) return;
        // Audio the model holds as bytes stays bytes; its base64 is made only if a listener reads it.
        const bytes = audioDeltaBytes(event);
        this.streaming.addAudio(
          event.response_id,
          event.item_id,
          event.format,
          bytes ? bytes.byteLength : base64ByteLength(event.delta),
        );
        this.metrics.audio(event.response_id);
        emitter.emit(agentAudioDeltaOf(emitter, event));
        return;
      }
      case 'model_response_audio_transcript_delta':
      case 'model_response_text_delta': {
        if (this.streaming.isDropped(event.response_id)) return;
        const item = this.streaming.item(event.response_id, event.item_id);
        item.text += event.delta;
        if (event.type === 'model_response_text_delta') item.isText = true;
        emitter.emit({
          type:
            event.type === 'model_response_text_delta'
              ? 'agent_response_text_delta'
              : 'agent_response_audio_transcript_delta',
          agent_id: emitter.agentId,
          agent_name: emitter.agentName,
          response_id: event.response_id,
          item_id: event.item_id,
          delta: event.delta,
        });
        this.guardrails?.textChanged(event.response_id, this.streaming.responseText(event.response_id));
        return;
      }
      case 'model_response_audio_transcript_done': {
        if (this.streaming.isDropped(event.response_id)) return;
        const item = this.streaming.item(event.response_id, event.item_id);
        item.text = event.transcript;
        item.closed = true;
        emitter.emit(emitter.attributed({ ...event, type: 'agent_response_audio_transcript_done' }));
        return;
      }
      case 'model_response_text_done': {
        if (this.streaming.isDropped(event.response_id)) return;
        const item = this.streaming.item(event.response_id, event.item_id);
        item.text = event.text;
        item.isText = true;
        item.closed = true;
        emitter.emit(emitter.attributed({ ...event, type: 'agent_response_text_done' }));
        return;
      }
      case 'model_response_audio_done': {
        if (this.streaming.isDropped(event.response_id)) return;
        const audio = this.streaming.audioOf(event.response_id);
        if (audio?.itemId === event.item_id) audio.closed = true;
        emitter.emit(emitter.attributed({ ...event, type: 'agent_response_audio_done' }));
        return;
      }
      case 'model_response_created':
        if (event.conversation === 'none') {
          this.outOfBand.add(event.response_id);
          // A response whose done never came (a lost connection) is forgotten past this many.
          if (this.outOfBand.size > 64) this.outOfBand.delete(this.outOfBand.values().next().value ?? '');
        }
        this.metrics.responseCreated(event.response_id);
        emitter.emit(emitter.attributed({ ...event, type: 'agent_response_created' }));
        this.toActor({ type: 'model.response_created', responseId: event.response_id });
        return;
      case 'model_response_done':
        this.responseDone(event);
        return;
      case 'model_response_tool_use_delta':
        if (this.streaming.isDropped(event.response_id)) return;
        emitter.emit(
          emitter.attributed({
            type: 'agent_response_tool_use_delta',
            response_id: event.response_id,
            item_id: event.item_id,
            tool_use: toolUseBlock(event),
          }),
        );
        return;
      case 'model_response_tool_use_done':
        this.toolUse(event);
        return;
      case 'model_tool_call_cancelled':
        emitter.emit(emitter.attributed({ ...event, type: 'agent_tool_call_cancelled' }));
        this.toActor({ type: 'model.tool_calls_cancelled', callIds: event.call_ids });
        return;
      case 'model_input_transcription_delta':
        emitter.emit(emitter.attributed({ ...event, type: 'agent_input_transcription_delta' }));
        return;
      case 'model_input_transcription_done':
        emitter.emit(emitter.attributed({ ...event, type: 'agent_input_transcription_done' }));
        this.addHistory({ type: 'message', id: event.item_id, role: 'user', text: event.transcript });
        return;
      case 'model_input_started':
        emitter.emit(
          emitter.attributed({
            type: 'agent_input_started',
            item_id: event.item_id,
            audio_start_ms: Math.round(event.audio_start_ms),
          }),
        );
        this.toActor({ type: 'model.input_started', itemId: event.item_id });
        return;
      case 'model_input_done':
        this.metrics.userStopped();
        emitter.emit(
          emitter.attributed({
            type: 'agent_input_done',
            item_id: event.item_id,
            audio_end_ms: Math.round(event.audio_end_ms),
          }),
        );
        return;
      case 'model_rate_limits_updated':
        emitter.emit(emitter.attributed({ ...event, type: 'agent_rate_limits_updated' }));
        return;
      case 'model_error':
        // A failed request is settled: a later `client_response_create` asks anew.
        this.toActor({ type: 'model.error' });
        if (event.fatal) emitter.emitFatalOnce(event.error_type, event.code, event.message);
        else emitter.emit(emitter.attributed({ ...event, type: 'agent_error' }));
        return;
      case 'model_session_created':
      case 'model_session_ended':
      case 'model_raw':
        // Connection-level: the connection actor handles the session; raw provider events stay on
        // `modelConnection.events$` for whoever wants them.
        return;
    }
  }

  private responseDone(event: ModelEventOf<'model_response_done'>): void {
    const emitter = this.emitter;
    const responseId = event.response_id;
    const outOfBand = this.outOfBand.delete(responseId);
    if (!this.streaming.isDropped(responseId)) {
      for (const [itemId, item] of this.streaming.itemsOf(responseId)) {
        if (outOfBand) break;
        this.addHistory({
          type: 'message',
          id: itemId,
          role: 'assistant',
          text: item.text,
          speaker: this.personas.current().name,
        });
      }
      this.guardrails?.responseDone(responseId, this.streaming.responseText(responseId));
    }
    emitter.emit(
      emitter.attributed({ ...event, type: 'agent_response_done', metadata: stringMetadata(event.metadata) }),
    );
    const metrics = this.metrics.responseDone(responseId);
    if (metrics) {
      const toolDurations: Record<string, number> = { ...metrics.toolDurationsMs };
      emitter.emit(
        emitter.attributed({
          type: 'agent_turn_metrics',
          response_id: responseId,
          ...(metrics.timeToFirstAudioMs === undefined
            ? {}
            : { time_to_first_audio_ms: metrics.timeToFirstAudioMs }),
          ...(metrics.e2eMs === undefined ? {} : { e2e_ms: metrics.e2eMs }),
          interrupted: metrics.interrupted,
          tool_durations_ms: toolDurations,
        }),
      );
    }
    this.toActor({ type: 'model.response_done', responseId, status: event.status });
    this.streaming.forgetResponse(responseId);
  }

  private toolUse(event: ModelEventOf<'model_response_tool_use_done'>): void {
    if (this.streaming.isDropped(event.response_id)) return;
    const { tool_use: call } = event;
    this.emitter.emit(
      this.emitter.attributed({
        type: 'agent_response_tool_use_done',
        response_id: event.response_id,
        item_id: event.item_id,
        tool_use: toolUseBlock(event),
        ...(this.isClientTool(call.name) ? { client_tool: true } : {}),
      }),
    );
    if (!this.outOfBand.has(event.response_id))
      this.addHistory({
        type: 'function_call',
        id: event.item_id,
        callId: call.id,
        name: call.name,
        arguments: call.raw_input,
      });
    const target = this.personas.current().handoffs.find((h) => h.toolName === call.name);
    if (target) {
      this.personas.include(target.agent);
      this.toActor({
        type: 'model.handoff_call',
        responseId: event.response_id,
        callId: call.id,
        toolName: call.name,
        target: target.agent.name,
      });
      return;
    }
    // The client runs its own tools: the call went out above, and its result comes as client input.
    if (this.isClientTool(call.name)) {
      this.toActor({ type: 'model.client_tool_call', responseId: event.response_id, callId: call.id });
      return;
    }
    const found = this.personas.findTool(call.name);
    this.toActor({
      type: 'model.tool_call',
      responseId: event.response_id,
      callId: call.id,
      name: call.name,
      arguments: call.raw_input,
      timeoutMs: found?.tool.timeoutMs ?? this.toolTimeoutMs,
      filler: found?.tool.filler ? { afterMs: found.tool.filler.after, text: found.tool.filler.text } : null,
    });
  }
}

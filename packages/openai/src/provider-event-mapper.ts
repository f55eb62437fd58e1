import {
  type AudioConverter,
  base64FromBytes,
  bytesFromBase64,
  describeInvalidBase64,
  isBase64,
  looksLikeBase64,
} from '@chorus/audio';
import { toolUseInput } from '@chorus/core/provider';
import {
  type AudioFormat,
  base64ByteLength,
  type ModelEvent,
  modelAudioDeltaFromBytes,
  providerErrorCode,
} from '@chorus/protocol';
import type { OpenAIErrorDetail, OpenAIItem, OpenAIServerEvent } from '@chorus/protocol/openai';
import type { ConversationLog } from './conversation-log.js';
import { OUT_OF_BAND_TAG } from './wire-items.js';

const DEFAULT_OUTPUT: AudioFormat = { type: 'audio/pcm', rate: 24000 };

type WireResponse = Extract<OpenAIServerEvent, { type: 'response.created' }>['response'];

/**
 * Out of band: the service says `conversation_id: null` (its docs), or echoes the tag the adapter put
 * in the response's metadata when it asked for `conversation: 'none'`.
 */
function isOutOfBand(response: WireResponse): boolean {
  const metadata = response.metadata as Record<string, unknown> | null | undefined;
  return response.conversation_id === null || metadata?.[OUT_OF_BAND_TAG] === 'none';
}

/** What the mapper reports back to the model that owns it. */
export interface MapperHooks {
  emit(event: ModelEvent): void;
  /** A provider `error` (or a failed response's error): the owner decides fatal/retryable. */
  onProviderError(error: OpenAIErrorDetail): void;
  onResponseStarted(responseId: string): void;
  onResponseFinished(responseId: string): void;
  onSpeechChanged(speaking: boolean): void;
}

interface ToolCallState {
  callId: string;
  name: string;
  args: string;
  done: boolean;
}

/**
 * Turns GA-named provider events into Chorus model events: every event with a meaning maps to its
 * `model_*` event, the rest go out as `model_raw`. Keeps the per-session state the mapping needs
 * (tool-call argument buffers, audio received per item, the conversation log).
 */
export class ProviderEventMapper {
  private readonly toolCalls = new Map<string, ToolCallState>();
  private readonly audioMs = new Map<string, number>();
  /** Responses in flight that the service keeps out of the conversation. */
  private readonly outOfBand = new Set<string>();
  private fromProvider: AudioConverter | undefined;
  private providerOut: AudioFormat | undefined;

  constructor(
    private readonly provider: string,
    private readonly log: ConversationLog,
    private readonly hooks: MapperHooks,
  ) {}

  /** Sets how provider audio is converted for the client. */
  setAudio(fromProvider: AudioConverter | undefined, providerOut: AudioFormat): void {
    this.fromProvider = fromProvider;
    this.providerOut = providerOut;
  }

  /** Milliseconds of audio received for an assistant item (after truncations), if any. */
  receivedMs(itemId: string): number | undefined {
    return this.audioMs.get(itemId);
  }

  /** Records that an item was cut to `ms`. */
  truncated(itemId: string, ms: number): void {
    this.audioMs.set(itemId, ms);
  }

  /** Forgets per-connection state (tool calls in flight belong to the old socket). */
  reset(): void {
    this.toolCalls.clear();
  }

  map(event: OpenAIServerEvent): void {
    const emit = this.hooks.emit;
    switch (event.type) {
      case 'error':
        this.hooks.onProviderError(event.error);
        break;
      case 'input_audio_buffer.speech_started':
        this.hooks.onSpeechChanged(true);
        emit({ type: 'model_input_started', item_id: event.item_id, audio_start_ms: event.audio_start_ms });
        break;
      case 'input_audio_buffer.speech_stopped':
        emit({ type: 'model_input_done', item_id: event.item_id, audio_end_ms: event.audio_end_ms });
        this.hooks.onSpeechChanged(false);
        break;
      case 'conversation.item.input_audio_transcription.delta':
        emit({ type: 'model_input_transcription_delta', item_id: event.item_id, delta: event.delta });
        break;
      case 'conversation.item.input_audio_transcription.completed':
        this.log.upsert({ type: 'message', id: event.item_id, role: 'user', text: event.transcript });
        emit({
          type: 'model_input_transcription_done',
          item_id: event.item_id,
          transcript: event.transcript,
        });
        break;
      case 'conversation.item.input_audio_transcription.failed':
        emit({
          type: 'model_error',
          error_type: providerErrorCode(event.error.type),
          code: event.error.code ? providerErrorCode(event.error.code) : 'transcription_failed',
          message: `${this.provider}: ${event.error.message ?? 'input transcription failed'}`,
          fatal: false,
        });
        break;
      case 'rate_limits.updated':
        emit({
          type: 'model_rate_limits_updated',
          rate_limits: event.rate_limits.slice(0, 16).map((limit) => ({
            name: limit.name.slice(0, 64),
            ...(limit.limit === undefined ? {} : { limit: limit.limit }),
            ...(limit.remaining === undefined ? {} : { remaining: limit.remaining }),
            ...(limit.reset_seconds === undefined ? {} : { reset_seconds: limit.reset_seconds }),
          })),
        });
        break;
      case 'response.created': {
        this.hooks.onResponseStarted(event.response.id);
        const outOfBand = isOutOfBand(event.response);
        if (outOfBand) {
          this.outOfBand.add(event.response.id);
          if (this.outOfBand.size > 64) this.outOfBand.delete(this.outOfBand.values().next().value ?? '');
        }
        emit({
          type: 'model_response_created',
          response_id: event.response.id,
          ...(outOfBand ? { conversation: 'none' as const } : {}),
        });
        break;
      }
      case 'response.output_audio.delta':
        this.onAudioDelta(event.response_id, event.item_id, event.delta);
        break;
      case 'response.output_audio.done':
        emit({ type: 'model_response_audio_done', response_id: event.response_id, item_id: event.item_id });
        break;
      case 'response.output_audio_transcript.delta':
        emit({
          type: 'model_response_audio_transcript_delta',
          response_id: event.response_id,
          item_id: event.item_id,
          delta: event.delta,
        });
        break;
      case 'response.output_audio_transcript.done':
        emit({
          type: 'model_response_audio_transcript_done',
          response_id: event.response_id,
          item_id: event.item_id,
          transcript: event.transcript,
        });
        break;
      case 'response.output_text.delta':
        emit({
          type: 'model_response_text_delta',
          response_id: event.response_id,
          item_id: event.item_id,
          delta: event.delta,
        });
        break;
      case 'response.output_text.done':
        emit({
          type: 'model_response_text_done',
          response_id: event.response_id,
          item_id: event.item_id,
          text: event.text,
        });
        break;
      case 'response.output_item.added':
        if (event.item.type === 'function_call') {
          this.toolCalls.set(event.item.id ?? event.item.call_id, {
            callId: event.item.call_id,
            name: event.item.name,
            args: event.item.arguments,
            done: false,
          });
        }
        this.raw(event);
        break;
      case 'response.function_call_arguments.delta': {
        const call = this.toolCall(event.item_id, event.call_id);
        call.args += event.delta;
        emit({
          type: 'model_response_tool_use_delta',
          response_id: event.response_id,
          item_id: event.item_id,
          tool_use: { id: call.callId, name: call.name, input: null, raw_input: call.args },
        });
        break;
      }
      case 'response.function_call_arguments.done': {
        const call = this.toolCall(event.item_id, event.call_id);
        call.args = event.arguments;
        if (event.name) call.name = event.name;
        this.raw(event);
        break;
      }
      case 'response.output_item.done':
        this.onItemDone(event.response_id, event.item);
        break;
      case 'response.done':
        this.onResponseDone(event.response);
        break;
      default:
        this.raw(event);
    }
  }

  private raw(event: unknown): void {
    this.hooks.emit({ type: 'model_raw', provider: this.provider, event });
  }

  private toolCall(itemId: string, callId: string): ToolCallState {
    let call = this.toolCalls.get(itemId);
    if (!call) {
      call = { callId, name: '', args: '', done: false };
      this.toolCalls.set(itemId, call);
    }
    return call;
  }

  private onResponseDone(response: Extract<OpenAIServerEvent, { type: 'response.done' }>['response']): void {
    this.hooks.onResponseFinished(response.id);
    this.outOfBand.delete(response.id);
    const details = response.status_details;
    if (response.status === 'failed' && details?.error) this.hooks.onProviderError(details.error);
    const metadata: Record<string, unknown> = {};
    if (details) metadata.status_details = details;
    if (response.usage) metadata.usage = response.usage;
    this.hooks.emit({
      type: 'model_response_done',
      response_id: response.id,
      input_tokens: response.usage?.input_tokens ?? 0,
      output_tokens: response.usage?.output_tokens ?? 0,
      metadata,
      status: response.status === 'in_progress' ? 'incomplete' : response.status,
    });
  }

  private onItemDone(responseId: string, item: OpenAIItem): void {
    if (item.type === 'function_call') {
      const key = item.id ?? item.call_id;
      const call = this.toolCall(key, item.call_id);
      if (call.done) return;
      call.done = true;
      this.toolCalls.delete(key);
      // An incomplete call (the response was cancelled) must not run: pass it on raw only.
      if (item.status !== undefined && item.status !== 'completed') {
        this.raw({ type: 'response.output_item.done', response_id: responseId, item });
        return;
      }
      if (!this.outOfBand.has(responseId))
        this.log.upsert({
          type: 'function_call',
          id: key,
          callId: item.call_id,
          name: item.name,
          arguments: item.arguments,
        });
      this.hooks.emit({
        type: 'model_response_tool_use_done',
        response_id: responseId,
        item_id: key,
        tool_use: {
          id: item.call_id,
          name: item.name,
          input: toolUseInput(item.arguments),
          raw_input: item.arguments,
        },
      });
      return;
    }
    if (item.type === 'message' && item.role === 'assistant' && item.id) {
      const text = item.content
        .map((part) =>
          part.type === 'output_audio'
            ? (part.transcript ?? '')
            : part.type === 'output_text'
              ? (part.text ?? '')
              : '',
        )
        .join('');
      // An out-of-band answer is not part of the conversation a renewed session replays.
      if (!this.outOfBand.has(responseId))
        this.log.upsert({ type: 'message', id: item.id, role: 'assistant', text });
    }
    this.raw({ type: 'response.output_item.done', response_id: responseId, item });
  }

  /**
   * An audio delta the adapter read from the received frame as bytes (see `readOpenAIAudioDelta`):
   * no base64 text is made here; the event carries the bytes and makes the text only if read.
   */
  audioBytes(responseId: string, itemId: string, audio: Uint8Array): void {
    this.countAudio(itemId, audio.byteLength);
    const converter = this.fromProvider;
    if (!converter || converter.passThrough) {
      // Forwarded as it came, empty or not, as the text form is.
      const format = this.providerOut ?? DEFAULT_OUTPUT;
      this.hooks.emit(modelAudioDeltaFromBytes(responseId, itemId, format, audio, base64FromBytes));
      return;
    }
    this.emitAudio(responseId, itemId, converter.convert(audio), converter.to);
  }

  private onAudioDelta(responseId: string, itemId: string, delta: string): void {
    const passThrough = !this.fromProvider || this.fromProvider.passThrough;
    // Audio forwarded as it came is not decoded here, so it gets the fixed-cost check; audio that is
    // converted is decoded anyway and checked in full.
    if (!(passThrough ? looksLikeBase64(delta) : isBase64(delta))) {
      this.hooks.emit({
        type: 'model_error',
        error_type: 'invalid_server_event',
        code: 'invalid_audio',
        message: `${this.provider}: ${describeInvalidBase64(delta)}`,
        fatal: false,
      });
      return;
    }
    this.countAudio(itemId, base64ByteLength(delta));
    if (!this.fromProvider || passThrough) {
      // Already in the format the agent asked for (the common case): no decode and re-encode per chunk.
      this.hooks.emit({
        type: 'model_response_audio_delta',
        response_id: responseId,
        item_id: itemId,
        delta,
        format: this.providerOut ?? DEFAULT_OUTPUT,
      });
      return;
    }
    this.emitAudio(
      responseId,
      itemId,
      this.fromProvider.convert(bytesFromBase64(delta)),
      this.fromProvider.to,
    );
  }

  private countAudio(itemId: string, bytes: number): void {
    const out = this.providerOut ?? DEFAULT_OUTPUT;
    const bytesPerMs = (out.rate * (out.type === 'audio/pcm' ? 2 : 1)) / 1000;
    this.audioMs.set(itemId, (this.audioMs.get(itemId) ?? 0) + bytes / bytesPerMs);
  }

  private emitAudio(responseId: string, itemId: string, audio: Uint8Array, format: AudioFormat): void {
    // The resampler may hold back a few samples of filter delay; they come with the next chunk.
    if (audio.byteLength === 0) return;
    this.hooks.emit(modelAudioDeltaFromBytes(responseId, itemId, format, audio, base64FromBytes));
  }
}

import { base64FromBytes } from '@chorus/audio';
import { type AudioFormat, type ModelEvent, modelAudioDeltaFromBytes } from '@chorus/protocol';
import {
  type GeminiServerMessage,
  type GeminiUsageMetadata,
  geminiDurationMs,
} from '@chorus/protocol/gemini';

type ResponseStatus = Extract<ModelEvent, { type: 'model_response_done' }>['status'];

interface OpenResponse {
  readonly id: string;
  readonly itemId: string;
  audio: boolean;
  transcript: string | undefined;
  text: string | undefined;
}

/** How the mapper turns Gemini audio into the client's output format. */
export interface OutputAudio {
  readonly format: AudioFormat;
  /** Base64 24 kHz PCM16 in, bytes in `format` out (may be empty while a resampler fills). */
  convert(base64: string): Uint8Array;
}

/**
 * Turns Gemini Live server messages into Chorus model events. Gemini has no response or item ids,
 * so the mapper numbers them (`<prefix>-resp-1`, `<prefix>-item-1`, `<prefix>-input-1`), stable for
 * the life of the model across reconnects. A response opens with the first output of a turn and
 * ends at `turnComplete` (completed), `interrupted` (cancelled), a tool call (completed: the answer
 * after the tool result is a new response) or a dropped socket (incomplete).
 */
export class GeminiEventMapper {
  private response: OpenResponse | undefined;
  private input: { id: string; transcript: string } | undefined;
  private usage: GeminiUsageMetadata | undefined;
  private readonly pendingCalls = new Set<string>();
  private responses = 0;
  private items = 0;
  private inputs = 0;
  /** Set after our own cancel until the turn's `turnComplete`: output for it is discarded. */
  private discarding = false;
  /** Between `interrupted` and its `turnComplete`: the open input is the user's new utterance. */
  private interrupted = false;
  /** The service said the user is speaking (`voiceActivity` / `voiceActivityDetectionSignal`). */
  private speaking = false;
  /** A text-only session on a model that answers in audio: the words come from the output transcription. */
  private textOnly = false;
  /** Why the current turn ended without a normal answer (`turnCompleteReason`), if it did. */
  private endReason: string | undefined;

  constructor(
    private readonly prefix: string,
    private output: OutputAudio,
    private readonly inputAudioMs: () => number = () => 0,
  ) {}

  /**
   * Text-only sessions on audio-only models: audio parts are dropped and the output transcription
   * becomes the response text.
   */
  setTextOnly(textOnly: boolean): void {
    this.textOnly = textOnly;
  }

  /** Switches the output conversion (a session update may change the output format). */
  setOutput(output: OutputAudio): void {
    this.output = output;
  }

  /** No response open and no tool call awaiting its result: a safe moment to swap connections. */
  get idle(): boolean {
    return this.response === undefined && this.pendingCalls.size === 0 && !this.discarding;
  }

  get responding(): boolean {
    return this.response !== undefined;
  }

  /** Tool calls the model still waits for. */
  get awaitingToolResults(): boolean {
    return this.pendingCalls.size > 0;
  }

  /** A tool result went out for `callId`. */
  toolResultSent(callId: string): void {
    this.pendingCalls.delete(callId);
  }

  map(message: GeminiServerMessage): ModelEvent[] {
    const events: ModelEvent[] = [];
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(message)) {
      if (key === 'serverContent' || key === 'toolCall' || key === 'toolCallCancellation') continue;
      if (key === 'setupComplete' || key === 'voiceActivity' || key === 'voiceActivityDetectionSignal')
        continue;
      if (key === 'usageMetadata' && this.response) {
        this.usage = value as GeminiUsageMetadata;
        continue;
      }
      raw[key] = value;
    }
    const activity = message.voiceActivity?.voiceActivityType;
    const signal = message.voiceActivityDetectionSignal?.vadSignalType;
    if (activity === 'ACTIVITY_START' || signal === 'VAD_SIGNAL_TYPE_SOS')
      events.push(...this.speechStarted(geminiDurationMs(message.voiceActivity?.audioOffset)));
    if (activity === 'ACTIVITY_END' || signal === 'VAD_SIGNAL_TYPE_EOS')
      events.push(...this.speechEnded(geminiDurationMs(message.voiceActivity?.audioOffset)));
    if (message.toolCallCancellation) {
      const ids = message.toolCallCancellation.ids;
      for (const id of ids) this.pendingCalls.delete(id);
      events.push({ type: 'model_tool_call_cancelled', call_ids: ids });
    }
    if (message.serverContent) this.mapContent(message.serverContent, events, raw);
    if (message.toolCall) this.mapToolCall(message.toolCall.functionCalls, events);
    if (Object.keys(raw).length > 0) events.push({ type: 'model_raw', provider: 'gemini', event: raw });
    return events;
  }

  /**
   * Ends the response in progress on our side (`cancelResponse`): Gemini has no cancel message, so
   * the rest of the turn is discarded as it arrives.
   */
  cancel(): ModelEvent[] {
    if (!this.response) return [];
    this.discarding = true;
    return this.endResponse('cancelled');
  }

  /** The socket dropped: close what was open, marked incomplete, and forget pending calls' turn state. */
  dropped(): ModelEvent[] {
    this.discarding = false;
    this.speaking = false;
    const events = this.response ? this.endResponse('incomplete') : [];
    return [...events, ...this.closeInput()];
  }

  private mapContent(
    content: NonNullable<GeminiServerMessage['serverContent']>,
    events: ModelEvent[],
    raw: Record<string, unknown>,
  ): void {
    if (content.inputTranscription?.text) {
      const input = this.openInput();
      input.transcript += content.inputTranscription.text;
      events.push({
        type: 'model_input_transcription_delta',
        item_id: input.id,
        delta: content.inputTranscription.text,
      });
    }
    if (content.inputTranscription?.finished) events.push(...this.closeInput());
    const interim = content.interimInputTranscription?.text;
    if (interim) {
      // Provisional words that later ones replace: not deltas, so they travel as a raw event.
      const input = this.openInput();
      raw.interimInputTranscription = { item_id: input.id, text: interim };
    }
    if (!this.discarding) {
      for (const part of content.modelTurn?.parts ?? []) {
        if (part.inlineData?.mimeType.startsWith('audio/')) {
          const response = this.ensureResponse(events);
          if (this.textOnly) continue;
          response.audio = true;
          let audio: Uint8Array;
          try {
            audio = this.output.convert(part.inlineData.data);
          } catch (error) {
            // Audio that is not base64 is reported, not passed on for clients to choke on.
            events.push({
              type: 'model_error',
              error_type: 'invalid_server_event',
              code: 'invalid_audio',
              message: `gemini: ${error instanceof Error ? error.message : String(error)}`,
              fatal: false,
            });
            continue;
          }
          if (audio.byteLength > 0) {
            events.push(
              modelAudioDeltaFromBytes(
                response.id,
                response.itemId,
                this.output.format,
                audio,
                base64FromBytes,
              ),
            );
          }
        } else if (typeof part.text === 'string' && !part.thought) {
          const response = this.ensureResponse(events);
          response.text = (response.text ?? '') + part.text;
          events.push({
            type: 'model_response_text_delta',
            response_id: response.id,
            item_id: response.itemId,
            delta: part.text,
          });
        } else {
          raw.modelTurnPart = part;
        }
      }
      const said = content.outputTranscription?.text;
      if (said && this.textOnly) {
        const response = this.ensureResponse(events);
        response.text = (response.text ?? '') + said;
        events.push({
          type: 'model_response_text_delta',
          response_id: response.id,
          item_id: response.itemId,
          delta: said,
        });
      } else if (said) {
        const response = this.ensureResponse(events);
        response.transcript = (response.transcript ?? '') + said;
        events.push({
          type: 'model_response_audio_transcript_delta',
          response_id: response.id,
          item_id: response.itemId,
          delta: said,
        });
      }
    }
    if (content.generationComplete) raw.generationComplete = true;
    if (content.interrupted) {
      // The user talked over the model: the speech that interrupted it starts a new input item.
      if (this.response) events.push(...this.endResponse('cancelled'));
      this.discarding = false;
      this.interrupted = true;
      // Announced already when the service reported the start of speech.
      if (!this.speaking) {
        this.inputs += 1;
        this.input = { id: `${this.prefix}-input-${this.inputs}`, transcript: '' };
        events.push({
          type: 'model_input_started',
          item_id: this.input.id,
          audio_start_ms: this.inputAudioMs(),
        });
      }
    }
    const reason = content.turnCompleteReason;
    if (content.turnComplete && reason && reason !== 'TURN_COMPLETE_REASON_UNSPECIFIED') {
      if (reason === 'NEED_MORE_INPUT') raw.turnCompleteReason = reason;
      else if (this.response) this.endReason = reason;
      // Refused input (prohibited content, malformed call...): say so rather than stay silent.
      else
        events.push({
          type: 'model_error',
          error_type: 'provider',
          code: 'turn_refused',
          message: `Gemini ended the turn without an answer (turnCompleteReason ${reason})`,
          fatal: false,
        });
    }
    if (content.turnComplete) {
      if (this.response) events.push(...this.endResponse(this.endReason ? 'failed' : 'completed'));
      this.endReason = undefined;
      // After `interrupted` the open input is the user's new utterance, still being transcribed.
      if (!this.interrupted) events.push(...this.closeInput());
      this.interrupted = false;
      this.discarding = false;
    }
  }

  private mapToolCall(
    calls: NonNullable<GeminiServerMessage['toolCall']>['functionCalls'],
    events: ModelEvent[],
  ): void {
    const response = this.ensureResponse(events);
    for (const call of calls) {
      this.items += 1;
      const id = call.id ?? `${this.prefix}-call-${this.items}`;
      this.pendingCalls.add(id);
      const args = call.args ?? {};
      events.push({
        type: 'model_response_tool_use_done',
        response_id: response.id,
        item_id: `${this.prefix}-item-${this.items}`,
        tool_use: { id, name: call.name, input: args, raw_input: JSON.stringify(args) },
      });
    }
    // The model waits for the results; the answer after them comes as a new response.
    events.push(...this.endResponse('completed'));
  }

  /** The user started speaking: a new input item, announced now so barge-in need not wait for `interrupted`. */
  private speechStarted(offsetMs: number | undefined): ModelEvent[] {
    if (this.speaking) return [];
    this.speaking = true;
    this.inputs += 1;
    this.input = { id: `${this.prefix}-input-${this.inputs}`, transcript: '' };
    return [
      {
        type: 'model_input_started',
        item_id: this.input.id,
        audio_start_ms: offsetMs ?? this.inputAudioMs(),
      },
    ];
  }

  private speechEnded(offsetMs: number | undefined): ModelEvent[] {
    if (!this.speaking) return [];
    this.speaking = false;
    const input = this.openInput();
    return [{ type: 'model_input_done', item_id: input.id, audio_end_ms: offsetMs ?? this.inputAudioMs() }];
  }

  private openInput(): { id: string; transcript: string } {
    if (!this.input) {
      this.inputs += 1;
      this.input = { id: `${this.prefix}-input-${this.inputs}`, transcript: '' };
    }
    return this.input;
  }

  private ensureResponse(events: ModelEvent[]): OpenResponse {
    if (this.response) return this.response;
    this.responses += 1;
    this.items += 1;
    this.response = {
      id: `${this.prefix}-resp-${this.responses}`,
      itemId: `${this.prefix}-item-${this.items}`,
      audio: false,
      transcript: undefined,
      text: undefined,
    };
    events.push({ type: 'model_response_created', response_id: this.response.id });
    return this.response;
  }

  private endResponse(status: ResponseStatus): ModelEvent[] {
    const response = this.response;
    if (!response) return [];
    this.response = undefined;
    const events: ModelEvent[] = [];
    const ids = { response_id: response.id, item_id: response.itemId };
    if (response.audio) events.push({ type: 'model_response_audio_done', ...ids });
    if (response.transcript !== undefined) {
      events.push({ type: 'model_response_audio_transcript_done', ...ids, transcript: response.transcript });
    }
    if (response.text !== undefined)
      events.push({ type: 'model_response_text_done', ...ids, text: response.text });
    const usage = this.usage;
    this.usage = undefined;
    events.push({
      type: 'model_response_done',
      response_id: response.id,
      input_tokens: usage?.promptTokenCount ?? 0,
      output_tokens: usage?.responseTokenCount ?? usage?.candidatesTokenCount ?? 0,
      metadata: {
        ...(usage ? { usage } : {}),
        ...(status === 'failed' && this.endReason ? { turn_complete_reason: this.endReason } : {}),
      },
      status,
    });
    return events;
  }

  private closeInput(): ModelEvent[] {
    const input = this.input;
    if (!input) return [];
    this.input = undefined;
    if (input.transcript === '') return [];
    return [{ type: 'model_input_transcription_done', item_id: input.id, transcript: input.transcript }];
  }
}

import { AudioConverter, type AudioFormat, base64FromBytes } from '@chorus/audio';
import {
  ConnectionClock,
  type ConnectOptions,
  type ConversationItem,
  type HistoryChange,
  type ModelCapabilities,
  ModelConnectError,
  type ModelInput,
  ProviderSession,
  type RealtimeModel,
  type ResponseOptions,
  type SessionConfig,
  toolUseInput,
} from '@chorus/core/provider';
import { type ErrorCode, type ErrorType, type ModelEvent, modelAudioDeltaFromBytes } from '@chorus/protocol';
import { type Observable, Subject } from 'rxjs';
import type { Brain, BrainOutput } from '../brain/brain.js';
import { idMaker } from '../ids.js';
import { autoTranscriber } from '../stt/moonshine.js';
import { NO_TRANSCRIBER_MESSAGE, NOT_TRANSCRIBED_MESSAGE, type Transcriber } from '../stt/transcriber.js';
import { sharedEspeakWasmTts } from '../tts/espeak-wasm-tts.js';
import { SentenceSplitter } from '../tts/sentence-splitter.js';
import type { Tts } from '../tts/tts.js';
import { createFvad, fvadModeForThreshold } from '../vad/fvad-vad.js';
import type { TurnDetectorOptions } from '../vad/turn-detector.js';
import type { Vad } from '../vad/vad.js';
import { INPUT_FRAME_MS, INPUT_RATE, InputPipeline, type InputTurn } from './input-pipeline.js';
import type { LocalModelOptions } from './local-model-options.js';
import { heardText, Speaker, type SpokenWord } from './speaker.js';

/** The formats the local model takes without asking: PCM16 at the common rates and G.711. */
const INPUT_FORMATS: readonly AudioFormat[] = [
  { type: 'audio/pcm', rate: 8000 },
  { type: 'audio/pcm', rate: 16000 },
  { type: 'audio/pcm', rate: 22050 },
  { type: 'audio/pcm', rate: 24000 },
  { type: 'audio/pcm', rate: 44100 },
  { type: 'audio/pcm', rate: 48000 },
  { type: 'audio/pcmu', rate: 8000 },
  { type: 'audio/pcma', rate: 8000 },
];

const DEFAULT_OUTPUT: AudioFormat = { type: 'audio/pcm', rate: 24000 };
const DEFAULT_MIN_SPEECH_MS = 200;
/** Barge-in after three 20 ms frames: about 60 ms from the first speech frame to the interruption. */
const DEFAULT_INTERRUPT_ONSET_MS = 60;
/** Two of three onset frames must be voiced: one may be the unvoiced start of a word ('s', 'h', 't'). */
const ONSET_VOICED_SHARE = 2 / 3;
// Spoken items remembered for truncation; older ones can no longer be cut.
const MAX_SPOKEN_ITEMS = 64;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface ActiveResponse {
  readonly id: string;
  readonly abort: AbortController;
  speaker?: Speaker;
  cancelled: boolean;
}

/**
 * The embedded realtime model: needs no key and no network. Audio in goes through a VAD (turns and
 * barge-in) and a speech recogniser, text goes to a brain (rules, or any OpenAI-compatible chat
 * endpoint), and replies are spoken by espeak-ng, sentence by sentence, paced in real time with each
 * word's transcript sent along with its audio.
 *
 * @example
 * ```ts
 * const model = new LocalModel({
 *   brain: rulesBrain({
 *     intents: [{ match: ['weather'], tool: { name: 'get_weather', args: (_m, text) => ({ city: 'Paris' }) } }],
 *     toolResultReply: 'It is {forecast} in {city}.',
 *   }),
 * });
 * ```
 */
export class LocalModel implements RealtimeModel {
  readonly provider = 'local';
  readonly capabilities: ModelCapabilities;
  readonly events$: Observable<ModelEvent>;

  private readonly subject = new Subject<ModelEvent>();
  private readonly queue: ModelEvent[] = [];
  private delivering = false;
  /** Pacing and timestamps: the owner's clock from `connect`, else `options.clock`. */
  private readonly clock: ConnectionClock;
  private readonly speed: number;
  private readonly newId = idMaker(Math.random().toString(36).slice(2, 8));
  private session: SessionConfig | undefined;
  private sessionId = '';
  /** Whether `connect` may run, input is taken, or the model was closed: the machine's transitions. */
  private readonly lifecycle = new ProviderSession();
  private historyItems: ConversationItem[] = [];
  private readonly spokenItems = new Map<string, readonly SpokenWord[]>();
  private vad: Vad | undefined;
  private tts: Tts | undefined;
  private ownsTts = false;
  private transcriber: Transcriber | undefined;
  private input: InputPipeline | undefined;
  private outputConverter: AudioConverter | undefined;
  private active: ActiveResponse | undefined;
  private responseQueued: ResponseOptions | undefined;
  private inputItemId: string | undefined;
  private transcriptions: Promise<void> = Promise.resolve();
  private warnedNoTranscriber = false;

  constructor(private readonly options: LocalModelOptions) {
    if (!options?.brain)
      throw new Error('LocalModel: `brain` is required (rulesBrain(...) or chatCompletionsBrain(...))');
    const speed = options.speed ?? 1;
    if (!(speed > 0)) throw new Error(`LocalModel: speed must be > 0, got ${speed}`);
    this.speed = speed;
    this.clock = new ConnectionClock(options.clock);
    this.capabilities = {
      tools: true,
      truncation: true,
      imageInput: false,
      textInput: true,
      serverVad: options.vad !== null,
      inputFormats: INPUT_FORMATS,
      outputFormat: DEFAULT_OUTPUT,
      // It has its own synthesizer: a fixed line (`say`) is spoken exactly, without the brain.
      verbatimSpeech: true,
    };
    this.events$ = this.subject.asObservable();
  }

  /** The brain answering this model's turns. */
  get brain(): Brain {
    return this.options.brain;
  }

  /** The conversation as the model holds it, truncations applied. */
  get history(): readonly ConversationItem[] {
    return this.historyItems;
  }

  /** The speech recogniser in use once connected (undefined: none available). */
  get transcriberName(): string | undefined {
    return this.transcriber?.name;
  }

  async connect(session: SessionConfig, options: ConnectOptions = {}): Promise<void> {
    if (this.lifecycle.closed)
      throw new ModelConnectError('closed', 'this LocalModel was closed', { fatal: true });
    if (this.lifecycle.matches('opening') || this.lifecycle.matches('open')) {
      throw new ModelConnectError('already_connected', 'LocalModel.connect called while connected', {
        fatal: false,
      });
    }
    this.lifecycle.send({ type: 'open' });
    this.clock.use(options);
    try {
      options.signal?.throwIfAborted();
      this.session = session;
      this.historyItems = options.resume ? [...options.resume.history] : [];
      await this.prepareStages(session);
      options.signal?.throwIfAborted();
    } catch (error) {
      this.lifecycle.send({ type: 'open.failed' });
      await this.releaseStages();
      if (error instanceof ModelConnectError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ModelConnectError('local_setup_failed', `local model could not start: ${message}`, {
        fatal: true,
        cause: error,
      });
    }
    // Closed while the stages loaded: nothing to announce.
    if (!this.lifecycle.send({ type: 'opened' })) return;
    this.sessionId = this.newId('sess');
    this.emit({ type: 'model_session_created', session_id: this.sessionId });
  }

  send(input: ModelInput): void {
    if (!this.lifecycle.matches('open')) {
      this.emitError(
        'invalid_request_error',
        'not_connected',
        `cannot send ${input.type}: the model is not connected`,
      );
      return;
    }
    switch (input.type) {
      case 'audio':
        this.input?.push(input.audio, input.format);
        return;
      case 'audio_commit':
        this.commitAudio();
        return;
      case 'audio_clear':
        this.input?.clear();
        this.inputItemId = undefined;
        return;
      case 'text':
        this.historyItems.push({
          type: 'message',
          id: this.newId('item'),
          role: input.role ?? 'user',
          text: input.text,
          ...(input.speaker !== undefined ? { speaker: input.speaker } : {}),
        });
        return;
      case 'tool_result':
        this.historyItems.push({
          type: 'function_call_output',
          id: this.newId('item'),
          callId: input.callId,
          output: input.output,
        });
        return;
      case 'image':
        this.emitError('invalid_request_error', 'unsupported_input', 'the local model does not take images');
        return;
    }
  }

  createResponse(options: ResponseOptions = {}): void {
    if (!this.lifecycle.matches('open')) {
      this.emitError(
        'invalid_request_error',
        'not_connected',
        'cannot create a response: the model is not connected',
      );
      return;
    }
    if (this.active) {
      // One response at a time, as the providers do; a request during one (say, after a tool result
      // while the preamble is still being spoken) runs right after it instead of failing.
      this.responseQueued = options;
      return;
    }
    void this.runResponse(options);
  }

  cancelResponse(): void {
    this.responseQueued = undefined;
    const active = this.active;
    if (!active || active.cancelled) return;
    active.cancelled = true;
    active.abort.abort();
    active.speaker?.stop();
  }

  truncate(itemId: string, audioEndMs: number): void {
    const words = this.spokenItems.get(itemId);
    const index = this.historyItems.findIndex((item) => item.id === itemId);
    const item = this.historyItems[index];
    if (!words || !item || item.type !== 'message') return;
    this.historyItems[index] = { ...item, text: heardText(words, Math.max(0, audioEndMs)) };
  }

  /** An edit of the agent's history: the brain sees the edited conversation from the next response on. */
  updateHistory(change: HistoryChange): void {
    const removed = new Set(change.removed);
    const items = this.historyItems.filter((item) => !removed.has(item.id));
    for (const { item, previousItemId } of change.added) {
      const previous =
        previousItemId === null ? -1 : items.findIndex((existing) => existing.id === previousItemId);
      // An anchor the model never had (an item it kept out) puts the item at the end.
      const at = previousItemId === null ? 0 : previous < 0 ? items.length : previous + 1;
      items.splice(at, 0, item);
    }
    this.historyItems = items;
  }

  updateSession(patch: Partial<SessionConfig>): void {
    if (!this.session) return;
    const before = this.session;
    this.session = { ...before, ...patch };
    if (patch.turnDetection && this.input) {
      this.input.configure(this.detectorOptions(this.session), this.session.turnDetection.type !== 'none');
    }
    if (patch.outputAudioFormat && !sameFormat(patch.outputAudioFormat, before.outputAudioFormat)) {
      this.outputConverter?.dispose();
      this.outputConverter = undefined;
    }
  }

  async close(): Promise<void> {
    const wasConnected = this.lifecycle.matches('open');
    if (!this.lifecycle.send({ type: 'close' })) return;
    this.cancelResponse();
    if (wasConnected) {
      this.emit({
        type: 'model_session_ended',
        session_id: this.sessionId,
        reason: 'closed by client',
        retryable: false,
      });
    }
    await this.releaseStages();
    this.flushQueue();
    this.subject.complete();
    this.lifecycle.send({ type: 'closed' });
  }

  // --- stages ---------------------------------------------------------------------------------

  private async prepareStages(session: SessionConfig): Promise<void> {
    const vadOption = this.options.vad === undefined ? 'fvad' : this.options.vad;
    const threshold = session.turnDetection.threshold ?? 0.5;
    const [vad, tts, transcriber] = await Promise.all([
      vadOption === null
        ? undefined
        : vadOption === 'fvad'
          ? createFvad({
              sampleRate: INPUT_RATE,
              frameMs: INPUT_FRAME_MS,
              mode: fvadModeForThreshold(threshold),
            })
          : vadOption(),
      this.prepareTts(),
      this.options.transcriber === null
        ? undefined
        : this.options.transcriber === undefined || this.options.transcriber === 'auto'
          ? autoTranscriber()
          : this.options.transcriber,
    ]);
    this.vad = vad;
    this.tts = tts;
    this.transcriber = transcriber;
    this.input = new InputPipeline(
      vad,
      this.detectorOptions(session),
      {
        onSpeechStarted: (audioStartMs) => this.onSpeechStarted(audioStartMs),
        onSpeechStopped: (turn) => this.onSpeechStopped(turn),
        onError: (error) => this.emitError('invalid_request_error', 'bad_audio', error.message),
        isInterruptible: () =>
          this.active !== undefined &&
          !this.active.cancelled &&
          this.session?.turnDetection.interruptResponse !== false,
      },
      session.turnDetection.type !== 'none',
      typeof this.options.voicedOnset === 'object' ? this.options.voicedOnset : {},
      this.options.speechOnset ?? {},
    );
    await this.input.prepare(session.inputAudioFormat);
  }

  private async prepareTts(): Promise<Tts | undefined> {
    const option = this.options.tts === undefined ? 'auto' : this.options.tts;
    if (option === null) return undefined;
    if (option !== 'auto') return option;
    const shared = sharedEspeakWasmTts();
    this.ownsTts = true;
    try {
      await shared.warmUp();
    } catch (error) {
      await shared.dispose();
      this.ownsTts = false;
      throw error;
    }
    return shared;
  }

  private async releaseStages(): Promise<void> {
    this.input?.dispose();
    this.input = undefined;
    this.vad?.dispose();
    this.vad = undefined;
    this.outputConverter?.dispose();
    this.outputConverter = undefined;
    const tts = this.tts;
    this.tts = undefined;
    if (tts && this.ownsTts) await tts.dispose();
    this.ownsTts = false;
  }

  private detectorOptions(session: SessionConfig): Omit<TurnDetectorOptions, 'frameMs'> {
    const td = session.turnDetection;
    const minSpeechMs = this.options.minSpeechMs ?? DEFAULT_MIN_SPEECH_MS;
    const interruptOnsetMs = this.options.interruptOnsetMs ?? DEFAULT_INTERRUPT_ONSET_MS;
    // The detector clamps the onset to the minimum speech; the voiced share is counted on those frames.
    const onsetFrames = Math.max(1, Math.ceil(Math.min(interruptOnsetMs, minSpeechMs) / INPUT_FRAME_MS));
    const onsetVoicedFrames =
      this.options.voicedOnset === false ? 0 : Math.ceil(onsetFrames * ONSET_VOICED_SHARE);
    return {
      ...(td.prefixPaddingMs !== undefined ? { prefixPaddingMs: td.prefixPaddingMs } : {}),
      ...(td.silenceDurationMs !== undefined ? { silenceDurationMs: td.silenceDurationMs } : {}),
      minSpeechMs,
      ...(this.options.vadWarmupMs !== undefined ? { warmupMs: this.options.vadWarmupMs } : {}),
      interruptOnsetMs,
      onsetVoicedFrames: Number.isFinite(onsetVoicedFrames) ? onsetVoicedFrames : 0,
      confirmedOnset: (this.options.bargeIn ?? 'speech-onset') === 'speech-onset',
    };
  }

  // --- input ----------------------------------------------------------------------------------

  /** Settles once all audio sent so far went through turn detection (for tests and tools). */
  async inputDrained(): Promise<void> {
    await this.input?.drained();
  }

  /** Settles once every finished turn was transcribed (for tests and tools). */
  async transcriptionsDone(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.transcriptions;
      await current;
    } while (current !== this.transcriptions);
  }

  private onSpeechStarted(audioStartMs: number): void {
    // A recogniser that loads lazily (Moonshine's model) gets ready while the user is still speaking.
    this.transcriber?.warmUp?.();
    const itemId = this.newId('item');
    this.inputItemId = itemId;
    this.emit({ type: 'model_input_started', item_id: itemId, audio_start_ms: audioStartMs });
    if (this.active && this.session?.turnDetection.interruptResponse !== false) this.cancelResponse();
  }

  private onSpeechStopped(turn: InputTurn): void {
    const itemId = this.inputItemId ?? this.newId('item');
    this.inputItemId = undefined;
    this.emit({ type: 'model_input_done', item_id: itemId, audio_end_ms: turn.audioEndMs });
    // An interrupt onset that never became speech: the response it cut off stays cancelled, but
    // there is nothing to transcribe or answer.
    if (!turn.confirmed) return;
    const respond = this.session?.turnDetection.createResponse !== false;
    this.enqueueTranscription(itemId, turn.audio, respond);
  }

  private commitAudio(): void {
    const turn = this.input?.commit();
    if (!turn) {
      this.emitError('invalid_request_error', 'input_audio_buffer_commit_empty', 'no audio to commit');
      return;
    }
    const itemId = this.inputItemId ?? this.newId('item');
    this.inputItemId = undefined;
    this.enqueueTranscription(itemId, turn.audio, false);
  }

  private enqueueTranscription(itemId: string, audio: Int16Array, respond: boolean): void {
    this.transcriptions = this.transcriptions.then(() => this.transcribeTurn(itemId, audio, respond));
  }

  private async transcribeTurn(itemId: string, audio: Int16Array, respond: boolean): Promise<void> {
    if (!this.lifecycle.matches('open')) return;
    const transcriber = this.transcriber;
    if (!transcriber) {
      // Every untranscribed turn is told (a page resolves that turn's bubble with it); the full
      // explanation only once.
      const message = this.warnedNoTranscriber ? NOT_TRANSCRIBED_MESSAGE : NO_TRANSCRIBER_MESSAGE;
      this.warnedNoTranscriber = true;
      this.emitError('transcription_unavailable', 'no_transcriber', message);
      return;
    }
    let text: string;
    try {
      text = (
        await transcriber.transcribe(audio, INPUT_RATE, {
          vocabulary: this.brain.vocabulary?.() ?? [],
          ...(this.brain.intentRank ? { rank: this.brain.intentRank.bind(this.brain) } : {}),
          ...(this.brain.phrases ? { phrases: this.brain.phrases() } : {}),
        })
      ).trim();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.emitError('transcription_error', 'transcription_failed', `${transcriber.name}: ${message}`);
      return;
    }
    if (!this.lifecycle.matches('open')) return;
    if (text) this.emit({ type: 'model_input_transcription_delta', item_id: itemId, delta: text });
    this.emit({ type: 'model_input_transcription_done', item_id: itemId, transcript: text });
    // Nothing recognisable (a cough, noise): no user item and no reply, rather than answering nothing.
    if (!text) return;
    this.historyItems.push({ type: 'message', id: itemId, role: 'user', text });
    if (respond) this.createResponse();
  }

  // --- output ---------------------------------------------------------------------------------

  private async runResponse(options: ResponseOptions): Promise<void> {
    const session = this.session as SessionConfig;
    const responseId = this.newId('resp');
    const active: ActiveResponse = { id: responseId, abort: new AbortController(), cancelled: false };
    this.active = active;
    const startedAt = this.clock.now();
    let firstAudioAt: number | undefined;
    this.emit({ type: 'model_response_created', response_id: responseId });

    const speak = session.modalities.includes('audio') && this.tts !== undefined;
    const messageId = this.newId('item');
    const splitter = new SentenceSplitter();
    let text = '';
    let started = false;
    let status: 'completed' | 'cancelled' | 'failed' = 'completed';
    const outputFormat = session.outputAudioFormat ?? DEFAULT_OUTPUT;
    const converter = speak ? await this.outputConverterFor(outputFormat) : undefined;

    const speaker =
      speak && this.tts
        ? new Speaker({
            clock: this.clock,
            speed: this.speed,
            chunkMs: this.options.chunkMs ?? 40,
            tts: this.tts,
            ...(session.voice !== undefined ? { voice: session.voice } : {}),
            onAudio: (samples, sampleRate) => {
              firstAudioAt ??= this.clock.now();
              const bytes = encodeOutput(samples, sampleRate, converter);
              if (bytes.byteLength === 0) return;
              // Bytes as spoken: base64 only if a listener reads it (JSON clients), once.
              this.emit(
                modelAudioDeltaFromBytes(responseId, messageId, outputFormat, bytes, base64FromBytes),
              );
            },
            onTranscript: (delta) =>
              this.emit({
                type: 'model_response_audio_transcript_delta',
                response_id: responseId,
                item_id: messageId,
                delta,
              }),
            onError: (error) => {
              status = 'failed';
              this.emitError('server_error', 'tts_failed', error.message);
            },
          })
        : undefined;
    active.speaker = speaker;

    const addText = (delta: string) => {
      if (!delta) return;
      if (!started) {
        // The item takes its place in the history now, before any tool call of the same response.
        this.historyItems.push({ type: 'message', id: messageId, role: 'assistant', text: '' });
      }
      started = true;
      text += delta;
      if (speaker) for (const sentence of splitter.push(delta)) speaker.say(sentence);
      else
        this.emit({ type: 'model_response_text_delta', response_id: responseId, item_id: messageId, delta });
    };

    try {
      const request = {
        instructions: session.instructions,
        tools: session.tools,
        history: [...this.historyItems],
        signal: active.abort.signal,
        ...(options.instructions !== undefined ? { responseInstructions: options.instructions } : {}),
      };
      const outputs = options.say !== undefined ? sayOnly(options.say) : this.brain.respond(request);
      for await (const output of outputs) {
        if (active.cancelled || !this.lifecycle.matches('open')) break;
        if (output.type === 'text') addText(output.delta);
        else this.emitToolCall(responseId, output.callId, output.name, output.arguments, session);
      }
    } catch (error) {
      if (!active.cancelled) {
        status = 'failed';
        const message = error instanceof Error ? error.message : String(error);
        this.emitError('server_error', 'brain_failed', `${this.brain.name} brain: ${message}`);
      }
    }

    if (speaker) {
      for (const sentence of splitter.flush()) speaker.say(sentence);
      speaker.end();
      if (status === 'failed') speaker.stop();
      await speaker.done;
    }
    if (active.cancelled) status = 'cancelled';

    if (started) {
      const spoken = speaker ? speaker.spokenText : text;
      if (speaker) {
        this.emit({ type: 'model_response_audio_done', response_id: responseId, item_id: messageId });
        this.emit({
          type: 'model_response_audio_transcript_done',
          response_id: responseId,
          item_id: messageId,
          transcript: spoken,
        });
        this.rememberSpoken(messageId, speaker.spokenWords);
      } else {
        this.emit({ type: 'model_response_text_done', response_id: responseId, item_id: messageId, text });
      }
      const index = this.historyItems.findIndex((item) => item.id === messageId);
      if (index >= 0) {
        if (spoken)
          this.historyItems[index] = { type: 'message', id: messageId, role: 'assistant', text: spoken };
        else this.historyItems.splice(index, 1);
      }
    }
    const metadata: Record<string, unknown> = { brain: this.brain.name };
    if (this.tts && speak) metadata.tts = this.tts.name;
    if (firstAudioAt !== undefined)
      metadata.first_audio_ms = Math.round((firstAudioAt - startedAt) * 100) / 100;
    if (this.active === active) this.active = undefined;
    if (this.lifecycle.closed && !this.subject.closed) {
      this.emit({
        type: 'model_response_done',
        response_id: responseId,
        input_tokens: 0,
        output_tokens: 0,
        metadata,
        status: 'cancelled',
      });
      return;
    }
    this.emit({
      type: 'model_response_done',
      response_id: responseId,
      input_tokens: countWords(this.historyItems),
      output_tokens: countWords([{ type: 'message', id: messageId, role: 'assistant', text }]),
      metadata,
      status,
    });
    const queued = this.responseQueued;
    this.responseQueued = undefined;
    if (queued && this.lifecycle.matches('open')) void this.runResponse(queued);
  }

  private emitToolCall(
    responseId: string,
    callId: string,
    name: string,
    args: string,
    session: SessionConfig,
  ): void {
    if (!session.tools.some((tool) => tool.name === name)) {
      this.emitError(
        'server_error',
        'unknown_tool',
        `the brain called "${name}", which this session does not offer`,
      );
      return;
    }
    const input = toolUseInput(args);
    const itemId = this.newId('item');
    const toolUse = { id: callId, name, input, raw_input: args };
    this.emit({
      type: 'model_response_tool_use_delta',
      response_id: responseId,
      item_id: itemId,
      tool_use: toolUse,
    });
    this.emit({
      type: 'model_response_tool_use_done',
      response_id: responseId,
      item_id: itemId,
      tool_use: toolUse,
    });
    this.historyItems.push({ type: 'function_call', id: itemId, callId, name, arguments: args });
  }

  private async outputConverterFor(format: AudioFormat): Promise<AudioConverter | undefined> {
    // espeak speaks at 22,050 Hz; one converter per output format, reused across responses.
    const from: AudioFormat = { type: 'audio/pcm', rate: 22050 };
    if (sameFormat(from, format)) return undefined;
    if (this.outputConverter && sameFormat(this.outputConverter.to, format)) return this.outputConverter;
    this.outputConverter?.dispose();
    this.outputConverter = await AudioConverter.create(from, format);
    return this.outputConverter;
  }

  private rememberSpoken(itemId: string, words: readonly SpokenWord[]): void {
    this.spokenItems.set(itemId, words);
    if (this.spokenItems.size > MAX_SPOKEN_ITEMS) {
      const oldest = this.spokenItems.keys().next().value;
      if (oldest !== undefined) this.spokenItems.delete(oldest);
    }
  }

  // --- events ---------------------------------------------------------------------------------

  private emitError(errorType: ErrorType, code: ErrorCode, message: string): void {
    this.emit({ type: 'model_error', error_type: errorType, code, message, fatal: false });
  }

  /**
   * Delivers in order even when a subscriber calls back into the model from its handler: events raised
   * meanwhile wait in the queue instead of overtaking the one being delivered.
   */
  private emit(event: DistributiveOmit<ModelEvent, never>): void {
    if (this.subject.closed) return;
    this.queue.push(event as ModelEvent);
    if (this.delivering) return;
    this.flushQueue();
  }

  private flushQueue(): void {
    this.delivering = true;
    try {
      for (let event = this.queue.shift(); event; event = this.queue.shift()) this.subject.next(event);
    } finally {
      this.delivering = false;
    }
  }
}

function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.type === b.type && a.rate === b.rate;
}

function encodeOutput(
  samples: Int16Array,
  sampleRate: number,
  converter: AudioConverter | undefined,
): Uint8Array {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  if (!converter) return bytes;
  if (converter.from.rate !== sampleRate)
    throw new Error(`speech came at ${sampleRate} Hz, expected ${converter.from.rate}`);
  return converter.convert(bytes);
}

function countWords(items: readonly ConversationItem[]): number {
  let words = 0;
  for (const item of items) {
    const text =
      item.type === 'message' ? item.text : item.type === 'function_call' ? item.arguments : item.output;
    words += text.split(/\s+/).filter(Boolean).length;
  }
  return words;
}

/** A fixed line as brain output, so it is spoken (or written) like any answer. */
async function* sayOnly(text: string): AsyncIterable<BrainOutput> {
  yield { type: 'text', delta: text };
}

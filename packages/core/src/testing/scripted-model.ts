import type { AudioFormat, ModelEvent } from '@chorus/protocol';
import { providerErrorCode } from '@chorus/protocol';
import { type Observable, Subject } from 'rxjs';
import { type ChorusClock, systemClock } from '../clock.js';
import {
  type ConnectOptions,
  type HistoryChange,
  type ModelCapabilities,
  ModelConnectError,
  type ModelInput,
  type RealtimeModel,
  type ResponseOptions,
  type SessionConfig,
} from '../model/realtime-model.js';
import { toolUseInput } from '../tools/tool-use-input.js';

/** A tool call the scripted model makes. */
export interface ScriptedToolCall {
  readonly name: string;
  /** An object (sent as JSON) or raw JSON text (to script malformed arguments). */
  readonly arguments?: Readonly<Record<string, unknown>> | string;
  readonly id?: string;
}

/** One scripted response. */
export interface ScriptedReply {
  /** What the model says (audio modality: transcript and audio) or writes (text modality). */
  readonly text?: string;
  /** Total audio duration; default one chunk per word. Ignored in a text-only session. */
  readonly audioMs?: number;
  /** Tool calls made after the text, in order. */
  readonly toolCalls?: readonly ScriptedToolCall[];
  /** Time from `createResponse` to the first output, on the clock (default 0). */
  readonly delayMs?: number;
  /** How the response ends when not cancelled (default `completed`). */
  readonly status?: 'completed' | 'failed' | 'incomplete';
}

/** What a response answers: the input received since the previous response. */
export interface ScriptTurn {
  /** The latest text: typed text, a room message, or the transcript of scripted speech. */
  readonly text: string;
  /** Tool results received since the previous response. */
  readonly toolResults: readonly Extract<ModelInput, { type: 'tool_result' }>[];
  /** `ResponseOptions.instructions`, when given. */
  readonly instructions: string | undefined;
  /** The session as it is now (instructions, tools, voice after handoffs). */
  readonly session: SessionConfig | undefined;
  /** Responses started before this one. */
  readonly index: number;
}

/** Matches a whole trimmed text (string), a pattern, or anything a predicate accepts. */
export type ScriptMatcher = string | RegExp | ((turn: ScriptTurn) => boolean);

export interface ScriptRule {
  readonly match: ScriptMatcher;
  readonly reply: ScriptedReply | ((turn: ScriptTurn) => ScriptedReply);
  /** Use the rule once only (default: every time it matches). */
  readonly once?: boolean;
}

/** A connect attempt the script makes fail. */
export interface ScriptedConnectFailure {
  readonly fatal: boolean;
  readonly code?: string;
  readonly message?: string;
}

export interface ScriptedModelOptions {
  /** Paces audio chunks and delays; share it with the agent so tests control time. */
  readonly clock?: ChorusClock;
  /** Rules tried in order for each response. */
  readonly script?: readonly ScriptRule[];
  /** The reply when no rule matches (default: says "I have no scripted reply for that."). */
  readonly fallback?: ScriptedReply | ((turn: ScriptTurn) => ScriptedReply);
  /** Duration of one audio chunk (default 40 ms). */
  readonly chunkMs?: number;
  readonly capabilities?: Partial<ModelCapabilities>;
  /** Connect attempts that fail, in order; later attempts succeed. */
  readonly connectFailures?: readonly ScriptedConnectFailure[];
  /** Keep audio inputs in `sent` (default true; turn off for benchmarks). */
  readonly recordAudio?: boolean;
  /**
   * Keep at most this many of the latest calls in `calls` (default: all, as tests read them); older
   * ones are dropped and counted in `droppedCalls`. Long runs (soaks, benchmarks) set a bound.
   */
  readonly maxRecordedCalls?: number;
}

/** Every call the model received, in order. */
export type ScriptedCall =
  | {
      readonly method: 'connect';
      readonly session: SessionConfig;
      readonly options: ConnectOptions | undefined;
    }
  | { readonly method: 'send'; readonly input: ModelInput }
  | { readonly method: 'createResponse'; readonly options: ResponseOptions | undefined }
  | { readonly method: 'cancelResponse' }
  | { readonly method: 'truncate'; readonly itemId: string; readonly audioEndMs: number }
  | { readonly method: 'updateSession'; readonly patch: Partial<SessionConfig> }
  | { readonly method: 'updateHistory'; readonly change: HistoryChange }
  | { readonly method: 'close' };

interface Streaming {
  readonly responseId: string;
  readonly itemId: string;
  timer: unknown;
}

const DEFAULT_CAPABILITIES: ModelCapabilities = {
  tools: true,
  truncation: true,
  imageInput: true,
  textInput: true,
  serverVad: true,
  responseInput: true,
  inputFormats: [
    { type: 'audio/pcm', rate: 16000 },
    { type: 'audio/pcm', rate: 24000 },
  ],
  outputFormat: { type: 'audio/pcm', rate: 24000 },
  verbatimSpeech: true,
};

const silenceCache = new Map<number, string>();

function silence(bytes: number): string {
  let encoded = silenceCache.get(bytes);
  if (encoded === undefined) {
    encoded = Buffer.alloc(bytes).toString('base64');
    silenceCache.set(bytes, encoded);
  }
  return encoded;
}

/**
 * A deterministic {@link RealtimeModel} for tests: replies are scripted per input, audio is paced
 * by the injected clock, VAD is simulated with {@link ScriptedModel.speak}, and every call is
 * recorded for assertions. It honours `cancelResponse` (streaming stops; `response_done` with
 * status `cancelled`), can fail connects and drop mid-response.
 *
 * Output events are emitted asynchronously (a microtask, or a clock timer), as a real provider's
 * would be; the model never emits from inside a call made to it.
 */
export class ScriptedModel implements RealtimeModel {
  readonly provider = 'scripted';
  readonly capabilities: ModelCapabilities;
  /** Every call received, in order (the latest `maxRecordedCalls` of them when that is set). */
  readonly calls: ScriptedCall[] = [];
  /** Calls dropped from the front of `calls` to stay within `maxRecordedCalls`. */
  droppedCalls = 0;
  /** Calls made while not connected (a contract violation by the caller). */
  readonly violations: string[] = [];
  /** Audio bytes received through `send`. */
  audioBytesReceived = 0;
  private readonly subject = new Subject<ModelEvent>();
  readonly events$: Observable<ModelEvent> = this.subject.asObservable();
  /** Its own clock, or the one its owner passes to `connect` when it was built without one. */
  private clock: ChorusClock;
  private readonly rules: ScriptRule[];
  private readonly usedRules = new Set<ScriptRule>();
  private readonly failures: ScriptedConnectFailure[];
  private readonly chunkMs: number;
  private readonly recordAudio: boolean;
  private session: SessionConfig | undefined;
  private connected = false;
  private closed = false;
  private sessions = 0;
  private responses = 0;
  private inputs = 0;
  private pendingText = '';
  private pendingToolResults: Extract<ModelInput, { type: 'tool_result' }>[] = [];
  private streaming: Streaming | undefined;
  private readonly timers = new Set<unknown>();

  constructor(private readonly options: ScriptedModelOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.rules = [...(options.script ?? [])];
    this.failures = [...(options.connectFailures ?? [])];
    this.chunkMs = options.chunkMs ?? 40;
    this.recordAudio = options.recordAudio ?? true;
    const max = options.maxRecordedCalls;
    if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
      throw new RangeError(`ScriptedModel maxRecordedCalls must be an integer >= 0, got ${max}`);
    }
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
  }

  /** Whether a connection is open. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** The session as last connected and updated. */
  get currentSession(): SessionConfig | undefined {
    return this.session;
  }

  /** Inputs passed to `send`, in order. */
  get sent(): ModelInput[] {
    return this.calls.flatMap((call) => (call.method === 'send' ? [call.input] : []));
  }

  /** Calls of one method, in order. */
  callsOf<M extends ScriptedCall['method']>(method: M): Extract<ScriptedCall, { method: M }>[] {
    return this.calls.filter((call): call is Extract<ScriptedCall, { method: M }> => call.method === method);
  }

  private record(call: ScriptedCall): void {
    this.calls.push(call);
    const excess = this.calls.length - (this.options.maxRecordedCalls ?? Number.POSITIVE_INFINITY);
    if (excess > 0) {
      this.calls.splice(0, excess);
      this.droppedCalls += excess;
    }
  }

  /** Adds a rule after the existing ones. */
  addRule(rule: ScriptRule): void {
    this.rules.push(rule);
  }

  /** Makes the next connect attempts fail, in order. */
  failNextConnects(...failures: ScriptedConnectFailure[]): void {
    this.failures.push(...failures);
  }

  async connect(session: SessionConfig, options?: ConnectOptions): Promise<void> {
    this.record({ method: 'connect', session, options });
    if (!this.options.clock && options?.clock && this.timers.size === 0) this.clock = options.clock;
    if (this.closed) throw new ModelConnectError('closed', 'the scripted model was closed', { fatal: true });
    const failure = this.failures.shift();
    if (failure) {
      throw new ModelConnectError(
        failure.code === undefined
          ? failure.fatal
            ? 'invalid_api_key'
            : 'network_error'
          : providerErrorCode(failure.code),
        failure.message ?? (failure.fatal ? 'scripted fatal connect failure' : 'scripted connect failure'),
        { fatal: failure.fatal },
      );
    }
    this.session = session;
    this.connected = true;
    this.sessions++;
    this.emitSoon({ type: 'model_session_created', session_id: `scripted_session_${this.sessions}` });
  }

  send(input: ModelInput): void {
    if (input.type === 'audio') {
      this.audioBytesReceived += input.audio.byteLength;
      if (!this.recordAudio) return;
    }
    this.record({ method: 'send', input });
    this.requireConnected('send');
    if (input.type === 'text') this.pendingText = input.text;
    if (input.type === 'tool_result') this.pendingToolResults.push(input);
  }

  createResponse(options?: ResponseOptions): void {
    this.record({ method: 'createResponse', options });
    if (!this.requireConnected('createResponse')) return;
    this.startResponse(options);
  }

  cancelResponse(): void {
    this.record({ method: 'cancelResponse' });
    const streaming = this.streaming;
    if (!streaming) return;
    this.stopStreaming();
    this.emitSoon(this.responseDone(streaming.responseId, 'cancelled'));
  }

  truncate(itemId: string, audioEndMs: number): void {
    this.record({ method: 'truncate', itemId, audioEndMs });
    this.requireConnected('truncate');
  }

  updateSession(patch: Partial<SessionConfig>): void {
    this.record({ method: 'updateSession', patch });
    this.requireConnected('updateSession');
    if (this.session) this.session = { ...this.session, ...patch };
  }

  /** Records the edit; the script sees the conversation through its turns, not a history of its own. */
  updateHistory(change: HistoryChange): void {
    this.record({ method: 'updateHistory', change });
    this.requireConnected('updateHistory');
  }

  async close(): Promise<void> {
    this.record({ method: 'close' });
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    this.stopStreaming();
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    this.subject.complete();
  }

  /**
   * Simulates the user speaking: `input_started` now, then after `durationMs` on the clock
   * `input_done` and the transcription, then (with turn detection on) a response to `transcript`.
   * Returns the input item id.
   */
  speak(transcript: string, durationMs = 0): string {
    const itemId = this.startSpeaking();
    this.later(durationMs, () => this.stopSpeaking(itemId, transcript, durationMs));
    return itemId;
  }

  /** Simulates VAD detecting speech (`input_started`) only; returns the input item id. */
  startSpeaking(): string {
    const itemId = `input_${++this.inputs}`;
    this.emit({ type: 'model_input_started', item_id: itemId, audio_start_ms: 0 });
    return itemId;
  }

  /** Simulates the end of speech started with {@link startSpeaking}. */
  stopSpeaking(itemId: string, transcript: string, audioEndMs = 0): void {
    this.emit({ type: 'model_input_done', item_id: itemId, audio_end_ms: audioEndMs });
    this.emit({ type: 'model_input_transcription_done', item_id: itemId, transcript });
    this.pendingText = transcript;
    const detection = this.session?.turnDetection;
    if (detection && detection.type !== 'none' && detection.createResponse !== false) this.startResponse();
  }

  /** Emits any model event (to script what the rules cannot, e.g. `model_tool_call_cancelled`). */
  emit(event: ModelEvent): void {
    if (!this.closed) this.subject.next(event);
  }

  /**
   * Drops the connection: streaming stops without a `response_done`, and `model_session_ended`
   * says whether reconnecting may work.
   */
  drop(options: { retryable?: boolean; reason?: string } = {}): void {
    this.stopStreaming();
    this.connected = false;
    this.emit({
      type: 'model_session_ended',
      session_id: `scripted_session_${this.sessions}`,
      reason: options.reason ?? 'scripted drop',
      retryable: options.retryable ?? true,
    });
  }

  /** Timers the model has scheduled and not yet run. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  private requireConnected(method: string): boolean {
    if (this.connected) return true;
    this.violations.push(`${method} while not connected`);
    return false;
  }

  private resolveReply(turn: ScriptTurn): ScriptedReply {
    for (const rule of this.rules) {
      if (rule.once && this.usedRules.has(rule)) continue;
      if (!matches(rule.match, turn)) continue;
      this.usedRules.add(rule);
      return typeof rule.reply === 'function' ? rule.reply(turn) : rule.reply;
    }
    const fallback = this.options.fallback ?? { text: 'I have no scripted reply for that.' };
    return typeof fallback === 'function' ? fallback(turn) : fallback;
  }

  private startResponse(options?: ResponseOptions): void {
    if (this.streaming) this.stopStreaming();
    if (options?.say !== undefined) {
      // A fixed line answers nothing: the input waiting for an answer stays for the next response.
      this.stream({ text: options.say }, options);
      return;
    }
    const turn: ScriptTurn = {
      text: this.pendingText,
      toolResults: this.pendingToolResults,
      instructions: options?.instructions,
      session: this.session,
      index: this.responses,
    };
    this.pendingText = '';
    this.pendingToolResults = [];
    this.stream(this.resolveReply(turn), options);
  }

  private stream(reply: ScriptedReply, options: ResponseOptions | undefined): void {
    const n = ++this.responses;
    const streaming: Streaming = { responseId: `resp_${n}`, itemId: `item_${n}`, timer: undefined };
    this.streaming = streaming;
    const steps = this.planSteps(streaming, reply, options?.modalities);
    queueMicrotask(() => {
      if (this.streaming !== streaming) return;
      this.emit({
        type: 'model_response_created',
        response_id: streaming.responseId,
        // It holds no conversation, so an out-of-band response is kept out of it trivially.
        ...(options?.conversation === 'none' ? { conversation: 'none' as const } : {}),
      });
      this.runSteps(streaming, steps, reply.delayMs ?? 0);
    });
  }

  /** Each step is the events of one chunk of time; steps run `chunkMs` apart. */
  private planSteps(
    streaming: Streaming,
    reply: ScriptedReply,
    modalities: readonly ('audio' | 'text')[] | undefined,
  ): ModelEvent[][] {
    const { responseId, itemId } = streaming;
    const text = reply.text ?? '';
    const words = text.split(/(?<=\s)/).filter((word) => word.length > 0);
    const audio = (modalities ?? this.session?.modalities)?.includes('audio') ?? true;
    const steps: ModelEvent[][] = [];
    if (audio && (text.length > 0 || (reply.audioMs ?? 0) > 0)) {
      const format = this.session?.outputAudioFormat ?? this.capabilities.outputFormat;
      const chunks = Math.max(1, Math.ceil((reply.audioMs ?? words.length * this.chunkMs) / this.chunkMs));
      const chunk = silence(chunkBytes(format, this.chunkMs));
      for (let i = 0; i < chunks; i++) {
        const step: ModelEvent[] = [
          {
            type: 'model_response_audio_delta',
            response_id: responseId,
            item_id: itemId,
            delta: chunk,
            format,
          },
        ];
        // Spread the words over the chunks, as a provider interleaves transcript and audio.
        const from = Math.floor((i * words.length) / chunks);
        const to = Math.floor(((i + 1) * words.length) / chunks);
        for (const word of words.slice(from, to)) {
          step.push({
            type: 'model_response_audio_transcript_delta',
            response_id: responseId,
            item_id: itemId,
            delta: word,
          });
        }
        steps.push(step);
      }
      steps.push([
        { type: 'model_response_audio_done', response_id: responseId, item_id: itemId },
        {
          type: 'model_response_audio_transcript_done',
          response_id: responseId,
          item_id: itemId,
          transcript: text,
        },
      ]);
    } else if (text.length > 0) {
      for (const word of words) {
        steps.push([
          { type: 'model_response_text_delta', response_id: responseId, item_id: itemId, delta: word },
        ]);
      }
      steps.push([{ type: 'model_response_text_done', response_id: responseId, item_id: itemId, text }]);
    }
    const last: ModelEvent[] = steps.pop() ?? [];
    (reply.toolCalls ?? []).forEach((call, index) => {
      const raw = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
      const input = toolUseInput(raw);
      last.push({
        type: 'model_response_tool_use_done',
        response_id: responseId,
        item_id: `${itemId}_call_${index}`,
        tool_use: { id: call.id ?? `call_${responseId}_${index}`, name: call.name, input, raw_input: raw },
      });
    });
    last.push(this.responseDone(responseId, reply.status ?? 'completed'));
    steps.push(last);
    return steps;
  }

  private runSteps(streaming: Streaming, steps: ModelEvent[][], delayMs: number): void {
    let index = 0;
    const step = () => {
      streaming.timer = undefined;
      if (this.streaming !== streaming) return;
      const events = steps[index++] ?? [];
      const finished = index >= steps.length;
      if (finished) this.streaming = undefined;
      for (const event of events) this.emit(event);
      if (!finished && this.streaming === streaming) streaming.timer = this.later(this.chunkMs, step);
    };
    if (delayMs > 0) streaming.timer = this.later(delayMs, step);
    else step();
  }

  private stopStreaming(): void {
    const streaming = this.streaming;
    if (!streaming) return;
    this.streaming = undefined;
    if (streaming.timer !== undefined) {
      this.clock.clearTimeout(streaming.timer);
      this.timers.delete(streaming.timer);
    }
  }

  private later(ms: number, fn: () => void): unknown {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private emitSoon(event: ModelEvent): void {
    queueMicrotask(() => this.emit(event));
  }

  private responseDone(
    responseId: string,
    status: 'completed' | 'cancelled' | 'failed' | 'incomplete',
  ): ModelEvent {
    return {
      type: 'model_response_done',
      response_id: responseId,
      input_tokens: 0,
      output_tokens: 0,
      metadata: {},
      status,
    };
  }
}

function matches(matcher: ScriptMatcher, turn: ScriptTurn): boolean {
  if (typeof matcher === 'string') return turn.text.trim() === matcher.trim();
  if (matcher instanceof RegExp) {
    matcher.lastIndex = 0;
    return matcher.test(turn.text);
  }
  return matcher(turn);
}

/** Bytes in `ms` of audio in `format`. */
export function chunkBytes(format: AudioFormat, ms: number): number {
  const samples = Math.round((format.rate * ms) / 1000);
  return format.type === 'audio/pcm' ? samples * 2 : samples;
}

import {
  base64FromBytes,
  bytesFromBase64,
  bytesFromPcm16,
  generateTone,
  pcm16FromBytes,
} from '@chorus/audio';
import {
  type GeminiClientContent,
  type GeminiContent,
  type GeminiRealtimeInput,
  type GeminiServerMessage,
  type GeminiSetup,
  type GeminiToolResponse,
  geminiDuration,
  parseGeminiClientMessage,
} from '@chorus/protocol/gemini';
import { type FakeGeminiModel, modelNotFoundReason } from './fake-gemini-models.js';
import type { FakeGeminiSession, FakeGeminiSessionStore } from './fake-gemini-session.js';
import type {
  FakeGeminiConnectionInfo,
  FakeGeminiFault,
  FakeGeminiReceived,
  FakeGeminiSent,
  FakeGeminiTurn,
} from './fake-gemini-types.js';
import { EnergyVad, type VadTransition } from './fake-gemini-vad.js';
import { type ServerSocket, SOCKET_OPEN } from './ws-module.js';

type MidResponseFault = Extract<FakeGeminiFault, { type: 'drop_mid_response' | 'close_mid_response' }>;

/** What a connection needs from the server that owns it. */
export interface FakeGeminiConnectionHost {
  readonly sessions: FakeGeminiSessionStore;
  readonly chunkIntervalMs: number;
  readonly vadThreshold: number;
  readonly vadStartMs: number;
  readonly defaultSilenceMs: number;
  /** The models served. */
  readonly models: readonly FakeGeminiModel[];
  /** When set, a recorded session is played instead: the n-th frame received is answered with exchange n. */
  readonly playback: readonly (readonly string[])[] | undefined;
  encodeAsBinary(): boolean;
  pongDelayMs(): number;
  nextTurn(): FakeGeminiTurn;
  takeMidResponseFault(): MidResponseFault | undefined;
  recordReceived(frame: FakeGeminiReceived): void;
  recordSent(frame: FakeGeminiSent): void;
}

interface ActiveTurn {
  readonly pendingCalls: Map<string, string>;
  readonly afterTools: FakeGeminiTurn | undefined;
  readonly spoken: string[];
  streaming: boolean;
}

const DEFAULT_AFTER_TOOLS: FakeGeminiTurn = { transcript: 'Done.', audioMs: 100, chunks: 2 };
const OUTPUT_RATE = 24000;

/** One client socket speaking BidiGenerateContent with the fake. */
export class FakeGeminiConnection {
  private setup: GeminiSetup | undefined;
  private session: FakeGeminiSession | undefined;
  private vad: EnergyVad | undefined;
  private turn: ActiveTurn | undefined;
  private model: FakeGeminiModel | undefined;
  /** A history may still be seeded with `clientContent` (see `historyConfig`). */
  private seeding = false;
  /** A manual activity (`activityStart` without its `activityEnd`) is open. */
  private activityOpen = false;
  /** Text sent inside a manual activity, answered at its end. */
  private activityText = false;
  private framesReceived = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private callCount = 0;

  constructor(
    readonly info: FakeGeminiConnectionInfo,
    private readonly socket: ServerSocket,
    private readonly host: FakeGeminiConnectionHost,
  ) {
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('ping', (data) => this.onPing(data));
    socket.on('error', () => {
      // A reset socket also emits close, where the cleanup happens.
    });
    socket.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
  }

  /** Sends a server message, as text or binary per the server's encoding. */
  send(message: GeminiServerMessage): void {
    this.sendText(JSON.stringify(message), false);
  }

  /** Sends a frame that is deliberately not a valid message. */
  sendMalformed(frame: string | Uint8Array): void {
    if (this.socket.readyState !== SOCKET_OPEN) return;
    const binary = typeof frame !== 'string';
    const text = typeof frame === 'string' ? frame : Buffer.from(frame).toString('latin1');
    this.host.recordSent({ connection: this.info.id, binary, text, malformed: true });
    this.socket.send(frame, { binary });
  }

  close(code: number, reason: string): void {
    this.stopTimers();
    if (this.socket.readyState === SOCKET_OPEN) this.socket.close(code, reason);
  }

  /** Kills the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.stopTimers();
    this.socket.terminate();
  }

  goAway(timeLeftMs: number): void {
    this.send({ goAway: { timeLeft: geminiDuration(timeLeftMs) } });
    this.later(timeLeftMs, () => this.close(1000, 'Session time limit reached'));
  }

  private sendText(text: string, malformed: boolean): void {
    if (this.socket.readyState !== SOCKET_OPEN) return;
    const binary = this.host.encodeAsBinary();
    this.host.recordSent({ connection: this.info.id, binary, text, malformed });
    this.socket.send(binary ? Buffer.from(text, 'utf8') : text, { binary });
  }

  private onPing(data: Buffer): void {
    const delay = this.host.pongDelayMs();
    if (delay === Number.POSITIVE_INFINITY) return;
    if (delay <= 0) this.socket.pong(data);
    else this.later(delay, () => this.socket.readyState === SOCKET_OPEN && this.socket.pong(data));
  }

  private onClose(code: number, reason: string): void {
    this.stopTimers();
    this.info.open = false;
    this.info.closeCode = code;
    this.info.closeReason = reason;
  }

  private onFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    const frame = Array.isArray(data) ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const parsed = parseGeminiClientMessage(
      isBinary ? frame : Buffer.isBuffer(frame) ? frame.toString('utf8') : frame,
    );
    if (!parsed.ok) {
      this.host.recordReceived({ connection: this.info.id, binary: isBinary, error: parsed.error.message });
      this.close(1007, `Invalid JSON payload received. ${parsed.error.message}`.slice(0, 120));
      return;
    }
    const { message, kind } = parsed;
    this.host.recordReceived({ connection: this.info.id, binary: isBinary, message, kind });
    const playback = this.host.playback;
    if (playback) {
      // Playback: the recorded service's answers, frame for frame, whatever was sent.
      for (const text of playback[this.framesReceived] ?? []) this.sendText(text, false);
      this.framesReceived += 1;
      return;
    }
    if (kind === 'setup' && message.setup) {
      this.onSetup(message.setup);
      return;
    }
    if (!this.setup) {
      this.close(1007, 'The first message must be setup.');
      return;
    }
    if (message.realtimeInput) {
      this.onRealtimeInput(message.realtimeInput);
      return;
    }
    if (message.clientContent) {
      this.onClientContent(message.clientContent);
      return;
    }
    if (message.toolResponse) {
      this.onToolResponse(message.toolResponse);
      return;
    }
    this.close(1007, 'setup may be sent only once.');
  }

  private onSetup(setup: GeminiSetup): void {
    if (this.setup) {
      this.close(1007, 'setup may be sent only once.');
      return;
    }
    const name = setup.model.replace(/^models\//, '');
    const model = this.host.models.find((candidate) => candidate.name === name);
    if (!model) {
      const version = this.info.path.includes('v1alpha') ? 'v1alpha' : 'v1beta';
      this.close(1008, modelNotFoundReason(setup.model, version));
      return;
    }
    if (model.audioOnlyOutput && setup.generationConfig?.responseModalities?.includes('TEXT')) {
      // Unverified: the wording of this refusal (the docs say these models answer in audio only).
      this.close(1007, 'Request contains an invalid argument.');
      return;
    }
    const handle = setup.sessionResumption?.handle;
    let session: FakeGeminiSession | undefined;
    if (handle) {
      session = this.host.sessions.byResumptionHandle(handle);
      if (!session) {
        // Field reports: a resume refused after a 1011 closes with 1007 (the wording is unverified).
        this.close(1007, 'Request contains an invalid argument.');
        return;
      }
      if (session.attached?.open) {
        // aicc2025/sip-to-ai PR 14, checked against the live service: a resume is refused with
        // 1011 while an earlier socket of the same session is still open (wording unverified).
        this.close(1011, 'Internal error occurred.');
        return;
      }
      this.info.resumedFrom = handle;
    }
    this.setup = setup;
    this.model = model;
    this.seeding = setup.historyConfig?.initialHistoryInClientContent === true;
    this.session = session ?? this.host.sessions.create();
    this.session.attached = this.info;
    this.info.sessionId = this.session.id;
    const aad = setup.realtimeInputConfig?.automaticActivityDetection;
    if (!aad?.disabled) {
      const silence = aad?.silenceDurationMs ?? this.host.defaultSilenceMs;
      this.vad = new EnergyVad(this.host.vadThreshold, this.host.vadStartMs, silence);
    }
    // The recorded Vertex sessions carry `sessionId`, the recorded Developer API ones send `{}`; the
    // adapter takes both (the recordings test shows it), the fake sends the richer form.
    this.send({ setupComplete: { sessionId: this.session.id } });
    this.sendResumptionHandle();
  }

  private onRealtimeInput(input: GeminiRealtimeInput): void {
    this.seeding = false;
    const aadDisabled = this.setup?.realtimeInputConfig?.automaticActivityDetection?.disabled === true;
    if ((input.activityStart || input.activityEnd) && !aadDisabled) {
      this.close(1007, 'activityStart/activityEnd require automatic activity detection to be disabled.');
      return;
    }
    if (input.audio && this.vad) {
      const rate = Number(/rate=(\d+)/.exec(input.audio.mimeType)?.[1] ?? 16000);
      const samples = pcm16FromBytes(bytesFromBase64(input.audio.data));
      for (const transition of this.vad.push(samples, rate)) this.onVad(transition);
    }
    if (input.audioStreamEnd && this.vad) {
      const transition = this.vad.end();
      if (transition) this.onVad(transition);
    }
    if (input.activityStart) {
      this.activityOpen = true;
      this.activityText = false;
      this.interruptIfAnswering();
    }
    if (input.text !== undefined) {
      this.interruptIfAnswering();
      this.remember({ role: 'user', parts: [{ text: input.text }] });
      // Inside a manual activity the text is part of the user's turn, answered at its end.
      if (this.activityOpen) this.activityText = true;
      else this.answer(this.host.nextTurn(), 'text');
    }
    if (input.activityEnd) {
      this.activityOpen = false;
      this.answer(this.host.nextTurn(), this.activityText ? 'text' : 'speech');
    }
  }

  private onVad(transition: VadTransition): void {
    // Unverified: which of the two activity messages the service sends, and when; the fake sends
    // `voiceActivity` always and `voiceActivityDetectionSignal` when the setup asked for it.
    const start = transition === 'speech_started';
    this.send({ voiceActivity: { voiceActivityType: start ? 'ACTIVITY_START' : 'ACTIVITY_END' } });
    if (this.setup?.explicitVadSignal === true)
      this.send({
        voiceActivityDetectionSignal: {
          vadSignalType: start ? 'VAD_SIGNAL_TYPE_SOS' : 'VAD_SIGNAL_TYPE_EOS',
        },
      });
    if (start) this.interruptIfAnswering();
    else this.answer(this.host.nextTurn(), 'speech');
  }

  private onClientContent(content: GeminiClientContent): void {
    if (this.model && !this.model.clientContentMidSession) {
      if (!this.seeding) {
        // livekit/agents PR 5251: 3.1 Live refuses clientContent after setup with 1007 (wording unverified).
        this.close(1007, 'Request contains an invalid argument.');
        return;
      }
      // The seeded history does not trigger a model call; `turnComplete` ends the seeding.
      for (const turn of content.turns ?? []) this.remember(turn);
      if (content.turnComplete) this.seeding = false;
      return;
    }
    for (const turn of content.turns ?? []) this.remember(turn);
    if (content.turnComplete) {
      this.interruptIfAnswering();
      this.answer(this.host.nextTurn(), 'text');
    }
  }

  private onToolResponse(response: GeminiToolResponse): void {
    const turn = this.turn;
    for (const answer of response.functionResponses) {
      this.remember({ role: 'user', parts: [{ functionResponse: answer }] });
      if (answer.id) turn?.pendingCalls.delete(answer.id);
    }
    if (turn && !turn.streaming && turn.pendingCalls.size === 0)
      this.stream(turn, turn.afterTools ?? DEFAULT_AFTER_TOOLS);
  }

  private interruptIfAnswering(): void {
    const turn = this.turn;
    if (!turn) return;
    if (this.setup?.realtimeInputConfig?.activityHandling === 'NO_INTERRUPTION') return;
    this.stopTimers();
    this.turn = undefined;
    if (turn.pendingCalls.size > 0)
      this.send({ toolCallCancellation: { ids: [...turn.pendingCalls.keys()] } });
    this.rememberModel(turn);
    this.send({ serverContent: { interrupted: true } });
    this.send({ serverContent: { turnComplete: true } });
    this.sendResumptionHandle();
  }

  private answer(script: FakeGeminiTurn, trigger: 'speech' | 'text'): void {
    if (trigger === 'speech') {
      const heard = script.inputTranscript ?? 'Hello.';
      if (this.setup?.inputAudioTranscription)
        this.send({ serverContent: { inputTranscription: { text: heard } } });
      this.remember({ role: 'user', parts: [{ text: heard }] });
    }
    const turn: ActiveTurn = {
      pendingCalls: new Map(),
      afterTools: script.afterTools,
      spoken: [],
      streaming: false,
    };
    this.turn = turn;
    if (this.setup?.sessionResumption) this.send({ sessionResumptionUpdate: { resumable: false } });
    if (script.toolCalls && script.toolCalls.length > 0) {
      const functionCalls = script.toolCalls.map((call) => {
        this.callCount += 1;
        const id = call.id ?? `function-call-${this.info.id}-${this.callCount}`;
        turn.pendingCalls.set(id, call.name);
        return { id, name: call.name, args: call.args ?? {} };
      });
      this.remember({ role: 'model', parts: functionCalls.map((functionCall) => ({ functionCall })) });
      this.send({ toolCall: { functionCalls } });
      return;
    }
    this.stream(turn, script);
  }

  private stream(turn: ActiveTurn, script: FakeGeminiTurn): void {
    turn.streaming = true;
    const chunks = Math.max(1, script.chunks ?? 4);
    const audioMs = script.audioMs ?? 200;
    const words = (script.transcript ?? 'Okay.').split(' ');
    const pieces = Array.from({ length: chunks }, (_, i) =>
      words
        .slice(Math.floor((i * words.length) / chunks), Math.floor(((i + 1) * words.length) / chunks))
        .join(' '),
    );
    const audio = this.setup?.generationConfig?.responseModalities?.includes('TEXT') !== true;
    const fault = this.host.takeMidResponseFault();
    const sendChunk = (index: number): void => {
      if (this.turn !== turn) return;
      if (fault && index === (fault.afterChunks ?? 1)) {
        this.turn = undefined;
        if (fault.type === 'drop_mid_response') this.terminate();
        else this.close(fault.code ?? 1011, fault.reason ?? 'Internal error occurred.');
        return;
      }
      if (index === chunks) {
        this.finish(turn);
        return;
      }
      const text = pieces[index] ?? '';
      const piece = text && turn.spoken.length > 0 ? ` ${text}` : text;
      if (audio) {
        const pcm = generateTone(220, audioMs / chunks, OUTPUT_RATE, 0.3);
        const data = base64FromBytes(bytesFromPcm16(pcm));
        this.send({
          serverContent: {
            modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] },
          },
        });
        if (piece && this.setup?.outputAudioTranscription)
          this.send({ serverContent: { outputTranscription: { text: piece } } });
      } else if (piece) {
        this.send({ serverContent: { modelTurn: { parts: [{ text: piece }] } } });
      }
      if (piece) turn.spoken.push(piece);
      this.later(this.host.chunkIntervalMs, () => sendChunk(index + 1));
    };
    sendChunk(0);
  }

  private finish(turn: ActiveTurn): void {
    this.turn = undefined;
    this.rememberModel(turn);
    this.send({ serverContent: { generationComplete: true } });
    this.send({
      serverContent: { turnComplete: true },
      usageMetadata: { promptTokenCount: 12, responseTokenCount: 34, totalTokenCount: 46 },
    });
    this.sendResumptionHandle();
  }

  private sendResumptionHandle(): void {
    if (!this.setup?.sessionResumption || !this.session) return;
    this.send({
      sessionResumptionUpdate: { newHandle: this.host.sessions.issueHandle(this.session), resumable: true },
    });
  }

  private remember(content: GeminiContent): void {
    this.session?.history.push(content);
  }

  private rememberModel(turn: ActiveTurn): void {
    if (turn.spoken.length > 0) this.remember({ role: 'model', parts: [{ text: turn.spoken.join('') }] });
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

import { base64FromBytes } from '@chorus/audio';
import type { ModelInput } from '@chorus/core/provider';
import { GEMINI_INPUT_AUDIO_MIME, type GeminiClientMessage } from '@chorus/protocol/gemini';
import { AudioBridge } from './audio-bridge.js';
import { responseOf } from './history-replay.js';
import type { OutboundMessage } from './input-buffer.js';
import type { GeminiModelDialect } from './model-dialect.js';

/** Typed text held for the next turn (3.1 Live models), at most this many pieces; the oldest go first. */
export const MAX_HELD_TEXTS = 64;

/**
 * Turns Chorus model input into Gemini client messages. With automatic activity detection off (the
 * local VAD decides turns) the first audio of a turn is preceded by `activityStart`, and
 * `audio_commit` becomes `activityEnd`; with it on, `audio_commit` flushes with `audioStreamEnd`.
 * `audio_clear` has no Gemini counterpart (there is no input buffer to clear) and sends nothing.
 *
 * Text takes the path every Live model accepts: text to be answered goes as `realtimeInput.text`
 * (which starts the answer by itself). Text that is only context (a room member's words nobody asked
 * this agent to answer) goes as `clientContent` without `turnComplete` to models that take it
 * mid-session; models that refuse `clientContent` after setup (3.1 Live) get it with the next text
 * turn instead.
 */
export class InputEncoder {
  private activityOpen = false;
  private audioBytesSent = 0;
  /** Text sent but not yet answered or delivered as context, in order. */
  private held: string[] = [];
  private droppedTexts = 0;

  constructor(
    private readonly audio: AudioBridge,
    private readonly manualActivity: () => boolean,
    private readonly dialect: () => GeminiModelDialect,
  ) {}

  /** How many held texts were dropped (oldest first) since the last call; the caller reports them. */
  takeDroppedTexts(): number {
    const dropped = this.droppedTexts;
    this.droppedTexts = 0;
    return dropped;
  }

  /** Whether a manual activity (turn) is open: the user is mid-turn. */
  get inActivity(): boolean {
    return this.activityOpen;
  }

  /** Milliseconds of 16 kHz input audio encoded so far. */
  get inputMs(): number {
    return AudioBridge.inputMs(this.audioBytesSent);
  }

  /** Whether `input` can be encoded now (its audio converter is loaded). */
  ready(input: ModelInput): boolean {
    return input.type !== 'audio' || this.audio.inputReady(input.format);
  }

  encode(input: ModelInput): OutboundMessage[] {
    if (input.type === 'text') {
      const label = input.role === 'system' ? '[system] ' : input.speaker ? `${input.speaker}: ` : '';
      this.held.push(`${label}${input.text}`);
      if (this.held.length > MAX_HELD_TEXTS) {
        this.held.shift();
        this.droppedTexts += 1;
      }
      return [];
    }
    return [...this.flushContext(), ...this.encodeNow(input)];
  }

  /**
   * Held text that no answer claimed: delivered as context where the model takes `clientContent`
   * mid-session; otherwise it stays for the next text turn.
   */
  flushContext(): OutboundMessage[] {
    if (this.held.length === 0 || !this.dialect().clientContentMidSession) return [];
    const turns = this.held.map((text) => ({ role: 'user', parts: [{ text }] }));
    this.held = [];
    return [control({ clientContent: { turns, turnComplete: false } })];
  }

  private encodeNow(input: Exclude<ModelInput, { type: 'text' }>): OutboundMessage[] {
    switch (input.type) {
      case 'audio': {
        const pcm = this.audio.toGemini(input.audio, input.format);
        if (pcm.byteLength === 0) return [];
        this.audioBytesSent += pcm.byteLength;
        const out: OutboundMessage[] = [];
        if (this.manualActivity() && !this.activityOpen) {
          this.activityOpen = true;
          out.push(control({ realtimeInput: { activityStart: {} } }));
        }
        const message: GeminiClientMessage = {
          realtimeInput: { audio: { data: base64FromBytes(pcm), mimeType: GEMINI_INPUT_AUDIO_MIME } },
        };
        out.push({ text: JSON.stringify(message), audioBytes: pcm.byteLength });
        return out;
      }
      case 'audio_commit':
        return this.endActivity();
      case 'audio_clear':
        return [];
      case 'image':
        return [
          control({
            realtimeInput: { video: { data: base64FromBytes(input.image), mimeType: input.mimeType } },
          }),
        ];
      case 'tool_result':
        return [
          control({
            toolResponse: {
              functionResponses: [
                { id: input.callId, name: input.name, response: responseOf(input.output, input.isError) },
              ],
            },
          }),
        ];
    }
  }

  /** Ends the user's turn: `activityEnd` under manual activity, else `audioStreamEnd`. */
  endActivity(): OutboundMessage[] {
    if (!this.manualActivity()) return [control({ realtimeInput: { audioStreamEnd: true } })];
    if (!this.activityOpen) return [];
    this.activityOpen = false;
    return [control({ realtimeInput: { activityEnd: {} } })];
  }

  /**
   * Asks for an answer now. Held text (and `instructions`) go as one `realtimeInput.text`, inside an
   * activity when activity detection is manual; without new text, an open manual activity is ended,
   * or models that take `clientContent` mid-session get `turnComplete`. A 3.1 Live model without new
   * text gets nothing: it answers speech by itself, and `clientContent` would close the session.
   */
  respond(instructions?: string): OutboundMessage[] {
    const texts = [...this.held, ...(instructions ? [`[system] ${instructions}`] : [])];
    this.held = [];
    if (texts.length > 0) {
      const text = control({ realtimeInput: { text: texts.join('\n') } });
      if (this.activityOpen) return [text, ...this.endActivity()];
      if (this.manualActivity())
        return [
          control({ realtimeInput: { activityStart: {} } }),
          text,
          control({ realtimeInput: { activityEnd: {} } }),
        ];
      return [text];
    }
    if (this.activityOpen) return this.endActivity();
    if (this.dialect().clientContentMidSession) return [control({ clientContent: { turnComplete: true } })];
    return [];
  }

  /** A new connection starts with no activity open. */
  reset(): void {
    this.activityOpen = false;
  }
}

function control(message: GeminiClientMessage): OutboundMessage {
  return { text: JSON.stringify(message), audioBytes: 0 };
}

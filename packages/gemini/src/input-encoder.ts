import { base64FromBytes } from '@chorus/audio';
import type { ModelInput } from '@chorus/core';
import { GEMINI_INPUT_AUDIO_MIME, type GeminiClientMessage } from '@chorus/protocol/gemini';
import { AudioBridge } from './audio-bridge.js';
import { responseOf } from './history-replay.js';
import type { OutboundMessage } from './input-buffer.js';

/**
 * Turns Chorus model input into Gemini client messages. With automatic activity detection off (the
 * local VAD decides turns) the first audio of a turn is preceded by `activityStart`, and
 * `audio_commit` becomes `activityEnd`; with it on, `audio_commit` flushes with `audioStreamEnd`.
 * `audio_clear` has no Gemini counterpart (there is no input buffer to clear) and sends nothing.
 */
export class InputEncoder {
  private activityOpen = false;
  private audioBytesSent = 0;

  constructor(
    private readonly audio: AudioBridge,
    private readonly manualActivity: () => boolean,
  ) {}

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
      case 'text': {
        const label = input.role === 'system' ? '[system] ' : input.speaker ? `${input.speaker}: ` : '';
        return [
          control({
            clientContent: {
              turns: [{ role: 'user', parts: [{ text: `${label}${input.text}` }] }],
              turnComplete: false,
            },
          }),
        ];
      }
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

  /** Asks for an answer now: closes an open manual activity, or completes the client turn. */
  respond(instructions?: string): OutboundMessage[] {
    const note = instructions ? [{ role: 'user', parts: [{ text: `[system] ${instructions}` }] }] : undefined;
    if (this.activityOpen) {
      return [
        ...(note ? [control({ clientContent: { turns: note, turnComplete: false } })] : []),
        ...this.endActivity(),
      ];
    }
    return [control({ clientContent: note ? { turns: note, turnComplete: true } : { turnComplete: true } })];
  }

  /** A new connection starts with no activity open. */
  reset(): void {
    this.activityOpen = false;
  }
}

function control(message: GeminiClientMessage): OutboundMessage {
  return { text: JSON.stringify(message), audioBytes: 0 };
}

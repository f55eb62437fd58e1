import type { ServerEvent } from '@chorus/protocol';
import { AudioPlayer } from '../audio/audio-player.js';
import { type Microphone, startMicrophone } from '../audio/microphone.js';
import { base64FromBytes, bytesFromBase64, pcm16ToBytes } from '../audio/pcm.js';
import { encodeClientAudioFrame } from './binary-audio-frame.js';
import { ChorusSocket, sessionUrl } from './chorus-socket.js';
import { SessionModel } from './session-model.js';

export type SessionStatus = 'idle' | 'connecting' | 'joined' | 'closed';

export interface JoinOptions {
  readonly room: string;
  readonly userName: string;
  readonly userId: string;
  /** `chorus-key.<key>` sub-protocol, when the gateway wants a key. */
  readonly apiKey?: string;
}

/** The rate the page sends microphone audio at, unless the gateway echoes another `input_audio_format`. */
export const DEFAULT_INPUT_RATE = 16_000;
/** How often the page tells the gateway what was really played. */
const POSITION_INTERVAL_MS = 200;
/** Above this many bytes queued in the socket, microphone frames are skipped (the link is too slow). */
const MAX_SOCKET_BACKLOG = 256 * 1024;

/**
 * One visit to a room: the socket, the playback, the microphone and the model the page renders.
 * Owns every timer and device it opens; `leave()` releases them all.
 */
export class PlaygroundSession {
  readonly model = new SessionModel();
  readonly player = new AudioPlayer();
  status: SessionStatus = 'idle';
  statusDetail = '';
  inputRate = DEFAULT_INPUT_RATE;
  micLevel = 0;
  micOn = false;
  framesSent = 0;
  framesSkipped = 0;
  problems = 0;
  /** The gateway echoed `binary_audio: true`: audio goes both ways as binary frames. */
  binaryOffered = false;
  binaryFramesReceived = 0;
  #socket: ChorusSocket | undefined;
  #mic: Microphone | undefined;
  #positionTimer: ReturnType<typeof setInterval> | undefined;
  #reportedItem: string | undefined;
  #unsupportedAudioNoticed = false;
  #left = false;

  constructor(private readonly changed: () => void) {}

  async join(options: JoinOptions): Promise<void> {
    await this.player.resume();
    this.status = 'connecting';
    this.changed();
    const sessionId = `s${Math.random().toString(36).slice(2, 10)}`;
    const socket = new ChorusSocket({
      url: sessionUrl(window.location, options.userId, sessionId),
      protocols: options.apiKey ? [`chorus-key.${options.apiKey}`] : [],
      onOpen: () => {
        socket.send({
          type: 'client_session_create',
          config: {
            room: options.room,
            user_name: options.userName,
            input_audio_format: { type: 'audio/pcm', rate: DEFAULT_INPUT_RATE },
            // Errors as server_error only (it names the field); not also as agent_error.
            dialect: 'chorus',
            // Agent audio as binary frames: no base64, no JSON parse per frame.
            binary_audio: true,
          },
        });
      },
      onEvent: (event) => this.#onEvent(event),
      onAudio: (frame) => {
        this.binaryFramesReceived++;
        this.player.enqueue(frame.audio, frame.rate, frame.itemId, frame.agentId);
        // The model only needs to know that this response's audio started (latency per turn).
        this.model.apply({
          type: 'agent_response_audio_delta',
          agent_id: frame.agentId,
          agent_name: frame.agentName,
          response_id: frame.responseId,
          item_id: frame.itemId,
          delta: '',
          format: { type: 'audio/pcm', rate: frame.rate },
        });
        this.changed();
      },
      onClose: (reason) => {
        this.status = 'closed';
        this.statusDetail = reason;
        void this.stopMicrophone();
        this.changed();
      },
      onProblem: () => {
        this.problems++;
        this.changed();
      },
    });
    this.#socket = socket;
    this.#positionTimer = setInterval(() => this.#reportPosition(), POSITION_INTERVAL_MS);
  }

  sendText(text: string): void {
    const trimmed = text.trim();
    if (trimmed === '' || !this.#socket) return;
    this.#socket.send({ type: 'client_text_append', text: trimmed });
    this.model.userTyped(trimmed);
    this.changed();
  }

  async startMicrophone(echoCancellation = true): Promise<void> {
    if (this.#mic) return;
    this.micOn = true;
    this.changed();
    try {
      this.#mic = await startMicrophone({
        rate: this.inputRate,
        echoCancellation,
        onLevel: (level) => {
          this.micLevel = level;
        },
        onFrame: (pcm) => {
          const socket = this.#socket;
          if (!socket?.open || this.status !== 'joined') return;
          if (socket.buffered > MAX_SOCKET_BACKLOG) {
            this.framesSkipped++;
            return;
          }
          if (this.binaryOffered) socket.sendBytes(encodeClientAudioFrame(pcm16ToBytes(pcm), this.inputRate));
          else {
            socket.send({
              type: 'client_audio_append',
              audio: base64FromBytes(pcm16ToBytes(pcm)),
              format: { type: 'audio/pcm', rate: this.inputRate },
            });
          }
          this.framesSent++;
        },
      });
    } catch (error) {
      this.micOn = false;
      this.statusDetail = `microphone: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.changed();
  }

  async stopMicrophone(): Promise<void> {
    const mic = this.#mic;
    this.#mic = undefined;
    this.micOn = false;
    this.micLevel = 0;
    if (mic) await mic.stop();
    this.changed();
  }

  async leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    clearInterval(this.#positionTimer);
    await this.stopMicrophone();
    this.#socket?.send({ type: 'client_session_end' });
    this.#socket?.close();
    this.#socket = undefined;
    await this.player.close();
    this.status = 'closed';
    this.changed();
  }

  #onEvent(event: ServerEvent): void {
    if (event.type === 'server_session_created') {
      this.status = 'joined';
      const format = event.config?.input_audio_format as { rate?: unknown } | undefined;
      if (typeof format?.rate === 'number') this.inputRate = format.rate;
      this.binaryOffered = event.config?.binary_audio === true;
    }
    if (event.type === 'agent_response_audio_delta') {
      if (event.format.type === 'audio/pcm') {
        this.player.enqueue(bytesFromBase64(event.delta), event.format.rate, event.item_id, event.agent_id);
      } else if (!this.#unsupportedAudioNoticed) {
        this.#unsupportedAudioNoticed = true;
        this.problems++;
      }
    }
    if (event.type === 'agent_response_interrupted') {
      // Barge-in: what is queued must not play on. The gateway already knows what was heard.
      this.player.clear();
      this.#reportedItem = undefined;
    }
    this.model.apply(event);
    this.changed();
  }

  /** Sends `client_playback_position` for the item playing now, and once more when it stops. */
  #reportPosition(): void {
    const socket = this.#socket;
    if (!socket?.open || this.status !== 'joined') return;
    const current = this.player.currentItem();
    if (current === undefined && this.#reportedItem === undefined) return;
    const itemId = current ?? (this.#reportedItem as string);
    socket.send({
      type: 'client_playback_position',
      item_id: itemId,
      audio_end_ms: this.player.playedMs(itemId),
    });
    this.#reportedItem = current;
  }
}

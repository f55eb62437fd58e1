import { AudioConverter, base64FromBytes, bytesFromBase64 } from '@chorus/audio';
import { dtmfText } from '@chorus/core';
import {
  type AudioFormat,
  audioDeltaBytes,
  type ClientEvent,
  parseClientAudioBytes,
  type ServerEvent,
} from '@chorus/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { CloseCode } from '../close-codes.js';
import type { GuardedSocket } from '../guarded-socket.js';
import type { GatewayMetrics } from '../metrics.js';
import { type RoomHost, type RoomLease, UnknownRoomError } from '../room-host.js';
import type { RoomUser } from '../servable.js';
import { callRoom } from './call-room.js';
import { MarkLedger } from './mark-ledger.js';
import type { PhoneDialect } from './phone-dialect.js';
import type { ResolvedTwilioOptions } from './twilio-options.js';

/** Caller audio kept while the room starts (3 s); more is dropped and counted. */
const MAX_EARLY_FRAMES = 150;
/** Digits delivered at once at most (a longer run is delivered in parts). */
const MAX_DTMF_DIGITS = 32;
/** Interrupted items remembered, so their late audio is dropped. */
const MAX_INTERRUPTED = 64;

export interface PhoneCallContext {
  readonly connectionId: string;
  readonly host: RoomHost;
  readonly defaultRoom: string;
  readonly options: ResolvedTwilioOptions;
  readonly clock: Clock;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}

type Phase = 'awaiting_start' | 'joining' | 'active' | 'ended';

/** What a call measured, for logs and the benchmark. */
export interface PhoneCallStats {
  framesIn: number;
  framesOut: number;
  marksSent: number;
  marksEchoed: number;
  clears: number;
  earlyDropped: number;
  errors: number;
}

/**
 * One phone call on a media stream (Twilio's, or another provider's {@link PhoneDialect}): a room
 * user whose audio arrives as 8 kHz mu-law and whose playback position comes from marks. Caller
 * audio is converted frame by frame to the room's input format; agent audio is converted to mu-law,
 * sent in 20 ms frames, each chunk followed by a mark. The phone side echoes a mark once the audio
 * before it has played, and the call reports that position to the agent
 * (`client_playback_position`), so a barge-in truncates the reply to what the caller heard; on
 * barge-in the call sends a clear. DTMF digits reach the room as the caller's typed text
 * (`DTMF: 1234#`), which a tool waiting in `context.collectDigits` takes instead of the conversation;
 * a stop leaves the room and closes the socket.
 */
export class PhoneCall {
  #phase: Phase = 'awaiting_start';
  #streamSid = '';
  #callSid = '';
  #user: RoomUser = { id: 'twilio' };
  #lease: RoomLease | undefined;
  #input: AudioConverter | undefined;
  readonly #early: Uint8Array[] = [];
  /** Agent audio converters by agent and source format; created on first use. */
  readonly #outputs = new Map<string, AudioConverter>();
  /** Room events held while an output converter is created, so order is kept. */
  #held: ServerEvent[] | undefined;
  /** Mu-law not yet sent because it does not fill a 20 ms frame, by item. */
  readonly #partial = new Map<string, Uint8Array>();
  readonly #marks = new MarkLedger();
  readonly #interrupted = new Set<string>();
  #digits = '';
  #dtmfTimer: unknown;
  /** Digits completed while the room was still starting, passed on once it runs. */
  #digitsOnJoin = false;
  readonly stats: PhoneCallStats = {
    framesIn: 0,
    framesOut: 0,
    marksSent: 0,
    marksEchoed: 0,
    clears: 0,
    earlyDropped: 0,
    errors: 0,
  };

  constructor(
    private readonly socket: GuardedSocket,
    private readonly dialect: PhoneDialect,
    private readonly ctx: PhoneCallContext,
  ) {}

  get active(): boolean {
    return this.#phase === 'active';
  }

  /** One frame from the phone side (already rate-limited by the socket). */
  onFrame(data: Uint8Array, isBinary: boolean): void {
    this.ctx.metrics.eventsIn.inc({ route: this.dialect.name });
    const message = this.dialect.parse(data, isBinary);
    if (message.kind === 'ignored') return;
    if (message.kind === 'invalid') {
      this.#refuseMessage(message.path, message.message);
      return;
    }
    if (message.kind === 'start') {
      this.#start(message.streamId, message.callId, message.parameters);
      return;
    }
    if (this.#phase === 'awaiting_start') {
      this.#refuseMessage('event', `"${message.kind}" before the stream's start`);
      return;
    }
    if (message.streamId !== this.#streamSid) {
      this.#refuseMessage('streamSid', `is not this stream's (${this.#streamSid})`);
      return;
    }
    switch (message.kind) {
      case 'audio':
        this.#callerAudio(message.audio);
        return;
      case 'played':
        this.#markPlayed(message.mark);
        return;
      case 'digit':
        this.#digit(message.digit);
        return;
      case 'stop':
        this.ctx.logger.info({ call: this.#callSid }, 'call stopped');
        this.#phase = 'ended';
        this.socket.close(CloseCode.normal, 'stream stopped');
        return;
    }
  }

  /** An event of the room (or agent) as this caller sees it. */
  onRoomEvent(event: ServerEvent): void {
    if (this.#phase === 'ended') return;
    if (this.#held) {
      this.#held.push(event);
      return;
    }
    switch (event.type) {
      case 'agent_response_audio_delta': {
        if (this.#interrupted.has(event.item_id)) return;
        const converter = this.#outputs.get(outputKey(event.agent_id, event.format));
        if (!converter) {
          this.#held = [event];
          void this.#createOutput(event.agent_id, event.format);
          return;
        }
        this.#play(event.item_id, converter.convert(audioDeltaBytes(event) ?? bytesFromBase64(event.delta)));
        return;
      }
      case 'agent_response_audio_done': {
        if (this.#interrupted.has(event.item_id)) return;
        for (const [key, converter] of this.#outputs) {
          if (!key.startsWith(`${event.agent_id}|`)) continue;
          const tail = converter.flush();
          if (tail.byteLength > 0) this.#play(event.item_id, tail);
        }
        this.#play(event.item_id, new Uint8Array(0), true);
        return;
      }
      case 'agent_response_interrupted':
        this.#remember(event.item_id);
        this.#clear();
        return;
      case 'agent_input_started':
        // The caller (or someone in the room) started speaking: what the phone still buffers is stale.
        this.#clear();
        return;
      case 'server_error':
      case 'agent_error':
        this.ctx.logger.warn({ call: this.#callSid, code: event.code, message: event.message }, 'room error');
        return;
      default:
        return;
    }
  }

  /** The room ended under the call: hang up the stream. */
  roomEnded(reason: string): void {
    if (this.#phase === 'ended') return;
    this.#phase = 'ended';
    this.#lease = undefined;
    this.socket.close(reason === 'shutdown' ? CloseCode.goingAway : CloseCode.sessionEnded, reason);
  }

  /** Drain: close the stream (Twilio goes on with the TwiML after `<Connect>`). */
  shutdown(): void {
    this.roomEnded('shutdown');
  }

  /** The socket closed (stop, hang-up or error): leave the room, free everything. */
  async onClosed(): Promise<void> {
    const wasActive = this.#phase === 'active';
    this.#phase = 'ended';
    if (this.#dtmfTimer !== undefined) this.ctx.clock.clearTimeout(this.#dtmfTimer);
    this.#dtmfTimer = undefined;
    this.#input?.dispose();
    this.#input = undefined;
    for (const converter of this.#outputs.values()) converter.dispose();
    this.#outputs.clear();
    this.#held = undefined;
    this.#early.length = 0;
    if (wasActive) this.ctx.metrics.sessions.dec({ route: this.dialect.name });
    const lease = this.#lease;
    this.#lease = undefined;
    this.ctx.logger.info({ call: this.#callSid, ...this.stats }, 'call ended');
    if (lease) await lease.release();
  }

  #start(streamId: string, callId: string, parameters: Readonly<Record<string, string>>): void {
    if (this.#phase !== 'awaiting_start') {
      this.#refuseMessage('event', 'the stream started twice');
      return;
    }
    this.#phase = 'joining';
    this.#streamSid = streamId;
    this.#callSid = callId;
    const choice = callRoom(parameters, this.ctx.defaultRoom);
    this.#user = { id: `${this.dialect.name}-${callId}`, ...(choice.caller ? { name: choice.caller } : {}) };
    void this.#join(choice.room, choice.shared);
  }

  async #join(name: string, shared: boolean): Promise<void> {
    try {
      const [input, lease] = await Promise.all([
        AudioConverter.create(this.dialect.audioFormat, this.ctx.options.inputFormat),
        this.ctx.host.open(
          name,
          { event: (event) => this.onRoomEvent(event), ended: (reason) => this.roomEnded(reason) },
          shared ? undefined : `session:${this.dialect.name}/${this.#callSid}/${this.ctx.connectionId}`,
          this.#user,
        ),
      ]);
      if (this.#phase !== 'joining') {
        input.dispose();
        await lease.release();
        return;
      }
      this.#input = input;
      this.#lease = lease;
      this.#phase = 'active';
      this.ctx.metrics.sessions.inc({ route: this.dialect.name });
      this.ctx.logger.info({ call: this.#callSid, room: lease.key }, 'call joined');
      for (const frame of this.#early.splice(0)) this.#callerAudio(frame);
      if (this.#digitsOnJoin) {
        this.#digitsOnJoin = false;
        this.#flushDigits();
      }
    } catch (error) {
      if (error instanceof UnknownRoomError) {
        this.#refuseMessage(
          'start.customParameters',
          `${error.message}; known rooms: ${this.ctx.host.names.join(', ')}`,
        );
      } else {
        this.ctx.logger.error({ err: error, call: this.#callSid }, 'call failed to join its room');
      }
      this.#phase = 'ended';
      this.socket.close(CloseCode.internalError, 'room unavailable');
    }
  }

  #callerAudio(mulaw: Uint8Array): void {
    this.stats.framesIn++;
    if (this.#phase === 'joining') {
      if (this.#early.length < MAX_EARLY_FRAMES) this.#early.push(mulaw);
      else this.stats.earlyDropped++;
      return;
    }
    if (this.#phase !== 'active' || !this.#input) return;
    const audio = this.#input.convert(mulaw);
    if (audio.byteLength === 0) return;
    // The caller's audio reaches the agent's model as these bytes: base64 only if something reads it.
    const parsed = parseClientAudioBytes(audio, this.#input.to, undefined, base64FromBytes);
    this.#toRoom(
      parsed.ok
        ? parsed.event
        : { type: 'client_audio_append', audio: base64FromBytes(audio), format: this.#input.to },
    );
  }

  /** Sends `mulaw` of `itemId` in 20 ms frames, then a mark at the item's new end. */
  #play(itemId: string, mulaw: Uint8Array, last = false): void {
    if (this.#phase !== 'active') return;
    const held = this.#partial.get(itemId);
    const bytes = held ? concat(held, mulaw) : mulaw;
    let offset = 0;
    if (!this.#marks.has(itemId) && bytes.byteLength > 0) {
      // Nothing of this item has played yet: without this a barge-in before the first echo would
      // truncate to everything sent, which the caller never heard.
      this.#toRoom({ type: 'client_playback_position', item_id: itemId, audio_end_ms: 0 });
    }
    const frame = this.dialect.frameBytes;
    while (bytes.byteLength - offset >= frame || (last && offset < bytes.byteLength)) {
      const end = Math.min(offset + frame, bytes.byteLength);
      this.#send(this.dialect.media(this.#streamSid, bytes.subarray(offset, end)));
      this.stats.framesOut++;
      offset = end;
    }
    if (offset < bytes.byteLength) this.#partial.set(itemId, bytes.slice(offset));
    else this.#partial.delete(itemId);
    if (offset === 0) return;
    const name = this.#marks.sent(itemId, (offset * 1000) / this.dialect.audioFormat.rate);
    this.#send(this.dialect.mark(this.#streamSid, name));
    this.stats.marksSent++;
  }

  #markPlayed(name: string): void {
    const played = this.#marks.echoed(name);
    if (!played) return; // a mark of cleared audio, echoed by `clear`
    this.stats.marksEchoed++;
    this.#toRoom({ type: 'client_playback_position', item_id: played.itemId, audio_end_ms: played.heardMs });
  }

  /** Barge-in: drop what Twilio still buffers; the agent truncates to the last echoed mark. */
  #clear(): void {
    if (this.#phase !== 'active') return;
    this.#partial.clear();
    const pending = this.#marks.clear();
    if (pending.length === 0) return;
    for (const itemId of pending) this.#remember(itemId);
    this.#send(this.dialect.clear(this.#streamSid));
    this.stats.clears++;
    this.ctx.logger.debug({ call: this.#callSid, items: pending }, 'cleared caller playback');
  }

  #remember(itemId: string): void {
    this.#interrupted.add(itemId);
    for (const oldest of this.#interrupted) {
      if (this.#interrupted.size <= MAX_INTERRUPTED) break;
      this.#interrupted.delete(oldest);
    }
  }

  #digit(digit: string): void {
    // Typed while the room starts, digits wait like early audio does rather than vanish.
    if (this.#phase !== 'active' && this.#phase !== 'joining') return;
    this.#digits += digit;
    if (this.#dtmfTimer !== undefined) this.ctx.clock.clearTimeout(this.#dtmfTimer);
    this.#dtmfTimer = undefined;
    if (digit === '#' || this.#digits.length >= MAX_DTMF_DIGITS) {
      this.#flushDigits();
      return;
    }
    this.#dtmfTimer = this.ctx.clock.setTimeout(() => {
      this.#dtmfTimer = undefined;
      this.#flushDigits();
    }, this.ctx.options.dtmfFlushMs);
  }

  #flushDigits(): void {
    if (this.#phase === 'joining') {
      this.#digitsOnJoin = true;
      return;
    }
    const digits = this.#digits;
    this.#digits = '';
    if (digits === '' || this.#phase !== 'active') return;
    this.#toRoom({ type: 'client_text_append', text: dtmfText(digits) });
  }

  async #createOutput(agentId: string, format: AudioFormat): Promise<void> {
    try {
      const converter = await AudioConverter.create(format, this.dialect.audioFormat);
      if (this.#phase === 'ended') {
        converter.dispose();
        return;
      }
      this.#outputs.set(outputKey(agentId, format), converter);
    } catch (error) {
      this.ctx.logger.error({ err: error, format }, 'agent audio cannot be converted for the phone');
    }
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const event of held) {
      // Audio in a format that failed to convert is dropped rather than retried forever.
      if (
        event.type === 'agent_response_audio_delta' &&
        !this.#outputs.has(outputKey(event.agent_id, event.format))
      )
        continue;
      this.onRoomEvent(event);
    }
  }

  #toRoom(event: ClientEvent): void {
    try {
      this.#lease?.room.handleInput(event, this.#user);
    } catch (error) {
      this.ctx.logger.error({ err: error, call: this.#callSid }, 'room rejected call input');
    }
  }

  #send(frame: string): void {
    this.ctx.metrics.eventsOut.inc({ route: this.dialect.name });
    // Never dropped: a lost frame would put every later mark's position off.
    this.socket.channel.send(frame);
  }

  /** The phone side shows nothing a stream sends back about errors, so they are logged, naming the field. */
  #refuseMessage(path: string, message: string): void {
    this.stats.errors++;
    this.ctx.metrics.clientErrors.inc({ route: this.dialect.name, code: 'invalid_message' });
    this.ctx.logger.warn({ call: this.#callSid, path, message }, 'refused a Media Streams message');
  }
}

/** One converter per agent and format: each keeps its resampler's state across that agent's chunks. */
function outputKey(agentId: string, format: AudioFormat): string {
  return `${agentId}|${format.type}@${format.rate}`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

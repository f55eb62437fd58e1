import type { ClientEvent, ClientEventOf, ServerEvent } from '@chorus/protocol';
import { clientAudioBytes } from '@chorus/protocol';
import { BoundedMap } from './bounded-map.js';
import type { RoomUser } from './chat-room-options.js';
import type { RoomMember } from './member.js';
import { audioMs, type SpeechDetector } from './speech-activity.js';

/** Audio kept from before a user's speech starts, so the model hears the whole first word. */
const PREFIX_MS = 300;
/** Quiet kept after a waiting user's speech, so the model's own VAD can find the end of the turn. */
const TRAILING_MS = 1000;
/**
 * Audio of the lane holder after which a turn the model never reported, or never answered, gives
 * the lane up. Generous: a model may lag the room (a converter loading, a slow first answer).
 */
const GIVE_UP_MS = 5000;
const ATTRIBUTION_LIMIT = 1024;

type AudioEvent = ClientEventOf<'client_audio_append'>;

interface Frame {
  readonly event: AudioEvent;
  readonly ms: number;
}

/** One user's voice: their own speech detector and the audio just before their speech. */
interface Voice {
  readonly user: Required<RoomUser>;
  readonly detector: SpeechDetector;
  prefix: Frame[];
  prefixMs: number;
  speaking: boolean;
}

/** What a user said while another held the lane, to be heard after. */
interface Waiting {
  items: (Frame | 'commit')[];
  ms: number;
  quietMs: number;
  overflowed: boolean;
}

/**
 * One agent's input: one model stream, so one speaker at a time.
 * - `idle`: the holder's audio passes (its silence too: a lone user's stream reaches the model as
 *   it was sent); another user's speech takes the lane at once.
 * - `speaking`: the holder is in a turn; others who speak wait, their audio queued.
 * - `answering`: the model ended the holder's turn; others wait until the answer is over, unless
 *   the agent is already speaking, when a newcomer's speech is a barge-in and takes the lane.
 */
interface Lane {
  readonly member: RoomMember;
  holder: string | undefined;
  phase: 'idle' | 'speaking' | 'answering';
  /** The model said the holder's input started, in this turn. */
  modelHeard: boolean;
  /** The agent started answering the holder's turn. */
  responding: boolean;
  /** The holder's audio since the turn stopped progressing (for giving up). */
  stalledMs: number;
  readonly waiting: Map<string, Waiting>;
}

export interface VoiceLanesOptions {
  readonly detector: () => SpeechDetector;
  /** Audio a waiting user may queue, in ms. */
  readonly maxQueuedMs: number;
  readonly deliver: (member: RoomMember, event: ClientEvent) => void;
  /** Tells one user that some of their audio was dropped (once per turn). */
  readonly dropped: (user: Required<RoomUser>, message: string) => void;
}

/**
 * Every user's audio gets its own input path: a speech detector per user decides when that person
 * speaks, and each agent's single model stream carries one speaker's turn at a time (turn-serialized
 * with speaker attribution). Speech from someone else during a turn waits, queued, and reaches the
 * model after that turn has been answered, preceded by a note of who speaks. Frames of two people
 * are never interleaved into one stream. The model's input events are attributed to whoever held
 * the lane when the model heard the speech start (`user_id`, `user_name`).
 */
export class VoiceLanes {
  readonly #options: VoiceLanesOptions;
  readonly #voices = new Map<string, Voice>();
  readonly #lanes = new Map<string, Lane>();
  /** Which user an input item (`item_id`) of a model came from. */
  readonly #speakers = new BoundedMap<string, Required<RoomUser>>(ATTRIBUTION_LIMIT);

  constructor(options: VoiceLanesOptions) {
    this.#options = options;
  }

  /** One frame of `user`'s audio, for the agents their turn goes to. */
  push(user: Required<RoomUser>, event: AudioEvent, targets: readonly RoomMember[]): void {
    const voice = this.#voiceOf(user);
    const bytes = clientAudioBytes(event) ?? Buffer.from(event.audio, 'base64');
    const frame: Frame = { event, ms: audioMs(bytes.byteLength, event.format) };
    const activity = voice.detector.push(bytes, event.format);
    voice.speaking = activity.speaking;
    for (const member of targets) this.#route(this.#laneOf(member), voice, frame, activity.started);
    voice.prefix.push(frame);
    voice.prefixMs += frame.ms;
    while (voice.prefixMs - (voice.prefix[0]?.ms ?? 0) >= PREFIX_MS) {
      voice.prefixMs -= voice.prefix.shift()?.ms ?? 0;
    }
  }

  /** The user ended their input by hand (turn detection off). */
  commit(user: Required<RoomUser>, targets: readonly RoomMember[]): void {
    for (const member of targets) {
      const lane = this.#laneOf(member);
      const waiting = lane.waiting.get(user.id);
      if (waiting) waiting.items.push('commit');
      else if (lane.holder === user.id || lane.holder === undefined) {
        this.#options.deliver(member, { type: 'client_audio_commit' });
      }
    }
  }

  /**
   * Follows an agent's events (before the room relays them) and returns the event attributed to
   * the user whose speech it is about, when it is an input event.
   */
  observe(event: ServerEvent): ServerEvent {
    if (!('agent_id' in event) || typeof event.agent_id !== 'string') return event;
    const lane = this.#lanes.get(event.agent_id);
    switch (event.type) {
      case 'agent_input_started': {
        if (!lane?.holder) return event;
        const user = this.#voices.get(lane.holder)?.user;
        if (!user) return event;
        this.#speakers.set(event.item_id, user);
        lane.modelHeard = true;
        lane.phase = 'speaking';
        lane.stalledMs = 0;
        return { ...event, user_id: user.id, user_name: user.name };
      }
      case 'agent_input_done':
        if (lane?.holder && lane.phase === 'speaking') {
          lane.phase = 'answering';
          lane.responding = false;
          lane.stalledMs = 0;
        }
        return this.#attributed(event, event.item_id);
      case 'agent_input_transcription_delta':
      case 'agent_input_transcription_done':
        return this.#attributed(event, event.item_id);
      case 'agent_response_created':
        if (lane?.phase === 'answering') lane.responding = true;
        return event;
      case 'agent_state_changed':
        // The answer (with its tool calls and follow-ups) is over: whoever waits is heard now.
        if (lane?.phase === 'answering' && lane.responding && event.state === 'listening') this.#next(lane);
        return event;
      default:
        return event;
    }
  }

  /** A user left: their lanes pass on and what they queued is dropped. */
  leave(userId: string): void {
    this.#voices.delete(userId);
    for (const lane of this.#lanes.values()) {
      lane.waiting.delete(userId);
      if (lane.holder === userId) this.#next(lane);
    }
  }

  clear(): void {
    this.#voices.clear();
    this.#lanes.clear();
    this.#speakers.clear();
  }

  #route(lane: Lane, voice: Voice, frame: Frame, started: boolean): void {
    const id = voice.user.id;
    if (lane.holder === undefined && lane.waiting.size === 0) {
      // The first voice an agent hears holds its lane, silence and all.
      lane.holder = id;
    }
    if (lane.holder === id) {
      if (started && lane.phase !== 'speaking') this.#begin(lane);
      this.#options.deliver(lane.member, frame.event);
      this.#watchStall(lane, voice, frame);
      return;
    }
    const waiting = lane.waiting.get(id);
    if (waiting) {
      this.#queue(lane, voice, waiting, frame);
      return;
    }
    if (!voice.speaking) return;
    const bargeIn = lane.phase === 'answering' && lane.responding;
    if (lane.phase === 'idle' || bargeIn) {
      this.#handOver(lane, voice, [...voice.prefix, frame]);
      return;
    }
    const queued: Waiting = { items: [], ms: 0, quietMs: 0, overflowed: false };
    lane.waiting.set(id, queued);
    for (const early of voice.prefix) this.#queue(lane, voice, queued, early);
    this.#queue(lane, voice, queued, frame);
  }

  #queue(lane: Lane, voice: Voice, waiting: Waiting, frame: Frame): void {
    if (voice.speaking) waiting.quietMs = 0;
    else if (waiting.quietMs >= TRAILING_MS) return;
    else waiting.quietMs += frame.ms;
    if (waiting.ms + frame.ms > this.#options.maxQueuedMs) {
      if (!waiting.overflowed) {
        waiting.overflowed = true;
        this.#options.dropped(
          voice.user,
          `client_audio_append: ${lane.member.name} is hearing another speaker; more than ${this.#options.maxQueuedMs} ms of your audio waited, and the rest of this turn was dropped`,
        );
      }
      return;
    }
    waiting.items.push(frame);
    waiting.ms += frame.ms;
  }

  /** A turn that never reached the model, or an answer that never came, gives the lane up. */
  #watchStall(lane: Lane, voice: Voice, frame: Frame): void {
    const stalled =
      (lane.phase === 'speaking' && !lane.modelHeard && !voice.speaking) ||
      (lane.phase === 'answering' && !lane.responding);
    if (!stalled) {
      lane.stalledMs = 0;
      return;
    }
    lane.stalledMs += frame.ms;
    if (lane.stalledMs >= GIVE_UP_MS) this.#next(lane);
  }

  #begin(lane: Lane): void {
    lane.phase = 'speaking';
    lane.modelHeard = false;
    lane.responding = false;
    lane.stalledMs = 0;
  }

  /** The lane goes to the first user waiting, whose queued audio the model hears now. */
  #next(lane: Lane): void {
    lane.phase = 'idle';
    lane.responding = false;
    const [first] = lane.waiting;
    if (!first) return;
    const [userId, waiting] = first;
    lane.waiting.delete(userId);
    const voice = this.#voices.get(userId);
    if (!voice) {
      lane.holder = undefined;
      this.#next(lane);
      return;
    }
    this.#handOver(lane, voice, waiting.items);
  }

  #handOver(lane: Lane, voice: Voice, items: readonly (Frame | 'commit')[]): void {
    const previous = lane.holder;
    lane.holder = voice.user.id;
    this.#begin(lane);
    if (previous !== undefined && previous !== voice.user.id) {
      // The model's stream changes speaker here; say who, since audio carries no name.
      this.#options.deliver(lane.member, {
        type: 'client_text_append',
        role: 'system',
        text: `${voice.user.name} speaks next.`,
      });
    }
    for (const item of items) {
      this.#options.deliver(lane.member, item === 'commit' ? { type: 'client_audio_commit' } : item.event);
    }
  }

  #attributed<E extends ServerEvent>(event: E, itemId: string): E {
    const user = this.#speakers.get(itemId);
    return user ? { ...event, user_id: user.id, user_name: user.name } : event;
  }

  #voiceOf(user: Required<RoomUser>): Voice {
    let voice = this.#voices.get(user.id);
    if (!voice) {
      voice = { user, detector: this.#options.detector(), prefix: [], prefixMs: 0, speaking: false };
      this.#voices.set(user.id, voice);
    }
    return voice;
  }

  #laneOf(member: RoomMember): Lane {
    let lane = this.#lanes.get(member.id);
    if (!lane) {
      lane = {
        member,
        holder: undefined,
        phase: 'idle',
        modelHeard: false,
        responding: false,
        stalledMs: 0,
        waiting: new Map(),
      };
      this.#lanes.set(member.id, lane);
    }
    return lane;
  }
}

import { type ClientEvent, relayedAudioAppend, type ServerEvent, type ServerEventOf } from '@chorus/protocol';
import type { Actor } from 'xstate';
import { handoffToolName } from '../handoff/handoff.js';
import type { AudioTurns } from './audio-turns.js';
import { BoundedMap } from './bounded-map.js';
import type { roomMachine } from './chat-room.machine.js';
import type { RoomRelay, RoomUser } from './chat-room-options.js';
import type { RoomUtterance } from './floor-policy.js';
import type { HeardMessage, RoomMember } from './member.js';
import { describeError, hearSafely, inputSafely } from './member-delivery.js';
import { finalWords, serverError } from './room-events.js';
import type { RoomFloor } from './room-floor.js';
import { DEFAULT_USER } from './room-users.js';

const SPOKEN_LIMIT = 1024;

/** A user's words an agent was asked to answer. */
interface HandedRequest {
  readonly speaker: string;
  readonly text: string;
}

export interface RoomRouterOptions {
  readonly actor: Actor<typeof roomMachine>;
  readonly members: readonly RoomMember[];
  readonly byId: ReadonlyMap<string, RoomMember>;
  readonly relay: RoomRelay;
  readonly floor: RoomFloor;
  /** Which agent a tool call, approval or audio item belongs to; the router fills it in. */
  readonly owners: BoundedMap<string, string>;
  readonly audioTurns: AudioTurns;
  readonly userNamed: (id: string) => Required<RoomUser>;
  readonly publish: (event: ServerEvent) => void;
  /** Told each time a member is asked to respond, so the room knows who still owes an answer. */
  readonly asked?: (memberId: string) => void;
}

/**
 * The room's own subscriber to its bus, so it sees events in the same order as every client does:
 * it passes words between members (user messages, agents' final words, transcriptions of speech),
 * relays audio when the room relays audio, moves the floor on handoffs and silent turns, and notes
 * who owns what for routing clients' answers. Floor decisions run one at a time, in bus order.
 */
export class RoomRouter {
  readonly #options: RoomRouterOptions;
  /**
   * An agent's final words, held per response until its `done`: only then is it known whether the
   * response also handed off (a provider may stream the words before or after the call), and words
   * that come with a handoff must not pick a second answerer.
   */
  readonly #pendingWords = new BoundedMap<string, { agentId: string; texts: string[] }>(SPOKEN_LIMIT);
  /** Responses that called a handoff tool naming another member of the room. */
  readonly #handingOff = new BoundedMap<string, true>(SPOKEN_LIMIT);
  /** The latest request each agent was asked to answer, which a handoff passes on to its target. */
  readonly #requests = new BoundedMap<string, HandedRequest>(SPOKEN_LIMIT);
  #decisions: Promise<void> = Promise.resolve();
  #pendingDecisions = 0;

  constructor(options: RoomRouterOptions) {
    this.#options = options;
  }

  /** Floor decisions queued or running. */
  get pendingDecisions(): number {
    return this.#pendingDecisions;
  }

  /** Resolves when the decisions queued so far are made. */
  get decisions(): Promise<void> {
    return this.#decisions;
  }

  /** Forgets which responses were relayed (the room stopped). */
  clear(): void {
    this.#pendingWords.clear();
    this.#handingOff.clear();
    this.#requests.clear();
  }

  route(event: ServerEvent): void {
    const { actor, owners, relay } = this.#options;
    if (actor.getSnapshot().value !== 'running') return;
    switch (event.type) {
      case 'room_user_message': {
        const user = this.#options.userNamed(event.user_id);
        this.#enqueue(() => this.#userSaid(user, event.text, event.respond !== false));
        return;
      }
      case 'agent_response_audio_transcript_done':
      case 'agent_response_text_done': {
        // A cut reply's heard words: its agent keeps them; the others were not asked to answer them.
        if (event.interrupted) return;
        const words = finalWords(event) ?? '';
        if (words.trim() === '') return;
        const pending = this.#pendingWords.get(event.response_id);
        if (pending) pending.texts.push(words);
        else this.#pendingWords.set(event.response_id, { agentId: event.agent_id, texts: [words] });
        return;
      }
      case 'agent_response_done': {
        const pending = this.#pendingWords.get(event.response_id);
        this.#pendingWords.delete(event.response_id);
        const handingOff = this.#handingOff.delete(event.response_id);
        if (!pending) {
          this.#enqueue(() => this.#endSilentTurn(event.agent_id));
          return;
        }
        for (const words of pending.texts) {
          this.#enqueue(() => this.#agentSaid(pending.agentId, words, handingOff));
        }
        return;
      }
      case 'agent_handoff':
        this.#enqueue(() => this.#handoff(event));
        return;
      case 'agent_response_audio_delta':
        if (!owners.has(event.item_id)) owners.set(event.item_id, event.agent_id);
        if (relay === 'audio') {
          // The speaker's audio as the others' input: bytes stay bytes for their models.
          const relayed = relayedAudioAppend(event);
          for (const other of this.#others(event.agent_id)) this.#input(other, relayed);
        }
        return;
      case 'agent_response_audio_done':
        if (relay === 'audio') {
          for (const other of this.#others(event.agent_id))
            this.#input(other, { type: 'client_audio_commit' });
        }
        return;
      case 'agent_response_tool_use_done':
        owners.set(event.tool_use.id, event.agent_id);
        if (this.#namesPeer(event.agent_id, event.tool_use.name))
          this.#handingOff.set(event.response_id, true);
        return;
      case 'agent_tool_approval_requested':
        owners.set(event.call_id, event.agent_id);
        return;
      case 'agent_input_done':
        // The spoken turn ended: the next one is placed afresh.
        this.#options.audioTurns.endedBy(event.agent_id);
        return;
      case 'agent_input_transcription_done':
        this.#enqueue(() => this.#userSpoke(event.agent_id, event.transcript, event.user_id));
        return;
      default:
        return;
    }
  }

  #enqueue(task: () => void | Promise<void>): void {
    this.#pendingDecisions += 1;
    this.#decisions = this.#decisions
      .then(task)
      .catch((error: unknown) => {
        this.#options.publish(serverError('room_delivery_failed', describeError(error)));
      })
      .finally(() => {
        this.#pendingDecisions -= 1;
      });
  }

  async #userSaid(user: Required<RoomUser>, text: string, respond: boolean): Promise<void> {
    const utterance: RoomUtterance = { speaker: { kind: 'user', ...user }, text };
    if (!respond) {
      // Context only: every member hears it, nobody is picked to answer.
      this.#options.floor.remember(utterance);
      for (const member of this.#options.members)
        this.#hear(member, { speaker: user.name, text, respond: false });
      return;
    }
    this.#options.actor.send({ type: 'floor.user_turn' });
    const granted = await this.#options.floor.decide(utterance, false);
    if (granted === undefined) return;
    for (const member of this.#options.members) {
      const respond = granted.includes(member.id);
      if (respond) this.#requests.set(member.id, { speaker: user.name, text });
      this.#hear(member, { speaker: user.name, text, respond });
    }
  }

  async #agentSaid(agentId: string, text: string, handingOff = false): Promise<void> {
    const { actor, byId, floor } = this.#options;
    const speaker = byId.get(agentId);
    if (!speaker) return;
    const utterance: RoomUtterance = { speaker: { kind: 'agent', id: speaker.id, name: speaker.name }, text };
    const holder = actor.getSnapshot().context.holder;
    // Someone else holds the floor (a handoff moved it on), or this response hands it on: the words
    // are context only, so naming the target ("Max tells the jokes") does not ask it a second time.
    const moved = handingOff || (holder !== null && holder !== agentId);
    if (moved) floor.remember(utterance);
    const granted = moved ? [] : await floor.decide(utterance, true);
    if (granted === undefined) return;
    if (this.#options.relay === 'text') {
      for (const other of this.#others(agentId)) {
        this.#hear(other, { speaker: speaker.name, text, respond: granted.includes(other.id) });
      }
    } else {
      for (const id of granted) {
        const member = byId.get(id);
        if (member) this.#input(member, { type: 'client_response_create' });
      }
    }
  }

  #endSilentTurn(agentId: string): void {
    const snapshot = this.#options.actor.getSnapshot();
    if (snapshot.value !== 'running' || snapshot.context.holder !== agentId) return;
    this.#options.floor.grant([], 'turn_end', false);
  }

  #handoff(event: ServerEventOf<'agent_handoff'>): void {
    const { actor, byId, members, floor } = this.#options;
    if (actor.getSnapshot().value !== 'running') return;
    const from = byId.get(event.agent_id);
    const wanted = event.to.toLowerCase();
    const target = members.find(
      (m) => m.id !== event.agent_id && (m.id === event.to || m.name.toLowerCase() === wanted),
    );
    // A handoff to someone outside the room is the agent's own business (it swaps in place).
    if (!from || !target) return;
    if (!floor.grant([target.id], 'handoff', true).includes(target.id)) return;
    const note = `${from.name} handed the conversation over to ${target.name}.`;
    const request = this.#requests.get(from.id);
    if (!request) {
      // Nobody asked the handing agent anything (it handed off on its own): the note is the turn.
      this.#hear(target, { speaker: from.name, text: note, respond: true });
      return;
    }
    // The target answers what the user asked, not the note: the note is context, and the request
    // comes again, attributed to whoever made it, as the words to answer.
    this.#input(target, {
      type: 'client_text_append',
      role: 'system',
      text: `${note} Answer ${request.speaker}'s request that follows.`,
    });
    this.#requests.set(target.id, request);
    this.#hear(target, { speaker: request.speaker, text: request.text, respond: true });
  }

  /** Whether `toolName` is the handoff tool of a member other than `agentId`. */
  #namesPeer(agentId: string, toolName: string): boolean {
    return this.#options.members.some((m) => m.id !== agentId && handoffToolName(m.name) === toolName);
  }

  #userSpoke(agentId: string, transcript: string, userId: string | undefined): void {
    const { actor, members, floor } = this.#options;
    if (actor.getSnapshot().value !== 'running' || transcript.trim() === '') return;
    const last = this.#options.audioTurns.heardBy(agentId);
    // The speech is attributed to the user whose turn the model heard; the last turn placed is a
    // guess only when nobody is named (several users may have spoken since).
    const user = userId === undefined ? (last?.user ?? DEFAULT_USER) : this.#options.userNamed(userId);
    const turn = last?.user.id === user.id ? last : undefined;
    actor.send({ type: 'floor.user_turn' });
    floor.remember({ speaker: { kind: 'user', ...user }, text: transcript });
    const heard = new Set(turn?.targets ?? [agentId]);
    heard.add(agentId);
    // The agent that transcribed the turn is the one answering it.
    this.#requests.set(agentId, { speaker: user.name, text: transcript });
    for (const member of members) {
      if (!heard.has(member.id)) this.#hear(member, { speaker: user.name, text: transcript, respond: false });
    }
  }

  #hear(member: RoomMember, message: HeardMessage): void {
    if (message.respond) this.#options.asked?.(member.id);
    hearSafely(member, message, this.#options.publish);
  }

  #input(member: RoomMember, event: ClientEvent): void {
    if (event.type === 'client_response_create') this.#options.asked?.(member.id);
    inputSafely(member, event, this.#options.publish);
  }

  #others(agentId: string): RoomMember[] {
    return this.#options.members.filter((m) => m.id !== agentId);
  }
}

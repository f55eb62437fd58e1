import type { ClientEvent, ServerEvent, ServerEventOf } from '@chorus/protocol';
import type { Actor } from 'xstate';
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
}

/**
 * The room's own subscriber to its bus, so it sees events in the same order as every client does:
 * it passes words between members (user messages, agents' final words, transcriptions of speech),
 * relays audio when the room relays audio, moves the floor on handoffs and silent turns, and notes
 * who owns what for routing clients' answers. Floor decisions run one at a time, in bus order.
 */
export class RoomRouter {
  readonly #options: RoomRouterOptions;
  /** Responses whose words were relayed; one without words ends its speaker's turn at `done`. */
  readonly #spokenResponses = new BoundedMap<string, true>(SPOKEN_LIMIT);
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
    this.#spokenResponses.clear();
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
        this.#spokenResponses.set(event.response_id, true);
        this.#enqueue(() => this.#agentSaid(event.agent_id, words));
        return;
      }
      case 'agent_response_done':
        if (!this.#spokenResponses.delete(event.response_id)) {
          this.#enqueue(() => this.#endSilentTurn(event.agent_id));
        }
        return;
      case 'agent_handoff':
        this.#enqueue(() => this.#handoff(event));
        return;
      case 'agent_response_audio_delta':
        if (!owners.has(event.item_id)) owners.set(event.item_id, event.agent_id);
        if (relay === 'audio') {
          const relayed: ClientEvent = {
            type: 'client_audio_append',
            audio: event.delta,
            format: event.format,
          };
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
        return;
      case 'agent_tool_approval_requested':
        owners.set(event.call_id, event.agent_id);
        return;
      case 'agent_input_done':
        // The spoken turn ended: the next one is placed afresh.
        this.#options.audioTurns.endedBy(event.agent_id);
        return;
      case 'agent_input_transcription_done':
        this.#enqueue(() => this.#userSpoke(event.agent_id, event.transcript));
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
      this.#hear(member, { speaker: user.name, text, respond: granted.includes(member.id) });
    }
  }

  async #agentSaid(agentId: string, text: string): Promise<void> {
    const { actor, byId, floor } = this.#options;
    const speaker = byId.get(agentId);
    if (!speaker) return;
    const utterance: RoomUtterance = { speaker: { kind: 'agent', id: speaker.id, name: speaker.name }, text };
    const holder = actor.getSnapshot().context.holder;
    // Someone else holds the floor (a handoff moved it on): these words are context only.
    const moved = holder !== null && holder !== agentId;
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
    this.#hear(target, {
      speaker: from.name,
      text: `${from.name} handed the conversation over to ${target.name}.`,
      respond: true,
    });
  }

  #userSpoke(agentId: string, transcript: string): void {
    const { actor, members, floor } = this.#options;
    if (actor.getSnapshot().value !== 'running' || transcript.trim() === '') return;
    const turn = this.#options.audioTurns.heardBy(agentId);
    const user = turn?.user ?? DEFAULT_USER;
    actor.send({ type: 'floor.user_turn' });
    floor.remember({ speaker: { kind: 'user', ...user }, text: transcript });
    const heard = new Set(turn?.targets ?? [agentId]);
    heard.add(agentId);
    for (const member of members) {
      if (!heard.has(member.id)) this.#hear(member, { speaker: user.name, text: transcript, respond: false });
    }
  }

  #hear(member: RoomMember, message: HeardMessage): void {
    hearSafely(member, message, this.#options.publish);
  }

  #input(member: RoomMember, event: ClientEvent): void {
    inputSafely(member, event, this.#options.publish);
  }

  #others(agentId: string): RoomMember[] {
    return this.#options.members.filter((m) => m.id !== agentId);
  }
}

import type { ServerEvent } from '@chorus/protocol';
import { handoffToolName } from '../handoff/handoff.js';

/** One agent's final words in a room turn. */
export interface RoomReply {
  readonly agentId: string;
  readonly agentName: string;
  readonly text: string;
}

/** What `ChatRoom.send` resolves with once the agents have answered. */
export interface RoomTurnResult {
  /** The agents' final words, in the order they were said (cut replies excluded). */
  readonly replies: readonly RoomReply[];
  /** Every room event from the input to the end of the turn, in order. */
  readonly events: readonly ServerEvent[];
}

export interface RoomSendOptions {
  /** Reject when the agents have not answered by then, on the room's clock. Default 60 s. */
  readonly timeoutMs?: number;
}

/**
 * Who still owes the room an answer. The router reports each time it asks a member to respond; a
 * member's `agent_response_created` settles one ask, and a response that ran tools owes a follow-up
 * (a handoff to a peer does not: the peer was asked instead). The room is answered when nobody owes
 * anything and no response is open. Runs on the room's bus, so it sees events in the room's order.
 */
export class RoomTurns {
  readonly #owed = new Map<string, number>();
  /** Open responses, by id, with their agent. */
  readonly #open = new Map<string, string>();
  /** Responses that called a tool (other than a handoff to a peer): a follow-up is owed. */
  readonly #ranTools = new Set<string>();
  /** Responses that handed off to a peer: the agent owes its `agent_handoff`, the peer the answer. */
  readonly #handingOff = new Set<string>();
  readonly #peerTools: ReadonlySet<string>;

  constructor(memberNames: readonly string[]) {
    this.#peerTools = new Set(memberNames.map(handoffToolName));
  }

  /** The router asked `agentId` to respond. */
  asked(agentId: string): void {
    this.#owed.set(agentId, (this.#owed.get(agentId) ?? 0) + 1);
  }

  observe(event: ServerEvent): void {
    switch (event.type) {
      case 'agent_response_created':
        this.#settleOne(event.agent_id);
        this.#open.set(event.response_id, event.agent_id);
        return;
      case 'agent_response_tool_use_done':
        if (this.#peerTools.has(event.tool_use.name)) this.#handingOff.add(event.response_id);
        else this.#ranTools.add(event.response_id);
        return;
      case 'agent_response_done': {
        this.#open.delete(event.response_id);
        const completed = event.status === 'completed';
        if (this.#ranTools.delete(event.response_id) && completed) this.asked(event.agent_id);
        if (this.#handingOff.delete(event.response_id) && completed) this.asked(event.agent_id);
        return;
      }
      case 'agent_handoff':
        this.#settleOne(event.agent_id);
        return;
      case 'agent_ended':
        // A member that stopped answers nothing more.
        this.#owed.delete(event.agent_id);
        for (const [id, agent] of this.#open) if (agent === event.agent_id) this.#open.delete(id);
        return;
      default:
        return;
    }
  }

  /** Nobody owes an answer and no response is open. */
  get answered(): boolean {
    return this.#owed.size === 0 && this.#open.size === 0;
  }

  /** The agents still owing or giving an answer, for an error message. */
  get waitingFor(): string[] {
    return [...new Set([...this.#owed.keys(), ...this.#open.values()])];
  }

  clear(): void {
    this.#owed.clear();
    this.#open.clear();
    this.#ranTools.clear();
    this.#handingOff.clear();
  }

  #settleOne(agentId: string): void {
    const owed = this.#owed.get(agentId) ?? 0;
    if (owed <= 1) this.#owed.delete(agentId);
    else this.#owed.set(agentId, owed - 1);
  }
}

/** An agent's final words, if `event` carries some that were not cut. */
export function replyOf(event: ServerEvent): RoomReply | undefined {
  if (event.type !== 'agent_response_audio_transcript_done' && event.type !== 'agent_response_text_done')
    return undefined;
  if (event.interrupted) return undefined;
  const text = event.type === 'agent_response_text_done' ? event.text : event.transcript;
  if (text.trim() === '') return undefined;
  return { agentId: event.agent_id, agentName: event.agent_name, text };
}

import type { ServerEvent } from '@chorus/protocol';
import type { Actor } from 'xstate';
import type { roomMachine } from './chat-room.machine.js';
import type { RoomUser } from './chat-room-options.js';
import type { FloorAgent, FloorContext, FloorPolicy, RoomUtterance } from './floor-policy.js';
import type { RoomMember } from './member.js';
import { describeError } from './member-delivery.js';
import { serverError } from './room-events.js';

export interface RoomFloorOptions {
  readonly roomId: string;
  readonly actor: Actor<typeof roomMachine>;
  readonly policy: FloorPolicy;
  readonly members: readonly RoomMember[];
  readonly byId: ReadonlyMap<string, RoomMember>;
  readonly transcriptLimit: number;
  /** Users whose client dropped and may come back. */
  readonly awayUsers: () => readonly string[];
  /** Aborted when the room stops, so a slow policy (a moderator) can give up. */
  readonly signal: AbortSignal;
  readonly publish: (event: ServerEvent) => void;
}

/**
 * Floor decisions: asks the room's policy who answers an utterance, with the recent transcript as
 * context, and records the grant in the room's actor, which applies the loop guard and announces
 * the change. The actor's `lastGrant` is the answer, since the guard may have cut the choice.
 */
export class RoomFloor {
  readonly #options: RoomFloorOptions;
  readonly #transcript: RoomUtterance[] = [];

  constructor(options: RoomFloorOptions) {
    this.#options = options;
  }

  /**
   * Asks the policy who answers `utterance`, records the grant in the actor (the loop guard applies
   * to answers to agents), and returns the granted ids; undefined when the room stopped meanwhile.
   */
  async decide(utterance: RoomUtterance, fromAgent: boolean): Promise<readonly string[] | undefined> {
    const { actor, policy } = this.#options;
    this.remember(utterance);
    const context = this.#context(utterance);
    let chosen: readonly string[] = [];
    try {
      chosen = this.#known(await policy.select(context)).filter((id) => id !== utterance.speaker.id);
    } catch (error) {
      this.#options.publish(
        serverError('floor_policy_failed', `floor ${policy.name}: ${describeError(error)}`),
      );
    }
    if (actor.getSnapshot().value !== 'running') return undefined;
    return this.grant(chosen, policy.name, fromAgent);
  }

  /**
   * Where a user's spoken turn goes: to the floor holder, else to whom the policy picks for an
   * empty utterance if it answers at once (a moderator cannot judge silence), else to everyone.
   */
  placeSpokenTurn(user: Required<RoomUser>): readonly string[] {
    const { actor, members, policy } = this.#options;
    const holder = actor.getSnapshot().context.holder;
    if (holder) return [holder];
    const utterance: RoomUtterance = { speaker: { kind: 'user', ...user }, text: '' };
    const choice = this.#trySelect(this.#context(utterance));
    if (!choice) return members.map((m) => m.id);
    return this.grant(choice, policy.name, false);
  }

  /** Records a grant in the actor; returns what it granted. */
  grant(agentIds: readonly string[], reason: string, fromAgent: boolean): readonly string[] {
    const { actor } = this.#options;
    actor.send({ type: 'floor.grant', agentIds, reason, fromAgent });
    return actor.getSnapshot().context.lastGrant;
  }

  remember(utterance: RoomUtterance): void {
    this.#transcript.push(utterance);
    if (this.#transcript.length > this.#options.transcriptLimit) this.#transcript.shift();
  }

  #context(utterance: RoomUtterance): FloorContext {
    const { roomId, actor, members, signal } = this.#options;
    const { holder, lastHolder, agentTurns, maxAgentTurns } = actor.getSnapshot().context;
    const agents: FloorAgent[] = members.map((m) => ({ id: m.id, name: m.name }));
    const transcript =
      this.#transcript.at(-1) === utterance ? [...this.#transcript] : [...this.#transcript, utterance];
    return {
      roomId,
      agents,
      utterance,
      holder,
      lastHolder,
      agentTurns,
      maxAgentTurns,
      transcript,
      awayUsers: this.#options.awayUsers(),
      signal,
    };
  }

  /** The policy's answer if it gives one synchronously and does not throw. */
  #trySelect(context: FloorContext): readonly string[] | undefined {
    try {
      const answer = this.#options.policy.select(context);
      if (answer instanceof Promise) {
        answer.catch(() => undefined);
        return undefined;
      }
      return this.#known(answer);
    } catch {
      return undefined;
    }
  }

  #known(ids: readonly string[]): string[] {
    return [...new Set(ids)].filter((id) => this.#options.byId.has(id));
  }
}

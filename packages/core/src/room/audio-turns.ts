import type { RoomUser } from './chat-room-options.js';

/** Where one user's spoken turn goes. */
export interface AudioTurn {
  readonly targets: readonly string[];
  readonly user: Required<RoomUser>;
}

/**
 * Users' spoken turns in a room: audio carries no words to decide on, so each turn is placed once,
 * at its first frame, and every later frame follows it until the turn ends (the user commits, or an
 * agent that heard it detects its end). Also remembers which turn each agent heard last, to
 * attribute the transcription that agent makes of it.
 */
export class AudioTurns {
  readonly #turns = new Map<string, AudioTurn>();
  readonly #heardBy = new Map<string, AudioTurn>();

  /** The user's current turn; runs per audio frame, so it is a lookup and nothing more. */
  get(userId: string): AudioTurn | undefined {
    return this.#turns.get(userId);
  }

  begin(user: Required<RoomUser>, targets: readonly string[]): AudioTurn {
    const turn: AudioTurn = { targets, user };
    this.#turns.set(user.id, turn);
    for (const id of targets) this.#heardBy.set(id, turn);
    return turn;
  }

  /** The user's turn ended (or they left): the next one is placed afresh. */
  end(userId: string): void {
    this.#turns.delete(userId);
  }

  /** An agent detected the end of the speech it heard: every turn it was part of ends. */
  endedBy(agentId: string): void {
    for (const [userId, turn] of this.#turns) {
      if (turn.targets.includes(agentId)) this.#turns.delete(userId);
    }
  }

  /** The last spoken turn `agentId` received. */
  heardBy(agentId: string): AudioTurn | undefined {
    return this.#heardBy.get(agentId);
  }

  clear(): void {
    this.#turns.clear();
    this.#heardBy.clear();
  }
}

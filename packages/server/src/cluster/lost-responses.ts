import type { ServerEvent } from '@chorus/protocol';

/** A reply cut when its room moved. */
export interface LostResponse {
  readonly agent_id: string;
  readonly response_id: string;
  readonly what: 'response_cut';
}

/** Most replies one room can have open at once that a move reports (agents answer one at a time). */
const MAX_OPEN = 64;

/**
 * The replies a user saw start and not finish: when the room moves, these were cut, and the user
 * is told so. Kept by each session from the events it was sent, so it needs nothing from the owner
 * that died.
 */
export class OpenResponses {
  readonly #open = new Map<string, string>();

  see(event: ServerEvent): void {
    if (event.type === 'agent_response_created') {
      if (this.#open.size >= MAX_OPEN) {
        const oldest = this.#open.keys().next().value;
        if (oldest !== undefined) this.#open.delete(oldest);
      }
      this.#open.set(event.response_id, event.agent_id);
    } else if (event.type === 'agent_response_done') {
      this.#open.delete(event.response_id);
    }
  }

  /** The open replies, now counted as lost; the set starts afresh. */
  take(): LostResponse[] {
    const lost = [...this.#open].map(([response_id, agent_id]) => ({
      agent_id,
      response_id,
      what: 'response_cut' as const,
    }));
    this.#open.clear();
    return lost;
  }
}

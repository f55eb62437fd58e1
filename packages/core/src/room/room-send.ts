import type { ServerEvent } from '@chorus/protocol';
import type { Observable } from 'rxjs';
import type { ChorusClock } from '../clock.js';
import type { RoomTurns } from './room-turns.js';

export interface WaitForAnswersOptions {
  readonly roomId: string;
  readonly turns: RoomTurns;
  readonly events$: Observable<ServerEvent>;
  /** Resolves once every published event is delivered and every floor decision made. */
  readonly settled: () => Promise<void>;
  /** Floor decisions still running (a moderator deliberating), which may ask a member without an event. */
  readonly decisions: () => { readonly pending: number; readonly done: Promise<void> };
  readonly stopped: () => boolean;
  readonly clock: ChorusClock;
  readonly timeoutMs: number;
}

/**
 * Waits until nobody in the room owes an answer. Checks after each quiet point (bus drained,
 * decisions made) and otherwise sleeps until the next room event, so it costs nothing while an agent
 * speaks; the deadline runs on the room's clock.
 */
export async function waitForAnswers(options: WaitForAnswersOptions): Promise<void> {
  const { roomId, turns, clock } = options;
  let expired = false;
  let wake: (() => void) | undefined;
  const timer = clock.setTimeout(() => {
    expired = true;
    wake?.();
  }, options.timeoutMs);
  const subscription = options.events$.subscribe({ next: () => wake?.(), complete: () => wake?.() });
  try {
    for (;;) {
      await options.settled();
      if (options.stopped()) throw new Error(`room ${roomId} stopped before the agents answered`);
      if (turns.answered) return;
      if (expired) {
        throw new Error(
          `room ${roomId}: no answer within ${options.timeoutMs} ms; still waiting for ${turns.waitingFor.join(', ')}`,
        );
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        const decisions = options.decisions();
        if (decisions.pending > 0) void decisions.done.then(resolve);
      });
      wake = undefined;
    }
  } finally {
    clock.clearTimeout(timer);
    subscription.unsubscribe();
  }
}

import type { Subscription } from 'rxjs';
import { type ChorusClock, systemClock } from '../clock.js';
import type { FloorContext, ModeratorFn } from './floor-policy.js';
import type { RoomMember } from './member.js';
import { findMentions } from './mention.js';
import { finalWords } from './room-events.js';

export interface MemberModeratorOptions {
  /** The clock timing the wait (default: real time). */
  readonly clock?: ChorusClock;
  /** How long to wait for the moderator's answer before the room reports an error. Default 10 s. */
  readonly timeoutMs?: number;
  /** The question put to the moderator; the default names the candidates and the last utterance. */
  readonly prompt?: (context: FloorContext) => string;
}

/** The name the moderator hears its questions from. */
export const MODERATOR_SPEAKER = 'Room';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Lets an agent choose the next speaker, like AG2's GroupChatManager: after every utterance the
 * moderator hears the question (`respond: true`) and its next final transcript or text is read for
 * an agent's name (the first one named wins); an answer naming no agent gives the floor back to
 * the users. The moderator is not a speaker of the room: clients do not see its deliberations.
 */
export function memberModerator(member: RoomMember, options: MemberModeratorOptions = {}): ModeratorFn {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = options.clock ?? systemClock;
  const prompt = options.prompt ?? defaultPrompt;
  return (context) =>
    new Promise<string | null>((resolve, reject) => {
      if (context.signal.aborted) {
        resolve(null);
        return;
      }
      const names = context.agents.map((a) => a.name);
      let subscription: Subscription | undefined;
      let finished = false;
      const finish = (): void => {
        finished = true;
        subscription?.unsubscribe();
        clock.clearTimeout(timer);
        context.signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        finish();
        resolve(null);
      };
      const timer = clock.setTimeout(() => {
        finish();
        reject(new Error(`moderator ${member.name} did not choose a speaker within ${timeoutMs} ms`));
      }, timeoutMs);
      subscription = member.events$.subscribe({
        next: (event) => {
          const answer = finalWords(event);
          if (answer === undefined) return;
          finish();
          const index = findMentions(answer, names)[0];
          resolve(index === undefined ? null : (names[index] ?? null));
        },
        complete: () => {
          finish();
          reject(new Error(`moderator ${member.name} stopped before choosing a speaker`));
        },
      });
      // A replaying stream may have answered during `subscribe`.
      if (finished) {
        subscription.unsubscribe();
        return;
      }
      context.signal.addEventListener('abort', onAbort, { once: true });
      member.hear({ speaker: MODERATOR_SPEAKER, text: prompt(context), respond: true });
    });
}

function defaultPrompt({ agents, utterance }: FloorContext): string {
  const names = agents.map((a) => a.name).join(', ');
  return (
    `You moderate a conversation between users and the agents ${names}. ` +
    `${utterance.speaker.name} just said: "${utterance.text}". ` +
    'Who should speak next? Answer with exactly one agent name, or "nobody" to let the users speak.'
  );
}

import type { ServerEvent } from '@chorus/protocol';
import type { ChorusClock } from '../clock.js';

/** What resuming after a false interruption does: per agent, off unless given. */
export interface FalseInterruptionOptions {
  /**
   * How long after the cut the interrupting input has to show words, in ms (default 2000). An input
   * that ended within it with no words (a cough, a click that passed the VAD), or with only
   * backchannel words, was not an interruption: the agent resumes.
   */
  readonly windowMs?: number;
  /** Words that alone do not take the turn, matched whole and case-insensitively. */
  readonly backchannels?: readonly string[];
}

export const DEFAULT_BACKCHANNELS: readonly string[] = [
  'mm',
  'mhm',
  'mm-hmm',
  'hmm',
  'uh-huh',
  'uh',
  'um',
  'yeah',
  'yes',
  'yep',
  'ok',
  'okay',
  'right',
  'sure',
  'i see',
];

/** A reply cut by a barge-in: what the listener heard of it, and what they did not. */
export interface CutReply {
  readonly itemId: string;
  readonly heardText: string;
  /** The reply's words known at the cut: a provider's transcript may trail its audio, or be empty yet. */
  readonly text: string;
  /** How much of the reply's audio the listener heard, in ms (absent for a text-only reply). */
  readonly heardMs?: number;
}

/** The words of a cut reply the listener did not hear (the text may have been cut mid-word). */
export function unheardRest(cut: CutReply): string {
  const heard = cut.heardText.trim();
  const text = cut.text.trim();
  return text.startsWith(heard) ? text.slice(heard.length).trim() : text;
}

/** Instructions for a response that carries on from where the listener stopped hearing. */
export function resumeInstructions(cut: CutReply): string {
  if (cut.text.trim() === '') {
    // No words of the reply were known yet (its transcript trails the audio): the position is all there is.
    const heardMs = cut.heardMs ?? 0;
    return [
      'You were cut off by a sound that was not the user taking the turn.',
      heardMs > 0
        ? `Carry on with your previous reply from where the listener stopped hearing it, about ${(heardMs / 1000).toFixed(1)} s into it, without starting over.`
        : 'The listener heard none of your previous reply: say it again from its start.',
    ].join(' ');
  }
  return [
    'You were cut off by a sound that was not the user taking the turn. Carry on with your previous',
    `reply from where the listener stopped hearing it, without starting over. They heard: "${cut.heardText.trim()}".`,
    `Your next words were: "${unheardRest(cut)}".`,
  ].join(' ');
}

function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s'-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a transcript carries no words beyond backchannels. */
export function onlyBackchannel(transcript: string, backchannels: readonly string[]): boolean {
  let rest = ` ${normalize(transcript)} `;
  // Longest first, so "mm-hmm" goes before "mm".
  for (const phrase of [...backchannels].map(normalize).sort((a, b) => b.length - a.length)) {
    if (phrase) rest = rest.split(` ${phrase} `).join(' ');
  }
  return rest.trim() === '';
}

export interface FalseInterruptionRecoveryOptions extends FalseInterruptionOptions {
  readonly clock: ChorusClock;
  /** Carries the cut reply on (a model response with {@link resumeInstructions}). */
  readonly resume: (cut: CutReply) => void;
}

/**
 * Watches the input that cut a reply. Words in it (beyond backchannels) make the interruption
 * real; an input that ends, or is transcribed, within the window without them makes it false, and
 * the reply resumes. The window runs on the agent's clock.
 */
export class FalseInterruptionRecovery {
  readonly #options: FalseInterruptionRecoveryOptions;
  readonly #backchannels: readonly string[];
  #pending: { cut: CutReply; inputDone: boolean; timer: unknown } | undefined;

  constructor(options: FalseInterruptionRecoveryOptions) {
    this.#options = options;
    this.#backchannels = options.backchannels ?? DEFAULT_BACKCHANNELS;
  }

  /** A reply was cut by the user's speech. */
  cut(cut: CutReply): void {
    this.dispose();
    // A reply whose known words were all heard is over; one with no words known yet may not be.
    if (cut.text.trim() !== '' && unheardRest(cut) === '') return;
    const timer = this.#options.clock.setTimeout(() => this.#windowEnded(), this.#options.windowMs ?? 2000);
    this.#pending = { cut, inputDone: false, timer };
  }

  observe(event: ServerEvent): void {
    const pending = this.#pending;
    if (!pending) return;
    switch (event.type) {
      case 'agent_input_done':
        pending.inputDone = true;
        return;
      case 'agent_input_transcription_done':
        if (onlyBackchannel(event.transcript, this.#backchannels)) this.#resume();
        else this.dispose();
        return;
      case 'agent_ended':
        this.dispose();
        return;
      default:
        return;
    }
  }

  /** Forgets the cut reply and its timer. */
  dispose(): void {
    if (!this.#pending) return;
    this.#options.clock.clearTimeout(this.#pending.timer);
    this.#pending = undefined;
  }

  #windowEnded(): void {
    const pending = this.#pending;
    if (!pending) return;
    // The input ended and no words came: a cough or a click. Still speaking: a real turn.
    if (pending.inputDone) this.#resume();
    else this.#pending = undefined;
  }

  /**
   * Resumes once the model has reacted to the input (a model may answer a backchannel at once);
   * the timer is the pending one, so stopping the agent meanwhile cancels the resume too.
   */
  #resume(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#options.clock.clearTimeout(pending.timer);
    pending.inputDone = false;
    pending.timer = this.#options.clock.setTimeout(() => {
      this.#pending = undefined;
      this.#options.resume(pending.cut);
    }, 0);
  }
}

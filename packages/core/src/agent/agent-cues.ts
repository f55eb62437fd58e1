import type { ModelEvent } from '@chorus/protocol';
import type { AnyActorRef } from 'xstate';
import type { ModelConnection } from '../connection/model-connection.js';
import type { AgentCuesInput, CueLine, IdlePromptSettings } from './agent-cues.machine.js';
import type { AgentEmitter } from './agent-emitter.js';
import { type CueEffects, lineResponse } from './cue-logic.js';

/** Longest fixed line (`say`, filler, progress, prompt), in characters. */
export const MAX_LINE_CHARS = 4096;
/** Progress lines one tool call may speak; later ones are dropped (and said so once). */
export const MAX_PROGRESS_LINES_PER_CALL = 8;

export interface SayOptions {
  /** Whether the user speaking cuts the line off (default true). */
  readonly interruptible?: boolean;
}

/**
 * The agent's side of its cue machine (`agentCuesMachine`, invoked as the child `cues`): it turns
 * `say`, tool progress and the model's events into cue events, and performs what the machine
 * decides (ask the model to speak a line, end the session). The decisions are the machine's, so
 * the inspector shows `speaking`, `waiting`, `prompted` as states.
 */
export class AgentCues {
  readonly #progressCounts = new Map<string, number>();
  #connection: ModelConnection | undefined;
  #ref: (() => AnyActorRef | undefined) | undefined;

  constructor(
    private readonly emitter: AgentEmitter,
    private readonly endSession: () => void,
  ) {}

  /** The cue machine's settings, from the agent's options. */
  static settings(idlePrompt: IdlePromptSettings | undefined): AgentCuesInput {
    if (idlePrompt) checkIdlePrompt(idlePrompt);
    return { idlePrompt: idlePrompt ?? null };
  }

  /** The effects the cue machine calls. */
  effects(): CueEffects {
    return {
      startLine: (line) => {
        const connection = this.#connection;
        if (connection) connection.createResponse(lineResponse(connection.model, line.text));
      },
      refused: (line) =>
        this.emitter.emitError(
          'invalid_request_error',
          'too_many_lines',
          `a ${line.kind} line was not spoken: too many lines are waiting to be said`,
        ),
      endSession: () => this.endSession(),
    };
  }

  /** Starts following the running agent: its connection, and the `cues` child of its actor. */
  attach(connection: ModelConnection, ref: () => AnyActorRef | undefined): void {
    this.#connection = connection;
    this.#ref = ref;
  }

  /** Queues a fixed line. Throws on an empty or oversized text. */
  say(text: string, options: SayOptions = {}): void {
    checkLine(text, 'say');
    this.#send({
      type: 'cue.say',
      line: { text, kind: 'say', interruptible: options.interruptible ?? true },
    });
  }

  /** A running tool's progress line, bounded per call. */
  progress(callId: string, text: string): void {
    const count = (this.#progressCounts.get(callId) ?? 0) + 1;
    this.#progressCounts.set(callId, count);
    if (this.#progressCounts.size > 256)
      this.#progressCounts.delete(this.#progressCounts.keys().next().value as string);
    if (count > MAX_PROGRESS_LINES_PER_CALL || typeof text !== 'string' || text.trim() === '') {
      if (count === MAX_PROGRESS_LINES_PER_CALL + 1) {
        this.emitter.emitError(
          'server_error',
          'tool_progress_dropped',
          `tool call ${callId}: at most ${MAX_PROGRESS_LINES_PER_CALL} progress lines are spoken`,
        );
      }
      return;
    }
    this.#send({
      type: 'cue.say',
      line: { text: text.slice(0, MAX_LINE_CHARS), kind: 'progress', interruptible: true },
    });
  }

  /** The agent's lifecycle state changed. */
  agentState(state: string): void {
    this.#send({ type: 'cue.agent_state', state });
  }

  /** A model event the cues follow: responses (to match their lines) and the user starting to speak. */
  modelEvent(event: ModelEvent): void {
    switch (event.type) {
      case 'model_response_created':
        this.#send({ type: 'cue.response_created', responseId: event.response_id });
        break;
      case 'model_response_done':
        this.#send({ type: 'cue.response_done', responseId: event.response_id });
        break;
      case 'model_input_started':
        this.#send({ type: 'cue.user_active' });
        break;
      default:
        break;
    }
  }

  /** The user typed or spoke: the idle count starts again and interruptible lines give way. */
  userActive(): void {
    this.#send({ type: 'cue.user_active' });
  }

  /** The user's client dropped (the idle prompt waits) or came back. */
  away(away: boolean): void {
    this.#send({ type: away ? 'cue.user_away' : 'cue.user_back' });
  }

  /** Whether a line said with `interruptible: false` is being spoken now. */
  holdsFloorFirmly(): boolean {
    const snapshot = this.#ref?.()?.getSnapshot() as { matches?: (value: unknown) => boolean } | undefined;
    return snapshot?.matches?.({ speech: 'speakingFirmly' }) === true;
  }

  #send(event: { type: string } & Record<string, unknown>): void {
    const ref = this.#ref?.();
    if (ref && ref.getSnapshot().status === 'active') ref.send(event);
  }
}

function checkLine(text: string, what: string): void {
  if (typeof text !== 'string' || text.trim() === '') throw new TypeError(`${what}: the text is empty`);
  if (text.length > MAX_LINE_CHARS) {
    throw new RangeError(`${what}: the text is ${text.length} characters; at most ${MAX_LINE_CHARS}`);
  }
}

function checkIdlePrompt(settings: IdlePromptSettings): void {
  checkLine(settings.text, 'idlePrompt');
  if (!(Number.isFinite(settings.afterMs) && settings.afterMs > 0)) {
    throw new RangeError(`idlePrompt.afterMs must be a positive number, got ${settings.afterMs}`);
  }
  if (
    settings.endAfterMs !== undefined &&
    !(Number.isFinite(settings.endAfterMs) && settings.endAfterMs > 0)
  ) {
    throw new RangeError(`idlePrompt.endAfterMs must be a positive number, got ${settings.endAfterMs}`);
  }
}

export type { CueLine };

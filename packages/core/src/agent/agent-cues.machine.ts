import { assign, enqueueActions, raise, setup } from 'xstate';

/** Why a fixed line is spoken. */
export type CueKind = 'say' | 'filler' | 'progress' | 'prompt';

/** A fixed line the agent speaks through the model's voice. */
export interface CueLine {
  readonly text: string;
  readonly kind: CueKind;
  /** Whether the user starting to speak cuts it off (default true; a disclosure may say false). */
  readonly interruptible: boolean;
}

/** When the agent prompts a silent user, and whether it then ends the session. */
export interface IdlePromptSettings {
  /** Silence from the user, while the agent listens, before the prompt. */
  readonly afterMs: number;
  readonly text: string;
  /** A second silence this long after the prompt ends the session; absent: it never ends by itself. */
  readonly endAfterMs?: number;
}

export interface AgentCuesInput {
  readonly idlePrompt?: IdlePromptSettings | null;
  /** Lines waiting to be spoken at most (default 8); more are refused, the oldest kept. */
  readonly maxQueued?: number;
  /** How long a line may take from being asked for to being done before it is given up (default 60 s). */
  readonly lineTimeoutMs?: number;
}

export interface AgentCuesContext {
  readonly idlePrompt: IdlePromptSettings | null;
  readonly maxQueued: number;
  readonly lineTimeoutMs: number;
  /** The agent's lifecycle state, as last reported. */
  agentState: string;
  queue: CueLine[];
  /** The line being spoken, and the model's response for it once it started. */
  current: CueLine | null;
  responseId: string | null;
}

export type AgentCuesEvent =
  | { type: 'cue.say'; line: CueLine }
  | { type: 'cue.agent_state'; state: string }
  | { type: 'cue.response_created'; responseId: string }
  | { type: 'cue.response_done'; responseId: string }
  /** The user started speaking (or typed): a barge-in for interruptible lines, activity for the idle timer. */
  | { type: 'cue.user_active' }
  | { type: 'cue.prompt_spoken' }
  /** The user's client dropped (the gateway holds the session) or came back. */
  | { type: 'cue.user_away' }
  | { type: 'cue.user_back' };

/** Effects provided by the agent; here they do nothing, so the definition runs (and charts) alone. */
const effect = () => {};

/** States in which the agent may take the floor for a fixed line. */
const FREE_STATES = new Set(['listening', 'runningTools']);

/**
 * What the agent says on its own, beside the conversation: `say` lines, tool fillers and progress,
 * and the idle prompt. Two regions, so each is a state the inspector shows rather than a flag:
 *
 * - `speech`: `quiet -> speaking | speakingFirmly -> quiet`. Lines queue (bounded) until the agent
 *   is free (listening, or waiting for tools), then one response each is asked of the model. The
 *   user speaking over an interruptible line cancels it (the agent's barge-in does the cutting) and
 *   drops the interruptible lines still queued; `speakingFirmly` (a line said with
 *   `interruptible: false`) is not cut.
 * - `idle`: `off -> waiting -> prompting -> prompted -> ending`, and `away` while the user's
 *   client is gone (the gateway holds the session), so nobody is prompted who cannot hear it. While the agent listens, a silence
 *   of `afterMs` queues the prompt; a second silence of `endAfterMs` after it ends the session. Any
 *   user activity, or the agent getting busy, starts the count again.
 */
export const agentCuesMachine = setup({
  types: {
    context: {} as AgentCuesContext,
    events: {} as AgentCuesEvent,
    // Undefined when invoked: the agent binds its settings to the logic (`createCueLogic`).
    input: {} as AgentCuesInput,
  },
  actions: {
    /** Ask the model for a response that speaks `context.current`. */
    startLine: effect,
    /** A line was refused (queue full); say so. */
    reportRefusedLine: effect,
    /** The session ends after the second silence. */
    endSession: effect,
    enqueue: assign(({ context, event }) => {
      if (event.type !== 'cue.say') return {};
      if (context.queue.length >= context.maxQueued) return {};
      return { queue: [...context.queue, event.line] };
    }),
    takeNext: assign(({ context }) => ({
      current: context.queue[0] ?? null,
      queue: context.queue.slice(1),
      responseId: null,
    })),
    bindResponse: assign({
      responseId: ({ context, event }) =>
        event.type === 'cue.response_created' && context.responseId === null
          ? event.responseId
          : context.responseId,
    }),
    finishLine: enqueueActions(({ context, enqueue }) => {
      if (context.current?.kind === 'prompt') enqueue.raise({ type: 'cue.prompt_spoken' });
      enqueue.assign({ current: null, responseId: null });
    }),
    dropInterruptible: assign({
      current: null,
      responseId: null,
      queue: ({ context }) => context.queue.filter((line) => !line.interruptible),
    }),
    rememberAgentState: assign({
      agentState: ({ context, event }) =>
        event.type === 'cue.agent_state' ? event.state : context.agentState,
    }),
    queuePrompt: raise(({ context }) => ({
      type: 'cue.say' as const,
      line: { text: context.idlePrompt?.text ?? '', kind: 'prompt' as const, interruptible: true },
    })),
  },
  guards: {
    isFull: ({ context, event }) => event.type === 'cue.say' && context.queue.length >= context.maxQueued,
    canSpeak: ({ context }) => context.queue.length > 0 && FREE_STATES.has(context.agentState),
    canSpeakFirmly: ({ context }) =>
      context.queue[0]?.interruptible === false && FREE_STATES.has(context.agentState),
    isOwnResponse: ({ context, event }) =>
      event.type === 'cue.response_done' &&
      context.responseId !== null &&
      event.responseId === context.responseId,
    idleArmed: ({ context }) => context.idlePrompt !== null && context.agentState === 'listening',
    agentBusy: ({ context }) => context.agentState !== 'listening',
    endsAfterPrompt: ({ context }) => context.idlePrompt?.endAfterMs !== undefined,
  },
  delays: {
    idlePrompt: ({ context }) => context.idlePrompt?.afterMs ?? 0,
    idleEnd: ({ context }) => context.idlePrompt?.endAfterMs ?? 0,
    lineTimeout: ({ context }) => context.lineTimeoutMs,
  },
}).createMachine({
  id: 'agentCues',
  context: ({ input }: { input: AgentCuesInput | undefined }) => ({
    idlePrompt: input?.idlePrompt ?? null,
    maxQueued: input?.maxQueued ?? 8,
    lineTimeoutMs: input?.lineTimeoutMs ?? 60_000,
    agentState: 'connecting',
    queue: [],
    current: null,
    responseId: null,
  }),
  type: 'parallel',
  on: {
    'cue.user_away': { target: '.idle.away' },
    'cue.agent_state': { actions: 'rememberAgentState' },
    'cue.say': [{ guard: 'isFull', actions: 'reportRefusedLine' }, { actions: 'enqueue' }],
  },
  states: {
    speech: {
      initial: 'quiet',
      states: {
        quiet: {
          always: [
            { guard: 'canSpeakFirmly', target: 'speakingFirmly', actions: ['takeNext', 'startLine'] },
            { guard: 'canSpeak', target: 'speaking', actions: ['takeNext', 'startLine'] },
          ],
          on: { 'cue.user_active': { actions: 'dropInterruptible' } },
        },
        speaking: {
          on: {
            'cue.response_created': { actions: 'bindResponse' },
            'cue.response_done': { guard: 'isOwnResponse', target: 'quiet', actions: 'finishLine' },
            // The agent's own barge-in cancels the model's response; this drops the line and stale ones.
            'cue.user_active': { target: 'quiet', actions: 'dropInterruptible' },
          },
          after: { lineTimeout: { target: 'quiet', actions: 'finishLine' } },
        },
        speakingFirmly: {
          on: {
            'cue.response_created': { actions: 'bindResponse' },
            'cue.response_done': { guard: 'isOwnResponse', target: 'quiet', actions: 'finishLine' },
          },
          after: { lineTimeout: { target: 'quiet', actions: 'finishLine' } },
        },
      },
    },
    idle: {
      initial: 'off',
      states: {
        off: {
          always: { guard: 'idleArmed', target: 'waiting' },
        },
        // Nobody to prompt: the user's client dropped and may come back (the gateway's grace).
        away: {
          on: { 'cue.user_back': 'off' },
        },
        waiting: {
          always: { guard: 'agentBusy', target: 'off' },
          after: { idlePrompt: 'prompting' },
          on: { 'cue.user_active': { target: 'waiting', reenter: true } },
        },
        prompting: {
          entry: 'queuePrompt',
          on: { 'cue.prompt_spoken': 'prompted', 'cue.user_active': 'off' },
        },
        prompted: {
          after: { idleEnd: { guard: 'endsAfterPrompt', target: 'ending' } },
          on: { 'cue.user_active': 'off' },
        },
        ending: { entry: 'endSession' },
      },
    },
  },
});

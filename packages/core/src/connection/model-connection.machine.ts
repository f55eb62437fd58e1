import type { ErrorCode } from '@chorus/protocol';
import { providerErrorCode } from '@chorus/protocol';
import { assign, fromPromise, type StateValueFrom, setup } from 'xstate';
import type { SessionConfig } from '../model/realtime-model.js';
import { DEFAULT_RETRY_POLICY, mayRetry, type RetryPolicy, retryDelay } from './retry-policy.js';

/** Why the connection failed or ended, in a form that survives serialization. */
export interface ConnectionProblem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly fatal: boolean;
}

export interface ModelConnectionContext {
  session: SessionConfig | null;
  retry: RetryPolicy;
  /** Failed attempts in a row; 0 while connected. */
  attempt: number;
  /** The delay chosen for the pending retry. */
  retryDelayMs: number;
  problem: ConnectionProblem | null;
  /** How the connection ended, once it has. */
  outcome: 'closed' | 'failed' | null;
}

/** What the machine outputs when it ends (to a parent that invoked it). */
export interface ModelConnectionOutput {
  readonly outcome: 'closed' | 'failed';
  readonly problem: ConnectionProblem | null;
}

export type ModelConnectionEvent =
  | { type: 'connect'; session: SessionConfig }
  | { type: 'session.update'; patch: Partial<SessionConfig> }
  | { type: 'stop' }
  | { type: 'model.session_ended'; retryable: boolean; reason: string }
  | { type: 'model.fatal_error'; code: ErrorCode; message: string };

export interface ModelConnectionInput {
  retry?: RetryPolicy;
}

/** What the `connectModel` actor gets: the session, and the attempt number (0 = first connect). */
export interface ConnectModelInput {
  session: SessionConfig;
  attempt: number;
}

/** Turns whatever `connect` rejected with into a serializable problem. */
export function describeConnectError(error: unknown): ConnectionProblem {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      // A foreign error's own code (a socket's ECONNRESET) is passed on as it came.
      code: typeof code === 'string' ? providerErrorCode(code) : 'connect_failed',
      message: error.message,
      fatal: (error as { fatal?: unknown }).fatal === true,
    };
  }
  return { code: 'connect_failed', message: String(error), fatal: false };
}

/**
 * The model connection: `disconnected -> connecting -> connected -> reconnecting -> closed | failed`.
 * It decides when to (re)connect; turn-taking is the agent's machine's business, so no model event
 * of a turn enters this one (each would cost a transition per response for nothing that reads it).
 * The side effects (the provider
 * call, flushing buffered input, closing) are named actors and actions that `ModelConnection`
 * provides, so this definition stays serializable for the inspector.
 */
export const modelConnectionMachine = setup({
  types: {
    context: {} as ModelConnectionContext,
    events: {} as ModelConnectionEvent,
    input: {} as ModelConnectionInput,
    output: {} as ModelConnectionOutput,
  },
  actors: {
    // Placeholders: `ModelConnection` provides the real provider calls.
    connectModel: fromPromise<void, ConnectModelInput>(async () => {
      throw new Error('connectModel is provided by ModelConnection');
    }),
    closeModel: fromPromise<void, void>(async () => {}),
  },
  actions: {
    /** Sends input buffered while disconnected, in arrival order. */
    flushBufferedInput: () => {},
    /** Releases the provider after a failure (its socket may still be open). */
    releaseModel: () => {},
    storeSession: assign({
      session: ({ event, context }) => (event.type === 'connect' ? event.session : context.session),
    }),
    mergeSession: assign({
      session: ({ event, context }) =>
        event.type === 'session.update' && context.session
          ? { ...context.session, ...event.patch }
          : context.session,
    }),
    resetAttempts: assign({ attempt: 0, problem: null }),
    recordConnectError: assign({
      attempt: ({ context }) => context.attempt + 1,
      problem: ({ event }) => describeConnectError((event as { error?: unknown }).error),
    }),
    recordDrop: assign({
      attempt: ({ context }) => context.attempt + 1,
      problem: ({ event }) =>
        event.type === 'model.session_ended'
          ? { code: 'session_ended', message: event.reason, fatal: false }
          : null,
    }),
    recordEnd: assign({
      problem: ({ event }) =>
        event.type === 'model.session_ended'
          ? { code: 'session_ended', message: event.reason, fatal: false }
          : null,
    }),
    recordFatal: assign({
      problem: ({ event }) =>
        event.type === 'model.fatal_error' ? { code: event.code, message: event.message, fatal: true } : null,
    }),
    markClosed: assign({ outcome: 'closed' as const }),
    markFailed: assign({ outcome: 'failed' as const }),
    planRetry: assign({
      retryDelayMs: ({ context }) => retryDelay(context.retry, context.attempt),
    }),
  },
  guards: {
    mayRetryConnect: ({ context, event }) =>
      mayRetry(context.retry, context.attempt + 1, (event as { error?: unknown }).error),
    mayRetryDrop: ({ context, event }) =>
      event.type === 'model.session_ended' &&
      event.retryable &&
      context.attempt + 1 <= context.retry.maxAttempts,
  },
  delays: {
    retryDelay: ({ context }) => context.retryDelayMs,
  },
}).createMachine({
  id: 'modelConnection',
  context: ({ input }) => ({
    session: null,
    retry: input.retry ?? DEFAULT_RETRY_POLICY,
    attempt: 0,
    retryDelayMs: 0,
    problem: null,
    outcome: null,
  }),
  initial: 'disconnected',
  on: {
    'session.update': { actions: 'mergeSession' },
  },
  states: {
    disconnected: {
      on: {
        connect: { target: 'connecting', actions: 'storeSession' },
        stop: 'closed',
      },
    },
    connecting: {
      invoke: {
        src: 'connectModel',
        input: ({ context }) => ({ session: context.session as SessionConfig, attempt: context.attempt }),
        onDone: { target: 'connected', actions: 'resetAttempts' },
        onError: [
          { guard: 'mayRetryConnect', target: 'reconnecting', actions: 'recordConnectError' },
          { target: 'failed', actions: 'recordConnectError' },
        ],
      },
      on: { stop: 'closing' },
    },
    connected: {
      entry: 'flushBufferedInput',
      on: {
        'model.session_ended': [
          { guard: 'mayRetryDrop', target: 'reconnecting', actions: 'recordDrop' },
          { target: 'closed', actions: 'recordEnd' },
        ],
        'model.fatal_error': { target: 'failed', actions: 'recordFatal' },
        stop: 'closing',
      },
    },
    reconnecting: {
      entry: 'planRetry',
      after: { retryDelay: 'connecting' },
      on: { stop: 'closing' },
    },
    closing: {
      invoke: { src: 'closeModel', onDone: 'closed', onError: 'closed' },
    },
    closed: { type: 'final', entry: 'markClosed' },
    failed: { type: 'final', entry: ['markFailed', 'releaseModel'] },
  },
  output: ({ context }): ModelConnectionOutput => ({
    outcome: context.outcome ?? 'closed',
    problem: context.problem,
  }),
});

/** The connection's state names, as `ModelConnection.state` reports them; derived from the machine. */
export type ModelConnectionState = Extract<StateValueFrom<typeof modelConnectionMachine>, string>;

import type { ErrorCode } from '@chorus/protocol';
import { assign, type StateValueFrom, setup } from 'xstate';

/** The fatal error that put a provider session in `failed`. */
export interface ProviderSessionProblem {
  readonly code: ErrorCode;
  readonly message: string;
}

export interface ProviderSessionContext {
  problem: ProviderSessionProblem | null;
}

/** What the machine outputs once closed: the fatal error it went through first, if any. */
export interface ProviderSessionOutput {
  readonly problem: ProviderSessionProblem | null;
}

export type ProviderSessionEvent =
  /** `connect` starts an attempt (from `open` too: a reconnect replaces the live socket). */
  | { type: 'open' }
  /** The provider accepted the session. */
  | { type: 'opened' }
  /** The attempt failed; the model-connection actor decides whether to try again. */
  | { type: 'open.failed' }
  /** The live connection ended without being asked to (the adapter emits `model_session_ended`). */
  | { type: 'dropped' }
  /** The provider's cap (or its notice of going away) is near: renew at the next quiet moment. */
  | { type: 'renewal.due' }
  /** A quiet moment came (or the wait ran out): the renewal starts. */
  | { type: 'renew' }
  /** The new connection replaced the old one without a gap. */
  | { type: 'renewed' }
  /** The renewal failed; the old connection carries on until the next attempt. */
  | { type: 'renewal.failed' }
  /** A fatal error (bad key, quota): the model takes no other `connect`, only `close`. */
  | { type: 'fail'; code: ErrorCode; message: string }
  /** `close()` began. */
  | { type: 'close' }
  /** `close()` finished: sockets, timers and converters are released. */
  | { type: 'closed' };

/**
 * The life of one adapter instance (`RealtimeModel`), shared by the provider adapters so that each
 * lifecycle decision (may `connect` run, is a socket usable, is a renewal due or running, was the
 * model closed) is a transition here, not a flag in the adapter:
 * `idle -> opening -> open{steady, renewalDue, renewing} -> closing -> closed`, with `failed` after a
 * fatal error. Retrying is not its business (the model-connection machine decides that); sockets,
 * timers and converters stay in the adapter, which sends the events as they happen.
 */
export const providerSessionMachine = setup({
  types: {
    context: {} as ProviderSessionContext,
    events: {} as ProviderSessionEvent,
    output: {} as ProviderSessionOutput,
  },
  actions: {
    recordProblem: assign({
      problem: ({ event }) => (event.type === 'fail' ? { code: event.code, message: event.message } : null),
    }),
  },
}).createMachine({
  id: 'providerSession',
  context: { problem: null },
  initial: 'idle',
  states: {
    idle: {
      on: {
        open: 'opening',
        fail: { target: 'failed', actions: 'recordProblem' },
        close: 'closing',
      },
    },
    opening: {
      on: {
        open: { target: 'opening', reenter: true },
        opened: 'open',
        'open.failed': 'idle',
        fail: { target: 'failed', actions: 'recordProblem' },
        close: 'closing',
      },
    },
    open: {
      initial: 'steady',
      states: {
        steady: { on: { 'renewal.due': 'renewalDue' } },
        // A renewal asked for again (a goAway after the cap timer) only shortens the adapter's wait.
        renewalDue: { on: { 'renewal.due': 'renewalDue', renew: 'renewing' } },
        renewing: { on: { renewed: 'steady', 'renewal.failed': 'steady' } },
      },
      on: {
        open: 'opening',
        dropped: 'idle',
        fail: { target: 'failed', actions: 'recordProblem' },
        close: 'closing',
      },
    },
    failed: {
      on: { close: 'closing' },
    },
    closing: {
      on: { closed: 'closed' },
    },
    closed: { type: 'final' },
  },
  output: ({ context }) => ({ problem: context.problem }),
});

/** The machine's state values (`'idle'`, `{ open: 'renewing' }`, ...), derived from it. */
export type ProviderSessionStateValue = StateValueFrom<typeof providerSessionMachine>;

import { type Actor, createActor } from 'xstate';
import {
  type ProviderSessionEvent,
  type ProviderSessionStateValue,
  providerSessionMachine,
} from './provider-session.machine.js';

/**
 * A running {@link providerSessionMachine} for one adapter instance: the adapter sends what happened
 * and asks the machine what it may do. `send` says whether the machine took the event, so a decision
 * such as "report only the first fatal error" is the machine's transition, not a flag beside it.
 */
export class ProviderSession {
  /** The running machine (for the inspector, or `waitFor`). */
  readonly actor: Actor<typeof providerSessionMachine>;

  constructor() {
    this.actor = createActor(providerSessionMachine);
    this.actor.start();
  }

  /** Sends `event`; true when the machine took it (a transition was enabled), false when refused. */
  send(event: ProviderSessionEvent): boolean {
    if (!this.actor.getSnapshot().can(event)) return false;
    this.actor.send(event);
    return true;
  }

  /** Whether the machine is in `state` (e.g. `'open'`, `{ open: 'renewalDue' }`). */
  matches(state: ProviderSessionStateValue): boolean {
    return this.actor.getSnapshot().matches(state);
  }

  /** `close()` was called: closing or closed. Read on every frame, so it skips `matches`. */
  get closed(): boolean {
    const snapshot = this.actor.getSnapshot();
    return snapshot.status === 'done' || snapshot.value === 'closing';
  }
}

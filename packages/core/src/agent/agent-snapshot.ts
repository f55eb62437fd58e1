import type { SnapshotFrom } from 'xstate';
import type { RealtimeAgentState, realtimeAgentMachine } from './realtime-agent.machine.js';

/** A snapshot of the agent's actor. */
export type RealtimeAgentSnapshot = SnapshotFrom<typeof realtimeAgentMachine>;

/** The lifecycle state a snapshot is in: its top-level state, with `session` replaced by its substate. */
export function agentStateOf(snapshot: RealtimeAgentSnapshot | undefined): RealtimeAgentState {
  if (!snapshot) return 'idle';
  const value = snapshot.value;
  return typeof value === 'string' ? value : (value.session ?? 'connecting');
}

/**
 * Whether the agent is answering the latest input, or has asked the model to: a
 * `client_response_create` now would ask a second time for the same words.
 */
export function isAnswering(snapshot: RealtimeAgentSnapshot | undefined): boolean {
  if (snapshot?.context.responseRequested) return true;
  const state = agentStateOf(snapshot);
  return state === 'responding' || state === 'runningTools';
}

/** Whether a response ended in tool calls, so a follow-up response continues its turn. */
export function hasFollowUp(snapshot: RealtimeAgentSnapshot | undefined, responseId: string): boolean {
  return snapshot?.context.followUps.includes(responseId) ?? false;
}

/** Whether a response was cut off (interrupted, or lost with a connection), so its late events are ignored. */
export function isDropped(snapshot: RealtimeAgentSnapshot | undefined, responseId: string): boolean {
  return snapshot?.context.dropped.includes(responseId) ?? false;
}

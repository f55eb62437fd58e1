import type { ErrorCode } from '@chorus/protocol';
import type { RetryPolicy } from '../connection/retry-policy.js';
import type { ToolCallParentEvent, ToolOutcome } from '../tools/tool-call.machine.js';
import type { AgentCuesInput } from './agent-cues.machine.js';

// The agent machine's context, input, events, output and emitted events, and the bound on the
// response ids it remembers. The machine itself is in realtime-agent.machine.ts.

/** A tool call the agent is running, by call id. */
export interface RunningToolCall {
  readonly name: string;
  readonly responseId: string;
}

/** A `transfer_to_<name>` call seen in the current response. */
export interface PendingHandoff {
  readonly callId: string;
  readonly toolName: string;
  /** The target agent's name. */
  readonly target: string;
}

/** The guardrail trip of a response (at most one per response). */
export interface RecordedTrip {
  readonly responseId: string;
  readonly guardrail: string;
  readonly message: string;
  readonly text: string;
}

export interface RealtimeAgentContext {
  readonly agentName: string;
  /** The persona in charge: the agent itself, or the target of the last handoff. */
  persona: string;
  /** Whether the user starting to speak cuts the agent off (`turnDetection.interruptResponse`). */
  readonly interruptOnSpeech: boolean;
  readonly retry: RetryPolicy;
  /** The cues child's settings, handed to it as input when a session starts. */
  readonly cues: AgentCuesInput;
  readonly interruptSettleMs: number;
  readonly closeTimeoutMs: number;
  /** The response being streamed, or the one being cancelled while `interrupted`. */
  responseId: string | null;
  toolCalls: Record<string, RunningToolCall>;
  /** Finished calls whose results have not been sent to the model yet, in finishing order. */
  toolOutcomes: ToolOutcome[];
  handoff: PendingHandoff | null;
  trip: RecordedTrip | null;
  problem: { code: ErrorCode; message: string } | null;
  /** `agent_ready` went out: it does once per agent, on its first connection, never on a reconnect. */
  ready: boolean;
  /**
   * Typed text asked for a response that the model has not created (or failed) yet: a
   * `client_response_create` meanwhile is the same request, and is not sent again.
   */
  responseRequested: boolean;
  /** Responses cut off (interrupted, or lost with a connection): their late events are ignored. Newest last, bounded. */
  dropped: readonly string[];
  /** Responses that ended in tool calls: a follow-up response continues their turn. Newest last, bounded. */
  followUps: readonly string[];
  /** How the agent ended, once it has. */
  outcome: RealtimeAgentOutput['outcome'] | null;
}

/** What the agent's actor outputs when it reaches `stopped` or `failed`. */
export interface RealtimeAgentOutput {
  readonly outcome: 'stopped' | 'failed';
  readonly problem: { readonly code: ErrorCode; readonly message: string } | null;
}

/**
 * What the machine announces (XState `emit`): lifecycle changes, which `RealtimeAgent` turns into
 * `agent_state_changed`, `agent_ready`, a fatal `server_error` and `agent_ended`.
 */
export type RealtimeAgentEmitted =
  | { type: 'agent.state_changed'; state: string }
  | { type: 'agent.ready' }
  | { type: 'agent.failed'; problem: RealtimeAgentOutput['problem'] }
  | { type: 'agent.ended' };

/** How many response ids `dropped` and `followUps` remember (a response's events end within a few). */
export const REMEMBERED_RESPONSES = 32;

export function remember(ids: readonly string[], id: string): readonly string[] {
  if (ids.includes(id)) return ids;
  const next = [...ids, id];
  return next.length > REMEMBERED_RESPONSES ? next.slice(next.length - REMEMBERED_RESPONSES) : next;
}

export interface RealtimeAgentInput {
  agentName: string;
  interruptOnSpeech?: boolean;
  retry?: RetryPolicy;
  interruptSettleMs?: number;
  closeTimeoutMs?: number;
  /** The settings of the agent's cues child (say, fillers, the idle prompt). */
  cues?: AgentCuesInput;
}

export type RealtimeAgentEvent =
  | { type: 'agent.start' }
  | { type: 'agent.stop' }
  | { type: 'connection.connected' }
  /** `lost`: the responses that were streaming when the connection dropped. */
  | { type: 'connection.reconnecting'; attempt: number; delayMs: number; lost?: readonly string[] }
  | { type: 'model.input_started'; itemId: string }
  | { type: 'model.response_created'; responseId: string }
  | { type: 'model.response_done'; responseId: string; status: string }
  | {
      type: 'model.tool_call';
      responseId: string;
      callId: string;
      name: string;
      arguments: string;
      timeoutMs: number;
      filler?: { readonly afterMs: number; readonly text: string } | null;
    }
  | { type: 'model.handoff_call'; responseId: string; callId: string; toolName: string; target: string }
  /** A call of a tool the client runs itself: the agent only notes that the turn goes on. */
  | { type: 'model.client_tool_call'; responseId: string; callId: string }
  | { type: 'model.tool_calls_cancelled'; callIds: readonly string[] }
  | { type: 'model.error' }
  | { type: 'user.cancel' }
  /** The user typed words that ask for an answer (a barge-in if the agent is speaking). */
  | { type: 'user.text' }
  | { type: 'tool.approval'; callId: string; approved: boolean; reason?: string }
  | ToolCallParentEvent
  | { type: 'guardrail.tripped'; responseId: string; guardrail: string; message: string; text: string };

import type { ErrorCode } from '@chorus/protocol';
import { assign, enqueueActions, not, type StateValueFrom, sendTo, setup } from 'xstate';
import {
  type ModelConnectionOutput,
  modelConnectionMachine,
} from '../connection/model-connection.machine.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../connection/retry-policy.js';
import { type ToolCallParentEvent, type ToolOutcome, toolCallMachine } from '../tools/tool-call.machine.js';
import { type AgentCuesInput, agentCuesMachine } from './agent-cues.machine.js';

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
  | { type: 'connection.reconnecting'; attempt: number; delayMs: number }
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
  | { type: 'model.tool_calls_cancelled'; callIds: readonly string[] }
  | { type: 'user.cancel' }
  | { type: 'tool.approval'; callId: string; approved: boolean; reason?: string }
  | ToolCallParentEvent
  | { type: 'guardrail.tripped'; responseId: string; guardrail: string; message: string; text: string };

/** Effects `RealtimeAgent` provides; here they do nothing, so the definition runs (and charts) alone. */
const effect = () => {};

/**
 * The RealtimeAgent: `idle -> session{connecting -> listening <-> responding -> interrupted ->
 * listening, runningTools, handingOff, stopping} -> stopped | failed`. The model connection is an
 * invoked child for the whole session; each tool call is a spawned child (so calls run in
 * parallel and an interruption stops them). Audio never enters this machine: only control events
 * do. Effects (talking to the model, emitting server events) are named actions that
 * `RealtimeAgent` provides, so this definition stays serializable for the inspector.
 */
export const realtimeAgentMachine = setup({
  types: {
    context: {} as RealtimeAgentContext,
    events: {} as RealtimeAgentEvent,
    input: {} as RealtimeAgentInput,
  },
  actors: {
    modelConnection: modelConnectionMachine,
    toolCall: toolCallMachine,
    cues: agentCuesMachine,
  },
  actions: {
    // Effects, provided by RealtimeAgent.
    /** Cancel the model's response, truncate what was not heard, emit `agent_response_interrupted`. */
    interruptResponse: effect,
    /** Send every finished tool result to the model, then ask for a response. */
    submitToolOutcomes: effect,
    /** Send finished tool results without asking for a response (the floor went to another agent). */
    submitToolOutcomesQuietly: effect,
    /** Swap instructions, tools and voice with one session update; emit `agent_handoff`. */
    swapPersona: effect,
    /** Emit `agent_handoff` for a room peer to take the floor. */
    announcePeerHandoff: effect,
    /** Emit `agent_guardrail_tripped`, send the model feedback and ask for a new response. */
    reportGuardrailTrip: effect,
    emitToolApprovalRequest: effect,
    emitToolResult: effect,
    /** Emit `agent_response_tool_result` (an error) and record the output of each cancelled call. */
    reportCancelledToolCalls: effect,
    toolCallStarted: effect,
    reportUnknownApproval: effect,
    closeConnection: effect,

    rememberResponse: assign({
      responseId: ({ event, context }) =>
        event.type === 'model.response_created' ? event.responseId : context.responseId,
    }),
    forgetResponse: assign({ responseId: null }),
    startToolCall: enqueueActions(({ enqueue, event, context }) => {
      if (event.type !== 'model.tool_call') return;
      enqueue.spawnChild('toolCall', {
        id: event.callId,
        input: {
          callId: event.callId,
          name: event.name,
          arguments: event.arguments,
          timeoutMs: event.timeoutMs,
          filler: event.filler ?? null,
        },
      });
      enqueue.assign({
        toolCalls: {
          ...context.toolCalls,
          [event.callId]: { name: event.name, responseId: event.responseId },
        },
      });
      enqueue('toolCallStarted');
    }),
    recordToolOutcome: assign(({ event, context }) => {
      if (event.type !== 'tool.finished') return {};
      const { [event.outcome.callId]: _finished, ...running } = context.toolCalls;
      return { toolCalls: running, toolOutcomes: [...context.toolOutcomes, event.outcome] };
    }),
    clearToolOutcomes: assign({ toolOutcomes: [] }),
    abortToolCalls: enqueueActions(({ enqueue, context }) => {
      for (const callId of Object.keys(context.toolCalls)) enqueue.stopChild(callId);
      enqueue.assign({ toolCalls: {} });
    }),
    /**
     * The user cancelled while tools ran: abort them, and give each an error outcome, so clients,
     * the history and the model all learn what became of the call instead of losing it silently.
     */
    cancelToolCallsByUser: enqueueActions(({ enqueue, context }) => {
      const cancelled: ToolOutcome[] = [];
      for (const [callId, call] of Object.entries(context.toolCalls)) {
        enqueue.stopChild(callId);
        cancelled.push({
          callId,
          name: call.name,
          output: `${call.name} was cancelled by the user before it finished`,
          isError: true,
          status: 'cancelled',
        });
      }
      enqueue.assign({ toolCalls: {}, toolOutcomes: [...context.toolOutcomes, ...cancelled] });
    }),
    cancelToolCalls: enqueueActions(({ enqueue, event, context }) => {
      if (event.type !== 'model.tool_calls_cancelled') return;
      const running = { ...context.toolCalls };
      for (const callId of event.callIds) {
        if (!(callId in running)) continue;
        enqueue.stopChild(callId);
        delete running[callId];
      }
      enqueue.assign({ toolCalls: running });
    }),
    /** A slow tool's filler goes to the cues, which speak it when the floor is free. */
    forwardFiller: sendTo('cues', ({ event }) => ({
      type: 'cue.say' as const,
      line: {
        text: event.type === 'tool.filler_due' ? event.text : '',
        kind: 'filler' as const,
        interruptible: true,
      },
    })),
    forwardApproval: sendTo(
      ({ event }) => (event.type === 'tool.approval' ? event.callId : ''),
      ({ event }) => event,
    ),
    rememberHandoff: assign({
      handoff: ({ event, context }) =>
        event.type === 'model.handoff_call'
          ? { callId: event.callId, toolName: event.toolName, target: event.target }
          : context.handoff,
    }),
    recordHandoffOutcome: assign(({ context }) => {
      if (!context.handoff) return {};
      const { callId, toolName, target } = context.handoff;
      const outcome: ToolOutcome = {
        callId,
        name: toolName,
        output: JSON.stringify({ assistant: target }),
        isError: false,
        status: 'succeeded',
      };
      return { toolOutcomes: [...context.toolOutcomes, outcome] };
    }),
    adoptPersona: assign({
      persona: ({ context }) => context.handoff?.target ?? context.persona,
    }),
    clearHandoff: assign({ handoff: null }),
    recordTrip: assign({
      trip: ({ event, context }) =>
        event.type === 'guardrail.tripped'
          ? {
              responseId: event.responseId,
              guardrail: event.guardrail,
              message: event.message,
              text: event.text,
            }
          : context.trip,
    }),
    /** After an interruption: if a guardrail caused it, report the trip (after the cancel). */
    reportTripIfCause: enqueueActions(({ enqueue, context }) => {
      if (context.trip !== null && context.trip.responseId === context.responseId) {
        enqueue('reportGuardrailTrip');
      }
    }),
    recordProblem: assign({
      problem: ({ event, context }) => {
        const output = (event as { output?: ModelConnectionOutput }).output;
        return output?.problem
          ? { code: output.problem.code, message: output.problem.message }
          : context.problem;
      },
    }),
  },
  guards: {
    isCurrentResponse: ({ context, event }) =>
      'responseId' in event && event.responseId !== undefined && event.responseId === context.responseId,
    isNewToolCall: ({ context, event }) =>
      event.type === 'model.tool_call' && !(event.callId in context.toolCalls),
    isRunningToolCall: ({ context, event }) => {
      const callId =
        event.type === 'tool.finished'
          ? event.outcome.callId
          : event.type === 'tool.approval' || event.type === 'tool.filler_due'
            ? event.callId
            : undefined;
      return callId !== undefined && callId in context.toolCalls;
    },
    hasHandoff: ({ context }) => context.handoff !== null,
    hasRunningToolCalls: ({ context }) => Object.keys(context.toolCalls).length > 0,
    hasToolOutcomes: ({ context }) => context.toolOutcomes.length > 0,
    interruptsOnSpeech: ({ context }) => context.interruptOnSpeech,
    /** Provided by RealtimeAgent: the handoff target is another member of the room. */
    isPeerHandoff: () => false,
    connectionFailed: ({ event }) =>
      (event as { output?: ModelConnectionOutput }).output?.outcome === 'failed',
    isFirstTripOfResponse: ({ context, event }) =>
      event.type === 'guardrail.tripped' && context.trip?.responseId !== event.responseId,
  },
  delays: {
    interruptSettle: ({ context }) => context.interruptSettleMs,
    closeTimeout: ({ context }) => context.closeTimeoutMs,
  },
}).createMachine({
  id: 'realtimeAgent',
  context: ({ input }) => ({
    agentName: input.agentName,
    persona: input.agentName,
    interruptOnSpeech: input.interruptOnSpeech ?? true,
    retry: input.retry ?? DEFAULT_RETRY_POLICY,
    interruptSettleMs: input.interruptSettleMs ?? 1000,
    closeTimeoutMs: input.closeTimeoutMs ?? 5000,
    cues: input.cues ?? {},
    responseId: null,
    toolCalls: {},
    toolOutcomes: [],
    handoff: null,
    trip: null,
    problem: null,
  }),
  initial: 'idle',
  states: {
    idle: {
      on: { 'agent.start': 'session', 'agent.stop': 'stopped' },
    },
    session: {
      invoke: [
        {
          id: 'connection',
          src: 'modelConnection',
          input: ({ context }) => ({ retry: context.retry }),
          onDone: [
            { guard: 'connectionFailed', target: 'failed', actions: ['abortToolCalls', 'recordProblem'] },
            { target: 'stopped', actions: ['abortToolCalls', 'recordProblem'] },
          ],
        },
        // Lines the agent says on its own: `say`, tool fillers and progress, the idle prompt.
        { id: 'cues', src: 'cues', input: ({ context }) => context.cues },
      ],
      initial: 'connecting',
      on: {
        'agent.stop': '.stopping',
        'connection.reconnecting': {
          target: '.connecting',
          actions: ['abortToolCalls', 'clearToolOutcomes', 'clearHandoff', 'forgetResponse'],
        },
        'tool.approval_requested': { actions: 'emitToolApprovalRequest' },
        'tool.finished': { guard: 'isRunningToolCall', actions: ['recordToolOutcome', 'emitToolResult'] },
        'tool.filler_due': { guard: 'isRunningToolCall', actions: 'forwardFiller' },
        'tool.approval': [
          { guard: 'isRunningToolCall', actions: 'forwardApproval' },
          { actions: 'reportUnknownApproval' },
        ],
        'model.tool_calls_cancelled': { actions: 'cancelToolCalls' },
        'guardrail.tripped': {
          guard: 'isFirstTripOfResponse',
          actions: ['recordTrip', 'reportGuardrailTrip'],
        },
      },
      states: {
        connecting: {
          on: { 'connection.connected': 'listening' },
        },
        listening: {
          on: {
            'model.response_created': { target: 'responding', actions: 'rememberResponse' },
          },
        },
        responding: {
          on: {
            'model.tool_call': { guard: 'isCurrentResponse', actions: 'startToolCall' },
            'model.handoff_call': { guard: 'isCurrentResponse', actions: 'rememberHandoff' },
            'model.response_done': [
              { guard: not('isCurrentResponse') },
              { guard: 'hasHandoff', target: 'handingOff', actions: 'forgetResponse' },
              { guard: 'hasRunningToolCalls', target: 'runningTools', actions: 'forgetResponse' },
              {
                guard: 'hasToolOutcomes',
                target: 'listening',
                actions: ['forgetResponse', 'submitToolOutcomes', 'clearToolOutcomes'],
              },
              { target: 'listening', actions: 'forgetResponse' },
            ],
            'model.input_started': { guard: 'interruptsOnSpeech', target: 'interrupted' },
            'user.cancel': 'interrupted',
            'guardrail.tripped': {
              guard: 'isCurrentResponse',
              target: 'interrupted',
              actions: 'recordTrip',
            },
          },
        },
        interrupted: {
          entry: [
            'interruptResponse',
            'abortToolCalls',
            'clearToolOutcomes',
            'clearHandoff',
            'reportTripIfCause',
          ],
          on: {
            'model.response_done': {
              guard: 'isCurrentResponse',
              target: 'listening',
              actions: 'forgetResponse',
            },
            'model.response_created': { target: 'responding', actions: 'rememberResponse' },
            'model.tool_call': {},
            'model.handoff_call': {},
          },
          // Some providers never confirm a cancel with a response_done.
          after: { interruptSettle: { target: 'listening', actions: 'forgetResponse' } },
        },
        runningTools: {
          always: {
            guard: not('hasRunningToolCalls'),
            target: 'listening',
            actions: ['submitToolOutcomes', 'clearToolOutcomes'],
          },
          on: {
            // The model hears how the calls ended but is not asked to answer: the user said stop.
            'user.cancel': {
              target: 'listening',
              actions: [
                'cancelToolCallsByUser',
                'reportCancelledToolCalls',
                'submitToolOutcomesQuietly',
                'clearToolOutcomes',
              ],
            },
            // Barge-in while tools run cancels them the same way: the user took the floor back.
            'model.input_started': {
              guard: 'interruptsOnSpeech',
              target: 'listening',
              actions: [
                'cancelToolCallsByUser',
                'reportCancelledToolCalls',
                'submitToolOutcomesQuietly',
                'clearToolOutcomes',
              ],
            },
            'model.response_created': { target: 'responding', actions: 'rememberResponse' },
          },
        },
        handingOff: {
          always: [
            {
              guard: 'isPeerHandoff',
              target: 'listening',
              actions: [
                'abortToolCalls',
                'announcePeerHandoff',
                'recordHandoffOutcome',
                'submitToolOutcomesQuietly',
                'clearToolOutcomes',
                'clearHandoff',
              ],
            },
            {
              guard: 'hasRunningToolCalls',
              target: 'runningTools',
              actions: ['swapPersona', 'adoptPersona', 'recordHandoffOutcome', 'clearHandoff'],
            },
            {
              target: 'listening',
              actions: [
                'swapPersona',
                'adoptPersona',
                'recordHandoffOutcome',
                'submitToolOutcomes',
                'clearToolOutcomes',
                'clearHandoff',
              ],
            },
          ],
        },
        stopping: {
          entry: ['abortToolCalls', 'closeConnection'],
          on: {
            'agent.stop': {},
            'connection.reconnecting': {},
            'guardrail.tripped': {},
            'tool.finished': {},
          },
          after: { closeTimeout: '#realtimeAgent.stopped' },
        },
      },
    },
    // Resting, not final: `RealtimeAgent` stops the actor itself once it has released everything,
    // so the actor's status ends as 'stopped' whether the agent or its model ended the session.
    stopped: {},
    failed: {},
  },
});

type AgentStateValue = StateValueFrom<typeof realtimeAgentMachine>;

/**
 * The agent's lifecycle state names, as `RealtimeAgent.state` reports them: the top-level states,
 * with `session` replaced by its substates. Derived from the machine, so they cannot drift.
 */
export type RealtimeAgentState =
  | Exclude<AgentStateValue, object | 'session'>
  | NonNullable<Extract<AgentStateValue, object>['session']>;

import { assign, emit, enqueueActions, not, type StateValueFrom, sendTo, setup } from 'xstate';
import {
  type ConnectionProblem,
  type ModelConnectionOutput,
  modelConnectionMachine,
} from '../connection/model-connection.machine.js';
import { DEFAULT_RETRY_POLICY } from '../connection/retry-policy.js';
import { type ToolOutcome, toolCallMachine } from '../tools/tool-call.machine.js';
import { agentCuesMachine } from './agent-cues.machine.js';
import {
  type RealtimeAgentContext,
  type RealtimeAgentEmitted,
  type RealtimeAgentEvent,
  type RealtimeAgentInput,
  type RealtimeAgentOutput,
  remember,
} from './realtime-agent.context.js';

/** What a dropped connection resets, in every state but `stopping`. */
const reconnectActions = [
  'dropLostResponses',
  'abortToolCalls',
  'clearToolOutcomes',
  'clearHandoff',
  'forgetResponse',
] as const;

/** Effects `RealtimeAgent` provides; here they do nothing, so the definition runs (and charts) alone. */
const effect = () => {};

/** The tool-call child, as `enqueueActions` below may spawn it. */
type ToolCallActor = { src: 'toolCall'; logic: typeof toolCallMachine; id: string | undefined };

/**
 * `enqueueActions` for the tool-call bookkeeping, which spawns, stops and assigns but enqueues no
 * named action. Its type parameters are given, not inferred: inside `setup({ actions })` XState
 * infers an `enqueueActions` against the map being declared, sees every parameterized action's
 * params as `unknown`, and the map no longer fits its own type (TS2719 on xstate 5.33).
 */
function toolCallActions(
  collect: Parameters<
    typeof enqueueActions<
      RealtimeAgentContext,
      RealtimeAgentEvent,
      undefined,
      RealtimeAgentEvent,
      ToolCallActor,
      never,
      never,
      never,
      never
    >
  >[0],
) {
  return enqueueActions(collect);
}

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
    output: {} as RealtimeAgentOutput,
    emitted: {} as RealtimeAgentEmitted,
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
    /**
     * The connection dropped mid-answer: end the response visibly (`agent_response_done{status:
     * 'failed'}`) and ask for a new one, which the connection holds until it is back.
     */
    answerAfterReconnect: effect,
    emitToolApprovalRequest: effect,
    emitToolResult: effect,
    /** Emit `agent_response_tool_result` (an error) and record the output of each cancelled call. */
    reportCancelledToolCalls: effect,
    toolCallStarted: effect,
    reportUnknownApproval: effect,
    closeConnection: effect,

    // Lifecycle announcements, in the order clients see them.
    announceState: emit((_, params: { state: string }) => ({
      type: 'agent.state_changed' as const,
      state: params.state,
    })),
    announceReady: emit({ type: 'agent.ready' }),
    markReady: assign({ ready: true }),
    announceFailure: emit(({ context }) => ({ type: 'agent.failed' as const, problem: context.problem })),
    announceEnded: emit({ type: 'agent.ended' }),
    endAs: assign((_, params: { outcome: RealtimeAgentOutput['outcome'] }) => ({ outcome: params.outcome })),

    /** A response was created: it is the one streaming now, and any pending request is answered. */
    rememberResponse: assign({
      responseId: ({ event, context }) =>
        event.type === 'model.response_created' ? event.responseId : context.responseId,
      responseRequested: false,
    }),
    /** The current response ended: nothing streams, and its turn has no pending follow-up to track. */
    endResponse: assign({
      responseId: null,
      responseRequested: false,
      followUps: ({ event, context }) =>
        event.type === 'model.response_done'
          ? context.followUps.filter((id) => id !== event.responseId)
          : context.followUps,
    }),
    /** The model created, finished or failed a response the agent does not follow: the request is settled. */
    settleRequest: assign({
      responseRequested: false,
      followUps: ({ event, context }) =>
        event.type === 'model.response_done'
          ? context.followUps.filter((id) => id !== event.responseId)
          : context.followUps,
    }),
    forgetResponse: assign({ responseId: null }),
    requestResponse: assign({ responseRequested: true }),
    /** Late events of the cut response are ignored from now on. */
    dropResponse: assign({
      dropped: ({ context }) =>
        context.responseId === null ? context.dropped : remember(context.dropped, context.responseId),
    }),
    dropLostResponses: assign({
      dropped: ({ event, context }) =>
        event.type === 'connection.reconnecting'
          ? (event.lost ?? []).reduce(remember, context.dropped)
          : context.dropped,
    }),
    expectFollowUp: assign({
      followUps: ({ event, context }) =>
        event.type === 'model.tool_call' ||
        event.type === 'model.handoff_call' ||
        event.type === 'model.client_tool_call'
          ? remember(context.followUps, event.responseId)
          : context.followUps,
    }),
    startToolCall: toolCallActions(({ enqueue, event, context }) => {
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
    }),
    recordToolOutcome: assign(({ event, context }) => {
      if (event.type !== 'tool.finished') return {};
      const { [event.outcome.callId]: _finished, ...running } = context.toolCalls;
      return { toolCalls: running, toolOutcomes: [...context.toolOutcomes, event.outcome] };
    }),
    clearToolOutcomes: assign({ toolOutcomes: [] }),
    abortToolCalls: toolCallActions(({ enqueue, context }) => {
      for (const callId of Object.keys(context.toolCalls)) enqueue.stopChild(callId);
      enqueue.assign({ toolCalls: {} });
    }),
    /**
     * The user cancelled while tools ran: abort them, and give each an error outcome, so clients,
     * the history and the model all learn what became of the call instead of losing it silently.
     */
    cancelToolCallsByUser: toolCallActions(({ enqueue, context }) => {
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
    cancelToolCalls: toolCallActions(({ enqueue, event, context }) => {
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
    reportTripIfCause: enqueueActions<
      RealtimeAgentContext,
      RealtimeAgentEvent,
      undefined,
      RealtimeAgentEvent,
      never,
      { type: 'reportGuardrailTrip'; params: unknown },
      never,
      never,
      never
    >(({ enqueue, context }) => {
      if (context.trip !== null && context.trip.responseId === context.responseId) {
        enqueue('reportGuardrailTrip');
      }
    }),
    /** The connection's done event hands its problem in as params, typed by the invoked machine's output. */
    recordProblem: assign(({ context }, params: { problem: ConnectionProblem | null }) => ({
      problem: params.problem
        ? { code: params.problem.code, message: params.problem.message }
        : context.problem,
    })),
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
    connectionFailed: (_, params: { outcome: ModelConnectionOutput['outcome'] }) =>
      params.outcome === 'failed',
    isFirstConnection: ({ context }) => !context.ready,
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
    ready: false,
    responseRequested: false,
    dropped: [],
    followUps: [],
    outcome: null,
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
            {
              guard: {
                type: 'connectionFailed',
                params: ({ event }) => ({ outcome: event.output.outcome }),
              },
              target: 'failed',
              actions: [
                'abortToolCalls',
                { type: 'recordProblem', params: ({ event }) => ({ problem: event.output.problem }) },
              ],
            },
            {
              target: 'stopped',
              actions: [
                'abortToolCalls',
                { type: 'recordProblem', params: ({ event }) => ({ problem: event.output.problem }) },
              ],
            },
          ],
        },
        // Lines the agent says on its own: `say`, tool fillers and progress, the idle prompt.
        { id: 'cues', src: 'cues', input: ({ context }) => context.cues },
      ],
      initial: 'connecting',
      on: {
        'agent.stop': '.stopping',
        'connection.reconnecting': { target: '.connecting', actions: reconnectActions },
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
        // Wherever the agent is, a response the model creates, ends or fails answers a pending
        // request, and a tool call (of any response) means its turn goes on after it.
        'model.response_created': { actions: 'settleRequest' },
        'model.response_done': { actions: 'settleRequest' },
        'model.error': { actions: 'settleRequest' },
        'model.tool_call': { actions: 'expectFollowUp' },
        'model.handoff_call': { actions: 'expectFollowUp' },
        'model.client_tool_call': { actions: 'expectFollowUp' },
        'user.text': { actions: 'requestResponse' },
      },
      states: {
        connecting: {
          entry: { type: 'announceState', params: { state: 'connecting' } },
          on: {
            // `agent_ready` goes out on the first connection only; a reconnect is not a new start.
            'connection.connected': [
              { guard: 'isFirstConnection', target: 'listening', actions: ['markReady', 'announceReady'] },
              { target: 'listening' },
            ],
            // Still connecting: the retry changes nothing the agent announces.
            'connection.reconnecting': { actions: reconnectActions },
          },
        },
        listening: {
          entry: { type: 'announceState', params: { state: 'listening' } },
          on: {
            'model.response_created': { target: 'responding', actions: 'rememberResponse' },
          },
        },
        responding: {
          entry: { type: 'announceState', params: { state: 'responding' } },
          on: {
            'model.tool_call': {
              guard: 'isCurrentResponse',
              actions: ['expectFollowUp', 'startToolCall', 'toolCallStarted'],
            },
            'model.handoff_call': {
              guard: 'isCurrentResponse',
              actions: ['expectFollowUp', 'rememberHandoff'],
            },
            'model.response_done': [
              { guard: not('isCurrentResponse'), actions: 'settleRequest' },
              { guard: 'hasHandoff', target: 'handingOff', actions: 'endResponse' },
              { guard: 'hasRunningToolCalls', target: 'runningTools', actions: 'endResponse' },
              {
                guard: 'hasToolOutcomes',
                target: 'listening',
                actions: ['endResponse', 'submitToolOutcomes', 'clearToolOutcomes'],
              },
              { target: 'listening', actions: 'endResponse' },
            ],
            'model.input_started': { guard: 'interruptsOnSpeech', target: 'interrupted' },
            'connection.reconnecting': {
              target: 'connecting',
              actions: ['answerAfterReconnect', ...reconnectActions],
            },
            'user.cancel': 'interrupted',
            // Typing while the agent speaks is a barge-in too, and asks for an answer.
            'user.text': { target: 'interrupted', actions: 'requestResponse' },
            'guardrail.tripped': {
              guard: 'isCurrentResponse',
              target: 'interrupted',
              actions: 'recordTrip',
            },
          },
        },
        interrupted: {
          entry: [
            'dropResponse',
            'interruptResponse',
            'abortToolCalls',
            'clearToolOutcomes',
            'clearHandoff',
            'reportTripIfCause',
            { type: 'announceState', params: { state: 'interrupted' } },
          ],
          on: {
            'model.response_done': {
              guard: 'isCurrentResponse',
              target: 'listening',
              actions: 'endResponse',
            },
            'model.response_created': { target: 'responding', actions: 'rememberResponse' },
          },
          // Some providers never confirm a cancel with a response_done.
          after: { interruptSettle: { target: 'listening', actions: 'forgetResponse' } },
        },
        runningTools: {
          entry: { type: 'announceState', params: { state: 'runningTools' } },
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
            'connection.reconnecting': {
              target: 'connecting',
              actions: ['answerAfterReconnect', ...reconnectActions],
            },
          },
        },
        // Passed through within one step (never announced): where the handoff goes decides the rest.
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
          entry: [
            'abortToolCalls',
            'closeConnection',
            { type: 'announceState', params: { state: 'stopping' } },
          ],
          on: {
            'agent.stop': {},
            'connection.reconnecting': { actions: 'dropLostResponses' },
            'guardrail.tripped': {},
            'tool.finished': {},
          },
          after: { closeTimeout: '#realtimeAgent.stopped' },
        },
      },
    },
    // Final: the actor is done, with its outcome as output (`toPromise(actor)` resolves with it),
    // and XState stops its children (the connection, the cues, running tools).
    stopped: {
      type: 'final',
      entry: [
        { type: 'endAs', params: { outcome: 'stopped' } },
        { type: 'announceState', params: { state: 'stopped' } },
        'announceEnded',
      ],
    },
    failed: {
      type: 'final',
      entry: [
        { type: 'endAs', params: { outcome: 'failed' } },
        { type: 'announceState', params: { state: 'failed' } },
        'announceFailure',
        'announceEnded',
      ],
    },
  },
  output: ({ context }) => ({ outcome: context.outcome ?? 'stopped', problem: context.problem }),
});

type AgentStateValue = StateValueFrom<typeof realtimeAgentMachine>;

/**
 * The agent's lifecycle state names, as `RealtimeAgent.state` reports them: the top-level states,
 * with `session` replaced by its substates. Derived from the machine, so they cannot drift.
 */
export type RealtimeAgentState =
  | Exclude<AgentStateValue, object | 'session'>
  | NonNullable<Extract<AgentStateValue, object>['session']>;

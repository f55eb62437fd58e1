import { assign, fromPromise, sendParent, setup } from 'xstate';
import type { ParsedArguments } from './tool.js';

/** How one tool call ended, as sent to the model and emitted as `agent_response_tool_result`. */
export interface ToolOutcome {
  readonly callId: string;
  readonly name: string;
  readonly output: string;
  readonly isError: boolean;
  /** `cancelled`: the user cancelled while the call ran (the agent records it; the call never does). */
  readonly status: 'succeeded' | 'failed' | 'timed_out' | 'rejected' | 'invalid' | 'cancelled';
}

export interface ToolCallInput {
  callId: string;
  name: string;
  /** The raw JSON arguments the model sent. */
  arguments: string;
  timeoutMs: number;
  /** A line to speak once if the call runs longer than `afterMs` (the tool's `filler`). */
  filler?: { readonly afterMs: number; readonly text: string } | null;
}

export interface ToolCallContext extends ToolCallInput {
  args: unknown;
  outcome: ToolOutcome | null;
}

export type ToolCallEvent = { type: 'tool.approval'; callId: string; approved: boolean; reason?: string };

/** What `prepareToolCall` resolves to: validated arguments and whether to ask first. */
export type PreparedToolCall =
  | (ParsedArguments & { ok: false })
  | { ok: true; args: unknown; needsApproval: boolean };

/** Events a tool call sends its parent agent. */
export type ToolCallParentEvent =
  | { type: 'tool.approval_requested'; callId: string; name: string; arguments: string }
  | { type: 'tool.finished'; outcome: ToolOutcome }
  | { type: 'tool.filler_due'; callId: string; text: string };

function outcome(context: ToolCallContext, status: ToolOutcome['status'], output: string): ToolOutcome {
  return { callId: context.callId, name: context.name, output, isError: status !== 'succeeded', status };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One tool call: `preparing -> (awaitingApproval) -> running{working -> fillerDue} -> succeeded | failed | timedOut |
 * rejected | invalid`. Spawned by the agent per call, so calls run in parallel; stopping it (an
 * interruption) aborts the running tool through its `AbortSignal`.
 */
export const toolCallMachine = setup({
  types: {
    context: {} as ToolCallContext,
    events: {} as ToolCallEvent,
    input: {} as ToolCallInput,
  },
  actors: {
    // Placeholders: the agent provides lookups into its persona's tools.
    prepareToolCall: fromPromise<PreparedToolCall, { callId: string; name: string; arguments: string }>(
      async ({ input }) => ({ ok: false, message: `unknown tool ${input.name}` }),
    ),
    executeTool: fromPromise<string, { callId: string; name: string; args: unknown }>(async ({ input }) => {
      throw new Error(`unknown tool ${input.name}`);
    }),
  },
  actions: {
    requestApproval: sendParent(
      ({ context }): ToolCallParentEvent => ({
        type: 'tool.approval_requested',
        callId: context.callId,
        name: context.name,
        arguments: context.arguments,
      }),
    ),
    requestFiller: sendParent(
      ({ context }): ToolCallParentEvent => ({
        type: 'tool.filler_due',
        callId: context.callId,
        text: context.filler?.text ?? '',
      }),
    ),
    reportOutcome: sendParent(
      ({ context }): ToolCallParentEvent => ({
        type: 'tool.finished',
        outcome: context.outcome ?? outcome(context, 'failed', 'the tool call ended without a result'),
      }),
    ),
  },
  guards: {
    isInvalid: ({ event }) => (event as { output?: PreparedToolCall }).output?.ok === false,
    needsApproval: ({ event }) => {
      const output = (event as { output?: PreparedToolCall }).output;
      return output?.ok === true && output.needsApproval;
    },
    isApproved: ({ event }) => event.type === 'tool.approval' && event.approved,
    hasFiller: ({ context }) => context.filler != null && context.filler.text !== '',
  },
  delays: {
    toolTimeout: ({ context }) => context.timeoutMs,
    fillerDelay: ({ context }) => context.filler?.afterMs ?? 0,
  },
}).createMachine({
  id: 'toolCall',
  context: ({ input }) => ({ ...input, args: undefined, outcome: null }),
  initial: 'preparing',
  states: {
    preparing: {
      invoke: {
        src: 'prepareToolCall',
        input: ({ context }) => ({
          callId: context.callId,
          name: context.name,
          arguments: context.arguments,
        }),
        onDone: [
          {
            guard: 'isInvalid',
            target: 'invalid',
            actions: assign({
              outcome: ({ context, event }) =>
                outcome(context, 'invalid', event.output.ok ? '' : event.output.message),
            }),
          },
          {
            guard: 'needsApproval',
            target: 'awaitingApproval',
            actions: assign({ args: ({ event }) => (event.output.ok ? event.output.args : undefined) }),
          },
          {
            target: 'running',
            actions: assign({ args: ({ event }) => (event.output.ok ? event.output.args : undefined) }),
          },
        ],
        onError: {
          target: 'failed',
          actions: assign({
            outcome: ({ context, event }) =>
              outcome(context, 'failed', `${context.name} failed: ${errorMessage(event.error)}`),
          }),
        },
      },
    },
    awaitingApproval: {
      entry: 'requestApproval',
      on: {
        'tool.approval': [
          { guard: 'isApproved', target: 'running' },
          {
            target: 'rejected',
            actions: assign({
              outcome: ({ context, event }) =>
                outcome(
                  context,
                  'rejected',
                  `the user declined to run ${context.name}${event.reason ? `: ${event.reason}` : ''}`,
                ),
            }),
          },
        ],
      },
    },
    running: {
      // A slow call's filler ("Let me check that") is due once, at its threshold.
      initial: 'working',
      states: {
        working: { after: { fillerDelay: { guard: 'hasFiller', target: 'fillerDue' } } },
        fillerDue: { entry: 'requestFiller' },
      },
      invoke: {
        src: 'executeTool',
        input: ({ context }) => ({ callId: context.callId, name: context.name, args: context.args }),
        onDone: {
          target: 'succeeded',
          actions: assign({ outcome: ({ context, event }) => outcome(context, 'succeeded', event.output) }),
        },
        onError: {
          target: 'failed',
          actions: assign({
            outcome: ({ context, event }) =>
              outcome(context, 'failed', `${context.name} failed: ${errorMessage(event.error)}`),
          }),
        },
      },
      after: {
        toolTimeout: {
          target: 'timedOut',
          actions: assign({
            outcome: ({ context }) =>
              outcome(context, 'timed_out', `${context.name} timed out after ${context.timeoutMs} ms`),
          }),
        },
      },
    },
    succeeded: { type: 'final', entry: 'reportOutcome' },
    failed: { type: 'final', entry: 'reportOutcome' },
    timedOut: { type: 'final', entry: 'reportOutcome' },
    rejected: { type: 'final', entry: 'reportOutcome' },
    invalid: { type: 'final', entry: 'reportOutcome' },
  },
  output: ({ context }) => context.outcome,
});

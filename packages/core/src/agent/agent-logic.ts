import { fromPromise } from 'xstate';
import type { ModelConnection } from '../connection/model-connection.js';
import { guardrailFeedback } from '../guardrails/output-guardrail.js';
import type { DigitCollector } from '../tools/collect-digits.js';
import { type PreparedToolCall, type ToolOutcome, toolCallMachine } from '../tools/tool-call.machine.js';
import type { AgentEmitter } from './agent-emitter.js';
import type { CueEffects } from './cue-logic.js';
import { createCueLogic } from './cue-logic.js';
import type { FoundTool } from './persona-roster.js';
import type { RealtimeAgentContext } from './realtime-agent.context.js';
import { realtimeAgentMachine } from './realtime-agent.machine.js';
import type { TurnMetricsRecorder } from './turn-metrics.js';

/** The effects of the agent's machine that need more than an event and the emitter. */
export interface AgentEffects {
  readonly connection: ModelConnection;
  readonly emitter: AgentEmitter;
  readonly metrics: TurnMetricsRecorder;
  readonly findTool: (name: string) => FoundTool | undefined;
  /** Whether a handoff target is another member of the agent's room. */
  readonly isPeer: (name: string) => boolean;
  readonly interruptResponse: (context: RealtimeAgentContext) => void;
  readonly submitToolOutcomes: (context: RealtimeAgentContext, respond: boolean) => void;
  readonly swapPersona: (context: RealtimeAgentContext) => void;
  readonly reportToolOutcome: (outcome: ToolOutcome) => void;
  /** What the cues (say, fillers, progress, idle prompt) do. */
  readonly cues: CueEffects;
  /** A running tool's progress line. */
  readonly toolProgress: (callId: string, text: string) => void;
  /** Whether a line said with `interruptible: false` holds the floor now. */
  readonly holdsFloorFirmly: () => boolean;
  readonly digits: DigitCollector;
}

/**
 * The agent's machine with its actions, guards and child actors filled in: this is where the
 * machine's decisions meet the agent's effects. Tool calls run here too (parse, approval check,
 * invoke), with the tool of the persona that offered it.
 */
export function createAgentLogic(effects: AgentEffects) {
  const { connection, emitter, metrics } = effects;
  const toolCall = toolCallMachine.provide({
    actors: {
      prepareToolCall: fromPromise<PreparedToolCall, { callId: string; name: string; arguments: string }>(
        async ({ input }) => {
          const found = effects.findTool(input.name);
          if (!found) return { ok: false, message: `unknown tool ${input.name}` };
          const parsed = found.tool.parseArguments(input.arguments);
          if (!parsed.ok) return parsed;
          const needsApproval = await found.tool.requiresApproval(parsed.args, {
            callId: input.callId,
            agent: { id: emitter.agentId, name: found.persona.name },
          });
          return { ok: true, args: parsed.args, needsApproval };
        },
      ),
      executeTool: fromPromise<string, { callId: string; name: string; args: unknown }>(
        async ({ input, signal }) => {
          const found = effects.findTool(input.name);
          if (!found) throw new Error(`unknown tool ${input.name}`);
          return found.tool.invoke(input.args, {
            signal,
            callId: input.callId,
            agent: { id: emitter.agentId, name: found.persona.name },
            progress: (text) => {
              if (!signal.aborted) effects.toolProgress(input.callId, text);
            },
            collectDigits: (options = {}) => effects.digits.collect(input.callId, options, signal),
          });
        },
      ),
    },
  });
  return realtimeAgentMachine.provide({
    actors: {
      modelConnection: connection.logic,
      toolCall,
      cues: createCueLogic(effects.cues),
    },
    actions: {
      interruptResponse: ({ context }) => effects.interruptResponse(context),
      submitToolOutcomes: ({ context }) => effects.submitToolOutcomes(context, true),
      submitToolOutcomesQuietly: ({ context }) => effects.submitToolOutcomes(context, false),
      swapPersona: ({ context }) => effects.swapPersona(context),
      announcePeerHandoff: ({ context }) => {
        if (context.handoff) {
          emitter.emit(
            emitter.attributed({ type: 'agent_handoff', from: context.persona, to: context.handoff.target }),
          );
        }
      },
      reportGuardrailTrip: ({ context: { trip } }) => {
        if (!trip) return;
        emitter.emit(
          emitter.attributed({
            type: 'agent_guardrail_tripped',
            response_id: trip.responseId,
            guardrail: trip.guardrail,
            message: trip.message,
            text: trip.text,
          }),
        );
        connection.send({ type: 'text', role: 'system', text: guardrailFeedback(trip) });
        connection.createResponse();
      },
      answerAfterReconnect: ({ context: { responseId } }) => {
        if (responseId !== null) {
          emitter.emit(
            emitter.attributed({
              type: 'agent_response_done',
              response_id: responseId,
              input_tokens: 0,
              output_tokens: 0,
              metadata: { reason: 'model_connection_lost' },
              status: 'failed',
            }),
          );
        }
        connection.createResponse();
      },
      emitToolApprovalRequest: ({ event }) => {
        if (event.type !== 'tool.approval_requested') return;
        emitter.emit(
          emitter.attributed({
            type: 'agent_tool_approval_requested',
            call_id: event.callId,
            name: event.name,
            arguments: event.arguments,
          }),
        );
      },
      emitToolResult: ({ event }) => {
        if (event.type === 'tool.finished') effects.reportToolOutcome(event.outcome);
      },
      reportCancelledToolCalls: ({ context }) => {
        for (const outcome of context.toolOutcomes) {
          if (outcome.status === 'cancelled') effects.reportToolOutcome(outcome);
        }
      },
      toolCallStarted: ({ event }) => {
        if (event.type === 'model.tool_call') metrics.toolStarted(event.callId);
      },
      reportUnknownApproval: ({ event }) => {
        if (event.type !== 'tool.approval') return;
        emitter.emitError(
          'invalid_request_error',
          'unknown_tool_call',
          `client_tool_approval: no tool call ${event.callId} is waiting for approval`,
        );
      },
      closeConnection: () => connection.close(),
    },
    guards: {
      isPeerHandoff: ({ context }) => context.handoff !== null && effects.isPeer(context.handoff.target),
      interruptsOnSpeech: ({ context }) => context.interruptOnSpeech && !effects.holdsFloorFirmly(),
    },
  });
}

import type { ModelConnection } from '../connection/model-connection.js';
import type { ConversationItem } from '../model/realtime-model.js';
import type { ToolOutcome } from '../tools/tool-call.machine.js';
import type { AgentEmitter } from './agent-emitter.js';
import type { ConversationHistory } from './conversation-history.js';
import type { TurnMetricsRecorder } from './turn-metrics.js';

// Where a tool call's result goes: to clients and the history as soon as the call ends, and to the
// model once every call of the response has ended (one follow-up response for them all).

function outputItem(outcome: ToolOutcome): ConversationItem {
  return {
    type: 'function_call_output',
    id: `${outcome.callId}_output`,
    callId: outcome.callId,
    output: outcome.output,
  };
}

/** A call ended: its output joins the history and clients get `agent_response_tool_result`. */
export function reportToolOutcome(
  outcome: ToolOutcome,
  emitter: AgentEmitter,
  metrics: TurnMetricsRecorder,
  addHistory: (item: ConversationItem) => void,
): void {
  metrics.toolFinished(outcome.callId);
  addHistory(outputItem(outcome));
  emitter.emit(
    emitter.attributed({
      type: 'agent_response_tool_result',
      tool_result: {
        type: 'tool_result',
        id: outcome.callId,
        name: outcome.name,
        output: outcome.output,
        is_error: outcome.isError,
      },
    }),
  );
}

/** Hands the results to the model, and asks for the follow-up response when `respond`. */
export function submitToolOutcomes(
  outcomes: readonly ToolOutcome[],
  respond: boolean,
  connection: ModelConnection,
  conversation: ConversationHistory,
  addHistory: (item: ConversationItem) => void,
): void {
  if (outcomes.length === 0) return;
  for (const outcome of outcomes) {
    connection.send({
      type: 'tool_result',
      callId: outcome.callId,
      name: outcome.name,
      output: outcome.output,
      isError: outcome.isError,
    });
    // Already recorded when the call ended; a handoff's answer is recorded only here.
    if (!conversation.get(`${outcome.callId}_output`)) addHistory(outputItem(outcome));
  }
  if (respond) connection.createResponse();
}

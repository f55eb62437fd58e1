export { MAX_LINE_CHARS, MAX_PROGRESS_LINES_PER_CALL, type SayOptions } from './agent/agent-cues.js';
export {
  type AgentCuesContext,
  type AgentCuesEvent,
  type AgentCuesInput,
  agentCuesMachine,
  type CueKind,
  type CueLine,
  type IdlePromptSettings,
} from './agent/agent-cues.machine.js';
export {
  type AgentShape,
  type NotAppliedField,
  refuseShaping,
  type ShapingReport,
  shapeKeys,
} from './agent/client-shaping.js';
export { ConversationHistory } from './agent/conversation-history.js';
export { lineResponse, verbatimInstructions } from './agent/cue-logic.js';
export {
  type AddedRun,
  checkHistory,
  diffHistory,
  type HistoryDiff,
  type HistoryUpdate,
  MAX_HISTORY_ITEM_CHARS,
} from './agent/history-edit.js';
export {
  type HandoffTarget,
  RealtimeAgent,
  type RealtimeAgentOptions,
} from './agent/realtime-agent.js';
export {
  type PendingHandoff,
  type RealtimeAgentContext,
  type RealtimeAgentEvent,
  type RealtimeAgentInput,
  type RealtimeAgentState,
  type RecordedTrip,
  type RunningToolCall,
  realtimeAgentMachine,
} from './agent/realtime-agent.machine.js';
export { heardPositionMs, truncateToHeard } from './agent/truncation.js';
export type { TurnMetrics } from './agent/turn-metrics.js';
export { type ChorusClock, clockNow, systemClock } from './clock.js';
export {
  type ConnectionStatus,
  ModelConnection,
  ModelConnectionFailedError,
  type ModelConnectionOptions,
} from './connection/model-connection.js';
export {
  type ConnectionProblem,
  type ModelConnectionContext,
  type ModelConnectionEvent,
  type ModelConnectionInput,
  type ModelConnectionState,
  modelConnectionMachine,
} from './connection/model-connection.machine.js';
export {
  DEFAULT_RETRY_POLICY,
  isFatalError,
  mayRetry,
  type RetryPolicy,
  retryDelay,
  retryPolicy,
} from './connection/retry-policy.js';
export { GuardrailMonitor } from './guardrails/guardrail-monitor.js';
export {
  type GuardrailRun,
  type GuardrailTrip,
  guardrailFeedback,
  type OutputGuardrail,
  type OutputGuardrailResult,
  type OutputGuardrailSettings,
  runOutputGuardrails,
} from './guardrails/output-guardrail.js';
export { type Handoff, type HandoffOptions, handoff, handoffToolName } from './handoff/handoff.js';
export * from './model/realtime-model.js';
export * from './room/index.js';
export {
  type CollectDigitsOptions,
  type CollectedDigits,
  DigitCollector,
  DTMF_TEXT_PREFIX,
  dtmfText,
  MAX_DIGITS,
  MAX_DIGITS_TIMEOUT_MS,
  parseDtmfText,
} from './tools/collect-digits.js';
export { type JsonSchemaToolOptions, jsonSchemaTool } from './tools/json-schema-tool.js';
export {
  type AnyTool,
  type ParsedArguments,
  parseToolArguments,
  type Tool,
  type ToolApprovalContext,
  type ToolContext,
  type ToolFiller,
  type ToolOptions,
  toJsonSchema,
  tool,
  toolOutputText,
} from './tools/tool.js';
export {
  type ToolCallContext,
  type ToolCallInput,
  type ToolOutcome,
  toolCallMachine,
} from './tools/tool-call.machine.js';
export {
  mergeSourceTools,
  type ToolSource,
  type ToolSourceContext,
  type ToolSourceProblem,
} from './tools/tool-source.js';
export { toolUseInput } from './tools/tool-use-input.js';

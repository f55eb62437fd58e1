export {
  type AgentShape,
  type NotAppliedField,
  refuseShaping,
  type ShapingReport,
  shapeKeys,
} from './agent/client-shaping.js';
export { ConversationHistory } from './agent/conversation-history.js';
export type { Persona } from './agent/persona.js';
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
export { type JsonSchemaToolOptions, jsonSchemaTool } from './tools/json-schema-tool.js';
export {
  type AnyTool,
  type ParsedArguments,
  parseToolArguments,
  type Tool,
  type ToolApprovalContext,
  type ToolCaller,
  type ToolContext,
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

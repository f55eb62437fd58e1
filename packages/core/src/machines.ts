// `@chorus/core/machines`: the machine definitions and their context, event and input types, for
// readers of the state charts (the inspector, chart generators). Running agents and rooms does not
// need them; their shapes follow the machines and may change with them.

export {
  type AgentCuesContext,
  type AgentCuesEvent,
  type AgentCuesInput,
  agentCuesMachine,
  type CueKind,
  type CueLine,
  type IdlePromptSettings,
} from './agent/agent-cues.machine.js';
export type {
  PendingHandoff,
  RealtimeAgentContext,
  RealtimeAgentEmitted,
  RealtimeAgentEvent,
  RealtimeAgentInput,
  RealtimeAgentOutput,
  RecordedTrip,
  RunningToolCall,
} from './agent/realtime-agent.context.js';
export { type RealtimeAgentState, realtimeAgentMachine } from './agent/realtime-agent.machine.js';
export {
  type ConnectionProblem,
  type ModelConnectionContext,
  type ModelConnectionEvent,
  type ModelConnectionInput,
  type ModelConnectionOutput,
  type ModelConnectionState,
  modelConnectionMachine,
} from './connection/model-connection.machine.js';
export {
  type ProviderSessionContext,
  type ProviderSessionEvent,
  type ProviderSessionOutput,
  type ProviderSessionProblem,
  providerSessionMachine,
} from './model/provider-session.machine.js';
export {
  type FloorChangedEmitted,
  type RoomMachineContext,
  type RoomMachineEvent,
  type RoomMachineInput,
  type RoomState,
  roomMachine,
} from './room/chat-room.machine.js';
export {
  type ToolCallContext,
  type ToolCallInput,
  type ToolOutcome,
  toolCallMachine,
} from './tools/tool-call.machine.js';

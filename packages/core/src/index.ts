// `@chorus/core` for people who build agents and rooms. Adapter authors import
// `@chorus/core/provider`, machine readers (the inspector) `@chorus/core/machines`, tests
// `@chorus/core/testing`. Every name is listed: a change here is a change of the public API, and
// the API report (`etc/core.api.md`) shows it in review.

export type { SayOptions } from './agent/agent-cues.js';
export type { IdlePromptSettings } from './agent/agent-cues.machine.js';
export type { AgentShape, NotAppliedField, ShapingReport } from './agent/client-shaping.js';
export { refuseShaping, shapeKeys } from './agent/client-shaping.js';
export type { FalseInterruptionOptions } from './agent/false-interruption.js';
export type { HistoryUpdate } from './agent/history-edit.js';
export type { Handoff, Persona } from './agent/persona.js';
export { type HandoffTarget, RealtimeAgent, type RealtimeAgentOptions } from './agent/realtime-agent.js';
export type { RealtimeAgentState } from './agent/realtime-agent.machine.js';
export type { TurnMetrics } from './agent/turn-metrics.js';
export { type ChorusClock, systemClock } from './clock.js';
export type { RetryPolicy } from './connection/retry-policy.js';
export type {
  OutputGuardrail,
  OutputGuardrailResult,
  OutputGuardrailSettings,
} from './guardrails/output-guardrail.js';
export { type HandoffOptions, handoff, handoffToolName } from './handoff/handoff.js';
export type {
  ConversationItem,
  HistoryChange,
  RealtimeModel,
  SessionConfig,
  TurnDetection,
} from './model/realtime-model.js';
export {
  ChatRoom,
  type ChatRoomOptions,
  type RoomRelay,
  type RoomResources,
  type RoomUser,
  type RoomUserSession,
} from './room/chat-room.js';
export {
  type FloorAgent,
  type FloorContext,
  type FloorName,
  type FloorPolicy,
  freeFloor,
  type MentionFallback,
  type MentionOptions,
  type ModeratorFn,
  mentionFloor,
  moderatorFloor,
  type RoomSpeaker,
  type RoomUtterance,
  type RoundRobinOptions,
  roundRobinFloor,
} from './room/floor-policy.js';
export type { HeardMessage, MemberStartOptions, RoomMember } from './room/member.js';
export { type MemberModeratorOptions, memberModerator } from './room/member-moderator.js';
export type { RoomReply, RoomSendOptions, RoomTurnResult } from './room/room-turns.js';
export { energySpeechDetector, type SpeechDetector } from './room/speech-activity.js';
export {
  type CollectDigitsOptions,
  type CollectedDigits,
  DTMF_TEXT_PREFIX,
  dtmfText,
  parseDtmfText,
} from './tools/collect-digits.js';
export { type JsonSchemaToolOptions, jsonSchemaTool } from './tools/json-schema-tool.js';
export {
  type AnyTool,
  type ParsedArguments,
  type Tool,
  type ToolApprovalContext,
  type ToolCaller,
  type ToolContext,
  type ToolFiller,
  type ToolOptions,
  tool,
} from './tools/tool.js';
export type { ToolSource, ToolSourceContext, ToolSourceProblem } from './tools/tool-source.js';

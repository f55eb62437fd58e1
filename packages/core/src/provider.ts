// `@chorus/core/provider`: what an adapter author needs to write a `RealtimeModel` (a provider's
// socket as model events), or a tool source: the model interface and its types, the clock, the
// retry policy and the model connection that drives an adapter in tests, and the provider-session
// machine an adapter keeps its lifecycle in.

export { type ChorusClock, clockNow, systemClock } from './clock.js';
export {
  type ConnectionStatus,
  ModelConnection,
  ModelConnectionFailedError,
  type ModelConnectionOptions,
} from './connection/model-connection.js';
export type { ConnectionProblem } from './connection/model-connection.machine.js';
export {
  DEFAULT_RETRY_POLICY,
  isFatalError,
  mayRetry,
  type RetryPolicy,
  retryDelay,
  retryPolicy,
} from './connection/retry-policy.js';
export { ConnectionClock } from './model/connection-clock.js';
export { ProviderSession } from './model/provider-session.js';
export {
  type ProviderSessionContext,
  type ProviderSessionEvent,
  type ProviderSessionOutput,
  type ProviderSessionProblem,
  type ProviderSessionStateValue,
  providerSessionMachine,
} from './model/provider-session.machine.js';
export {
  type ConnectOptions,
  type ConversationItem,
  type HistoryChange,
  type JsonSchema,
  type ModelCapabilities,
  ModelConnectError,
  type ModelInput,
  type RealtimeModel,
  type ResponseOptions,
  type SessionConfig,
  type ToolDefinition,
  type TurnDetection,
} from './model/realtime-model.js';
export { toolUseInput } from './tools/tool-use-input.js';

export {
  type ApiKeys,
  Authenticator,
  type AuthOptions,
  type AuthResult,
  isLoopback,
  isLoopbackOrigin,
  type Principal,
  parseApiKeysEnv,
} from './auth.js';
export {
  BINARY_AUDIO_HEADER_BYTES,
  BINARY_AUDIO_VERSION,
  type BinaryAudioFrame,
  BinaryAudioKind,
  decodeBinaryAudio,
  encodeBinaryAudio,
} from './binary-audio.js';
export type { GatewayErrorCode } from './chorus-connection.js';
export { type Clock, gatewayClock } from './clock.js';
export { CloseCode } from './close-codes.js';
export { type BusStats, BusUnavailableError, type ClusterBus } from './cluster/cluster-bus.js';
export type { ClusterOptions } from './cluster/cluster-options.js';
export { MemoryBus, MemoryBusNetwork } from './cluster/memory-bus.js';
export { RedisBus, type RedisBusOptions } from './cluster/redis-bus.js';
export { createGatewayLogger, REDACTED_PATHS } from './logger.js';
export { GatewayMetrics } from './metrics.js';
export { type ChorusServerOptions, DEFAULT_LIMITS, type Limits } from './options.js';
export { DEFAULT_INSPECT_POLICY, type InspectPolicy } from './room-host.js';
export { DEFAULT_SEND_CHANNEL_OPTIONS, type SendChannelOptions } from './send-channel.js';
export type { RoomUser, Servable, ServableFactory } from './servable.js';
export { type ChorusServer, createChorusServer, type DrainResult } from './server.js';
export {
  DEFAULT_RESUMPTION,
  type ResumeRefusal,
  type ResumptionOptions,
} from './session-vault.js';
export { TokenBucket } from './token-bucket.js';
export * from './twilio/index.js';

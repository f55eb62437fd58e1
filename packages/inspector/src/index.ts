export {
  DOCUMENTED_MACHINES,
  renderChartsSection,
  replaceChartsSection,
} from './architecture-charts.js';
export type { ActorItem, DefinitionItem, DroppedItem, EventItem, FeedItem, StateItem } from './feed-item.js';
export { Inspector, type InspectorOptions, type InspectorSnapshot } from './inspector.js';
export {
  DEFAULT_JSON_SAFE_LIMITS,
  type JsonSafeLimits,
  type JsonValue,
  MEDIA_KEYS,
  toJsonSafe,
} from './json-safe.js';
export {
  type ChartableMachine,
  type ChartStateNode,
  type ChartTransition,
  machineToMermaid,
} from './mermaid.js';
export { RingBuffer } from './ring-buffer.js';

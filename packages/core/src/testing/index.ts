export {
  chunkBytes,
  type ScriptedCall,
  type ScriptedConnectFailure,
  ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedReply,
  type ScriptedToolCall,
  type ScriptMatcher,
  type ScriptRule,
  type ScriptTurn,
} from './scripted-model.js';
export { TestClock } from './test-clock.js';

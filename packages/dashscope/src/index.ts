export {
  DashScopeRealtimeModel,
  type DashScopeRealtimeOptions,
  dashscopeDialect,
} from './dashscope-realtime-model.js';
export { dashscopeSession, historyAsInstructions } from './dashscope-session.js';

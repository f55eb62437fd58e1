export { type DashScopeModelSpec, dashscopeModelSpec } from './dashscope-models.js';
export {
  DashScopeRealtimeModel,
  type DashScopeRealtimeOptions,
  dashscopeDialect,
} from './dashscope-realtime-model.js';
export { dashscopeSession, historyAsInstructions } from './dashscope-session.js';
export { DASHSCOPE_MAX_IMAGE_BYTES, imageRefusal } from './image-input.js';

export { ConversationPrinter, formatMs } from './conversation-printer.js';
export {
  type ConversationTarget,
  isConversationTarget,
  openSession,
  pickRoom,
  type TerminalSession,
} from './conversation-target.js';
export { MAIN_HELP, ROOM_HELP, SAY_HELP, SERVE_HELP, SPEECH_HELP } from './help.js';
export { type CliIo, main } from './main.js';
export {
  chooseModels,
  type ModelChoice,
  type ModelSpec,
  PROVIDERS,
  type ProviderName,
  parseModelSpec,
} from './model-choice.js';
export { ReplyAudio, type ReplyWav } from './reply-audio.js';
export { type RoomCommandOptions, runRoomCommand } from './room-command.js';
export { loadRoomFile, type RoomBuilder, type RoomFile, roomFileSchema } from './room-file.js';
export { runSay, type SayOptions } from './say.js';
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  type RunningServe,
  type ServeOptions,
  SHUTDOWN_DEADLINE_MS,
  startServe,
} from './serve.js';
export { isBuiltPage, type StaticPage, servePages } from './static-pages.js';
export { createStyle, Screen, type Style } from './terminal.js';
export { UsageError } from './usage-error.js';

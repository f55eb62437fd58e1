export { DEFAULT_DEMO_ROOM, type DemoRoomFactory, demoRooms } from './demo-rooms.js';
export { mcpNotes, notesBrain, notesServer } from './mcp-notes.js';
export {
  type LocalModelsOptions,
  localModels,
  type ModelFactory,
  type ModelRequest,
  type ScenarioOptions,
  scenarioVoice,
} from './model-factory.js';
export { attachChatbox, Chatbox, observersAgent, observersDemo } from './observers.js';
export { type Conversable, describeEvent, isMainModule, runScenario, waitForQuiet } from './run-scenario.js';
export { speakableTime } from './spoken-time.js';
export {
  delayedLookup,
  LOOKUP_DELAY_MS,
  type StreamingChatOptions,
  streamingChat,
  streamingChatBrain,
  wait,
} from './streaming-chat.js';
export { avaBrain, maxBrain, mentionOrEveryoneFloor, twoAgents } from './two-agents.js';
export {
  ASSISTANT_INSTRUCTIONS,
  BILLING_INSTRUCTIONS,
  type Booking,
  bookAppointment,
  confirmationCode,
  getBalance,
  getWeather,
  voiceAssistant,
  voiceAssistantBrain,
  voiceAssistantIntents,
  voiceAssistantToolReply,
} from './voice-assistant.js';
export { cityName, findCity, KNOWN_CITIES, type Weather, weatherFor } from './weather.js';

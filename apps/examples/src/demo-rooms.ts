import type { ChatRoom, RealtimeAgent } from '@chorus/core';
import type { ScenarioOptions } from './model-factory.js';
import { streamingChat } from './streaming-chat.js';
import { twoAgents } from './two-agents.js';
import { voiceAssistant } from './voice-assistant.js';

/** A factory of a fresh room or agent, as the gateway's `rooms` option takes them. */
export type DemoRoomFactory = () => RealtimeAgent | ChatRoom;

/** The demo room a session gets when it names none. */
export const DEFAULT_DEMO_ROOM = 'assistant';

/**
 * The rooms `chorus serve` offers: `assistant` (seed 003, the default), `two-agents` (seed 001) and
 * `streaming-chat` (seed 004). They let clients shape their agents (unless `clientShaping: false`):
 * AgentScope's pages name and instruct the agents in `client_session_create`.
 */
export function demoRooms(input: ScenarioOptions = {}): Record<string, DemoRoomFactory> {
  const options: ScenarioOptions = { ...input, clientShaping: input.clientShaping ?? true };
  return {
    assistant: () => voiceAssistant(options),
    'two-agents': () => twoAgents(options),
    'streaming-chat': () => streamingChat(options),
  };
}

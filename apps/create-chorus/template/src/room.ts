import { ChatRoom, RealtimeAgent, tool } from '@chorus/core';
import { LocalModel, rulesBrain } from '@chorus/local';
import { z } from 'zod';

/** A tool the agent calls. Replace the body with a real lookup; the parameters are checked by zod. */
export const getWeather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `It is sunny in ${city}.`,
});

/**
 * The room the gateway serves: one agent with the tool, on the embedded local model (no key, no
 * network). Its rules stand in for a language model: swap `LocalModel` for `OpenAIRealtimeModel` from
 * `@chorus/openai` (or Gemini, DashScope) and the agent, the tool and the room stay the same.
 */
export function createRoom(): ChatRoom {
  const brain = rulesBrain({
    intents: [
      { match: /weather in (\w+)/i, tool: { name: 'get_weather', args: (m) => ({ city: m?.[1] }) } },
      { match: ['hello', 'hi'], reply: 'Hello! Ask me about the weather.' },
    ],
    toolResultReply: '{output}',
    fallback: 'Ask me about the weather in a city.',
  });
  const ava = new RealtimeAgent({
    name: 'Ava',
    instructions: 'You tell people the weather. Be brief.',
    model: new LocalModel({ brain }),
    tools: [getWeather],
  });
  return new ChatRoom({ agents: [ava] });
}

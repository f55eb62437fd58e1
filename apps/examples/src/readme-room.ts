// The room composed in README.md ("A room in code"); a test keeps the two identical.
import { ChatRoom, RealtimeAgent, tool } from '@chorus/core';
import { LocalModel, rulesBrain } from '@chorus/local';
import { z } from 'zod';

export function readmeRoom(speed = 1): ChatRoom {
  const getWeather = tool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => `It is sunny in ${city}.`,
  });
  const brain = rulesBrain({
    intents: [{ match: /weather in (\w+)/i, tool: { name: 'get_weather', args: (m) => ({ city: m?.[1] }) } }],
    toolResultReply: '{output}',
    fallback: 'Ask me about the weather.',
  });
  const alice = new RealtimeAgent({
    name: 'Alice',
    instructions: 'Be brief.',
    model: new LocalModel({ brain, speed }),
    tools: [getWeather],
  });
  const bob = new RealtimeAgent({
    name: 'Bob',
    instructions: 'Be kind.',
    model: new LocalModel({ brain, speed }),
  });
  return new ChatRoom({ agents: [alice, bob], floor: 'mention' });
}

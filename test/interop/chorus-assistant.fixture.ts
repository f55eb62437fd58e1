import { RealtimeAgent, tool } from '@chorus/core';
import { ScriptedModel } from '@chorus/core/testing';
import { z } from 'zod';

/**
 * The Chorus side of the interop tests: a real RealtimeAgent (tools, barge-in and all) on a
 * ScriptedModel paced by the real clock, so the official clients talk to the same agent a user
 * would serve. Audio comes in 20 ms chunks of 24 kHz PCM16 (960 bytes). `onModel` hands the test the
 * scripted model, to simulate what its VAD hears (`model.speak`).
 */
export function chorusAssistant(onModel?: (model: ScriptedModel) => void): RealtimeAgent {
  const model = new ScriptedModel({
    chunkMs: 20,
    script: [
      {
        match: /weather/i,
        reply: { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      },
      {
        match: /order/i,
        reply: { toolCalls: [{ name: 'lookup_order', arguments: { order_id: 'A17' } }] },
      },
      {
        match: (turn) => turn.toolResults.length > 0,
        reply: (turn) =>
          turn.toolResults.some((r) => r.name === 'lookup_order')
            ? { text: 'Your order A17 has shipped.', audioMs: 60 }
            : { text: 'It is 21 degrees in Paris.', audioMs: 120 },
      },
      { match: /story/i, reply: { text: 'Once upon a time there was a very long story.', audioMs: 4000 } },
    ],
    fallback: (turn) => ({ text: `You said: ${turn.text}`, audioMs: 60 }),
  });
  onModel?.(model);
  return new RealtimeAgent({
    name: 'assistant',
    instructions: 'Answer about the weather.',
    model,
    tools: [
      tool({
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, temp_c: 21 }),
      }),
    ],
  });
}

import { RealtimeAgent, tool } from '@chorus/core';
import type { ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalModel, rulesBrain } from '../src/index.js';

describe('LocalModel inside a RealtimeAgent', () => {
  it('answers a typed weather question with a validated tool call, its result and spoken audio', async () => {
    const getWeather = tool({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => ({ city, forecast: 'sunny' }),
    });
    const model = new LocalModel({
      brain: rulesBrain({
        intents: [
          {
            match: /weather in (?<city>[a-z]+)/i,
            tool: { name: 'get_weather', args: (m) => ({ city: m?.groups?.city }) },
          },
        ],
        toolResultReply: 'It is {forecast} in {city}.',
      }),
      transcriber: null,
      speed: 50,
    });
    const agent = new RealtimeAgent({ name: 'assistant', instructions: 'Help.', model, tools: [getWeather] });
    const events: ServerEvent[] = [];
    let spoken: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      spoken = resolve;
    });
    await agent.start({
      next: (event) => {
        events.push(event);
        if (event.type === 'agent_response_audio_transcript_done') spoken();
      },
    });
    agent.handleInput({ type: 'client_text_append', text: "What's the weather in Paris?" });
    const transcript = () =>
      events
        .filter(
          (e): e is Extract<ServerEvent, { type: 'agent_response_audio_transcript_done' }> =>
            e.type === 'agent_response_audio_transcript_done',
        )
        .map((e) => e.transcript);
    await answered;
    const types = events.map((e) => e.type);
    expect(types).toContain('agent_response_tool_use_done');
    expect(types).toContain('agent_response_tool_result');
    expect(types).toContain('agent_response_audio_delta');
    expect(transcript()).toEqual(['It is sunny in Paris.']);
    await agent.stop();
    await model.close();
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tool } from '../tools/tool.js';
import { advance, ofType, startedAgent } from './test-helpers.fixture.js';

let weatherRuns = 0;
const weather = tool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    weatherRuns++;
    return { city, sky: 'sunny' };
  },
});

describe('tools the client runs itself (client_tools)', () => {
  it('offers them to the model, runs none of them, and answers after the client result', async () => {
    const { agent, model, clock, events } = await startedAgent(
      {
        script: [
          {
            match: 'order',
            reply: { toolCalls: [{ id: 'call_c', name: 'lookup_order', arguments: { id: 'A1' } }] },
          },
          { match: (turn) => turn.toolResults.length > 0, reply: { text: 'It shipped.' } },
        ],
      },
      { tools: [weather] },
    );
    agent.handleInput({
      type: 'client_session_create',
      config: {
        client_tools: [
          { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' } },
          { name: 'get_weather', description: 'The client has one too' },
        ],
      },
    });
    await advance(clock, 20);
    const patch = model.callsOf('updateSession').at(-1)?.patch;
    expect(patch?.tools?.map((t) => t.name)).toEqual(['get_weather', 'lookup_order']);
    expect(ofType(events, 'server_session_updated').at(-1)?.config).toMatchObject({
      client_tools: ['lookup_order'],
      client_tools_ignored: ['get_weather'],
    });
    agent.handleInput({ type: 'client_text_append', text: 'order' });
    await advance(clock, 200);
    expect(ofType(events, 'agent_response_tool_use_done').map((e) => e.tool_use.name)).toEqual([
      'lookup_order',
    ]);
    expect(ofType(events, 'agent_response_tool_result')).toEqual([]);
    expect(agent.state).toBe('listening');
    expect(model.callsOf('createResponse')).toHaveLength(1);
    agent.handleInput({
      type: 'client_tool_result',
      id: 'call_c',
      name: 'lookup_order',
      output: 'shipped',
      respond: false,
    });
    agent.handleInput({ type: 'client_response_create' });
    await advance(clock, 200);
    expect(model.sent).toContainEqual({
      type: 'tool_result',
      callId: 'call_c',
      name: 'lookup_order',
      output: 'shipped',
    });
    expect(ofType(events, 'agent_response_audio_transcript_done').map((e) => e.transcript)).toEqual([
      'It shipped.',
    ]);
    await agent.stop();
  });

  it('a client tool named like the agent’s own runs once, on the agent', async () => {
    weatherRuns = 0;
    const { agent, clock, events } = await startedAgent(
      {
        script: [
          {
            match: 'weather',
            reply: { toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: { city: 'Oslo' } }] },
          },
          { match: (turn) => turn.toolResults.length > 0, reply: { text: 'Sunny.' } },
        ],
      },
      { tools: [weather] },
    );
    agent.handleInput({ type: 'client_session_create', config: { client_tools: [{ name: 'get_weather' }] } });
    agent.handleInput({ type: 'client_text_append', text: 'weather' });
    await advance(clock, 400);
    expect(weatherRuns).toBe(1);
    expect(ofType(events, 'agent_response_tool_result').map((e) => e.tool_result.id)).toEqual(['call_w']);
    await agent.stop();
  });
});

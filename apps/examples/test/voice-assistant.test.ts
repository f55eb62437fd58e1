import type { RealtimeAgent } from '@chorus/core';
import { ScriptedModel } from '@chorus/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { confirmationCode, voiceAssistant, voiceAssistantBrain } from '../src/index.js';
import { fastModels, Recorder } from './helpers.js';

const TOOLS = [
  { name: 'get_weather', description: '', parameters: {} },
  { name: 'book_appointment', description: '', parameters: {} },
  { name: 'transfer_to_billing', description: '', parameters: {} },
];

function decide(text: string) {
  return voiceAssistantBrain().decide({
    history: [{ type: 'message', id: 'u1', role: 'user', text }],
    tools: TOOLS,
  });
}

let agent: RealtimeAgent | undefined;
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});

describe('voice assistant rules (seed 003)', () => {
  it('picks the city out of typed and recognised questions', () => {
    expect(decide("What's the weather in Paris?")).toEqual([
      { type: 'tool_call', callId: 'call_rules_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
    expect(decide('whats the weather in new york today')).toMatchObject([
      { name: 'get_weather', arguments: '{"city":"New York"}' },
    ]);
    expect(decide('what is the weather like in Springfield')).toMatchObject([
      { name: 'get_weather', arguments: '{"city":"Springfield"}' },
    ]);
    expect(decide('how is the weather')).toEqual([
      { type: 'text', delta: 'Which city would you like the weather for?' },
    ]);
  });

  it('books only with a time, and hands billing over', () => {
    expect(decide('Book appointment tomorrow at 2pm')).toMatchObject([
      {
        name: 'book_appointment',
        arguments: '{"date":"tomorrow","time":"14:00","service":"appointment"}',
      },
    ]);
    expect(decide('book a haircut on friday at three pm')).toMatchObject([
      { name: 'book_appointment', arguments: '{"date":"friday","time":"15:00","service":"haircut"}' },
    ]);
    expect(decide('I would like to book an appointment')).toEqual([
      { type: 'text', delta: 'Sure. For which day and time? For example, tomorrow at 2 PM.' },
    ]);
    expect(decide('I need help with billing')).toMatchObject([
      { type: 'text', delta: 'Let me transfer you to billing.' },
      { type: 'tool_call', name: 'transfer_to_billing', arguments: '{}' },
    ]);
  });
});

describe('voice assistant on the local model (seed 003)', () => {
  it('answers the weather in Paris with a tool call, its result and spoken audio', async () => {
    agent = voiceAssistant({ model: fastModels() });
    const log = new Recorder(agent.events$);
    await agent.start();
    for await (const _ of agent.send("What's the weather in Paris?"));
    expect(log.of('agent_response_tool_use_done').map((e) => e.tool_use)).toEqual([
      {
        type: 'tool_use',
        id: 'call_rules_1',
        name: 'get_weather',
        input: { city: 'Paris' },
        raw_input: '{"city":"Paris"}',
      },
    ]);
    expect(log.of('agent_response_tool_result').map((e) => e.tool_result)).toEqual([
      {
        type: 'tool_result',
        id: 'call_rules_1',
        name: 'get_weather',
        output: '{"city":"Paris","forecast":"sunny","temperature_c":22}',
        is_error: false,
      },
    ]);
    expect(log.lines()).toEqual(['assistant: It is sunny and 22 degrees in Paris.']);
    expect(log.of('agent_response_audio_delta').length).toBeGreaterThan(10);
  });

  it('books an appointment and hands off to billing, which answers with its own tool', async () => {
    agent = voiceAssistant({ model: fastModels() });
    const log = new Recorder(agent.events$);
    await agent.start();
    for await (const _ of agent.send('Book an appointment tomorrow at 2pm'));
    const code = confirmationCode('tomorrow', '14:00', 'appointment');
    expect(log.lines()).toEqual([
      `assistant: Your appointment is booked for tomorrow at 2 PM. Your confirmation is ${code}.`,
    ]);

    for await (const _ of agent.send('I need help with billing'));
    expect(log.of('agent_handoff').map((e) => [e.from, e.to])).toEqual([['assistant', 'billing']]);
    expect(agent.activeAgent.name).toBe('billing');
    expect(log.lines().slice(1)).toEqual([
      'assistant: Let me transfer you to billing.',
      'assistant: Hi, this is billing. How can I help with your account?',
    ]);

    for await (const _ of agent.send('How much do I owe?'));
    expect(log.of('agent_response_tool_use_done').map((e) => e.tool_use.name)).toEqual([
      'book_appointment',
      'transfer_to_billing',
      'get_balance',
    ]);
    expect(log.lines().at(-1)).toBe('assistant: Your balance is 42 euros 50, due the first of next month.');
  });

  it('takes its model from the factory it is given', async () => {
    const requests: string[] = [];
    agent = voiceAssistant({
      model: ({ agent: name }) => {
        requests.push(name);
        return new ScriptedModel({ script: [], fallback: { text: 'Scripted hello.' } });
      },
    });
    const log = new Recorder(agent.events$);
    await agent.start();
    for await (const _ of agent.send('hi'));
    expect(requests).toEqual(['assistant']);
    expect(log.lines()).toEqual(['assistant: Scripted hello.']);
  });
});

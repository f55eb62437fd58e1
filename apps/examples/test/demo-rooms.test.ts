import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { ScriptedModel } from '@chorus/core/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_ROOM, demoRooms, speakableTime, weatherFor } from '../src/index.js';

describe('demo rooms', () => {
  it('offer the assistant (default), two agents and streaming chat, each built fresh', () => {
    const rooms = demoRooms({ model: () => new ScriptedModel({ script: [] }) });
    expect(Object.keys(rooms)).toEqual(['assistant', 'two-agents', 'streaming-chat']);
    expect(DEFAULT_DEMO_ROOM).toBe('assistant');
    const assistant = rooms.assistant!();
    expect(assistant).toBeInstanceOf(RealtimeAgent);
    expect((assistant as RealtimeAgent).tools.map((t) => t.name)).toEqual([
      'get_weather',
      'book_appointment',
    ]);
    expect((assistant as RealtimeAgent).handoffs.map((h) => h.toolName)).toEqual(['transfer_to_billing']);
    expect(rooms.assistant!()).not.toBe(assistant);
    const pair = rooms['two-agents']!();
    expect(pair).toBeInstanceOf(ChatRoom);
    expect((pair as ChatRoom).members.map((m) => m.name)).toEqual(['Ava', 'Max']);
    expect((rooms['streaming-chat']!() as RealtimeAgent).tools.map((t) => t.name)).toEqual([
      'delayed_lookup',
    ]);
  });

  it('let clients name and instruct their agents, as AgentScope pages do', () => {
    const rooms = demoRooms({ model: () => new ScriptedModel({ script: [] }) });
    const pair = rooms['two-agents']!() as ChatRoom;
    const report = pair.shape({
      agent1_name: 'Elon',
      agent1_instructions: 'Argue for.',
      agent2_name: 'Mark',
      agent2_instructions: 'Argue against.',
    });
    expect(report).toEqual({
      applied: ['agent1_name', 'agent1_instructions', 'agent2_name', 'agent2_instructions'],
      not_applied: [],
    });
    expect(pair.members.map((m) => m.name)).toEqual(['Elon', 'Mark']);
    expect((pair.members[1] as RealtimeAgent).instructions).toBe('Argue against.');
    // Ids stay, so whatever routes by id keeps working.
    expect(pair.members.map((m) => m.id)).toEqual(['Ava', 'Max']);

    const assistant = rooms.assistant!() as RealtimeAgent;
    expect(assistant.shape({ agent_name: 'Jarvis', instructions: 'Be brief.' }).applied).toEqual([
      'agent_name',
      'instructions',
    ]);
    expect(assistant.name).toBe('Jarvis');
    // The billing agent still hands back with the tool name the rules brain calls.
    const billing = assistant.handoffs[0]?.agent as RealtimeAgent;
    expect(billing.handoffs.map((h) => h.toolName)).toEqual(['transfer_to_assistant']);

    const fixed = demoRooms({ model: () => new ScriptedModel({ script: [] }), clientShaping: false });
    expect((fixed['two-agents']!() as ChatRoom).shape({ agent1_name: 'Elon' }).not_applied).toHaveLength(1);
  });

  it('demo data: weather is fixed for known cities and stable for others; times read aloud', () => {
    expect(weatherFor('paris')).toEqual({ city: 'Paris', forecast: 'sunny', temperature_c: 22 });
    expect(weatherFor('Springfield')).toEqual(weatherFor('springfield'));
    expect(speakableTime('14:00')).toBe('2 PM');
    expect(speakableTime('09:30')).toBe('9:30 AM');
    expect(speakableTime('00:00')).toBe('12 AM');
  });
});

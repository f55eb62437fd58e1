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

  it('demo data: weather is fixed for known cities and stable for others; times read aloud', () => {
    expect(weatherFor('paris')).toEqual({ city: 'Paris', forecast: 'sunny', temperature_c: 22 });
    expect(weatherFor('Springfield')).toEqual(weatherFor('springfield'));
    expect(speakableTime('14:00')).toBe('2 PM');
    expect(speakableTime('09:30')).toBe('9:30 AM');
    expect(speakableTime('00:00')).toBe('12 AM');
  });
});

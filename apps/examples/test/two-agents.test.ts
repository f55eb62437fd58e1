import type { ChatRoom, FloorContext } from '@chorus/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mentionOrEveryoneFloor, twoAgents, waitForQuiet } from '../src/index.js';
import { fastModels, Recorder } from './helpers.js';

function floorContext(
  speaker: 'user' | 'Ava' | 'Max',
  text: string,
  lastHolder: string | null = null,
): FloorContext {
  return {
    roomId: 'r',
    agents: [
      { id: 'Ava', name: 'Ava' },
      { id: 'Max', name: 'Max' },
    ],
    utterance: {
      speaker:
        speaker === 'user'
          ? { kind: 'user', id: 'u', name: 'User' }
          : { kind: 'agent', id: speaker, name: speaker },
      text,
    },
    holder: null,
    lastHolder,
    agentTurns: 0,
    maxAgentTurns: 4,
    transcript: [],
    signal: new AbortController().signal,
  };
}

let room: ChatRoom | undefined;
afterEach(async () => {
  await room?.stop();
  room = undefined;
});

describe('two agents talking with the user (seed 001)', () => {
  it('floor: "everyone" asks both, a name asks one, agents pass the word by name', () => {
    const floor = mentionOrEveryoneFloor();
    expect(floor.select(floorContext('user', 'Hello everyone!'))).toEqual(['Ava', 'Max']);
    expect(floor.select(floorContext('user', "Max, what's the weather?"))).toEqual(['Max']);
    expect(floor.select(floorContext('user', 'and in London?', 'Max'))).toEqual(['Max']);
    expect(floor.select(floorContext('user', 'hi'))).toEqual(['Ava']);
    expect(floor.select(floorContext('Max', "Ava, what's the weather in Paris?"))).toEqual(['Ava']);
    expect(floor.select(floorContext('Ava', 'It is sunny in Paris.'))).toEqual([]);
  });

  it('both agents greet the room; Max asks Ava about the weather and Ava answers with her tool', async () => {
    room = twoAgents({ model: fastModels() });
    await room.start();
    const user = room.join({ id: 'user1', name: 'User1' });
    const log = new Recorder(user.events$);

    let quiet = waitForQuiet(room.events$, 300);
    user.handleInput({ type: 'client_text_append', text: 'Hello everyone!' });
    await quiet;
    expect(log.lines().sort()).toEqual([
      "Ava: Hello! I'm Ava. Ask me about the weather anywhere.",
      "Max: Hi, I'm Max. I tell jokes.",
    ]);

    quiet = waitForQuiet(room.events$, 300);
    user.handleInput({ type: 'client_text_append', text: "Max, what's the weather in Paris?" });
    await quiet;
    expect(log.lines().slice(2)).toEqual([
      "Max: Ava, what's the weather in Paris?",
      'Ava: It is sunny and 22 degrees in Paris.',
    ]);
    expect(log.of('agent_response_tool_use_done').map((e) => [e.agent_name, e.tool_use.raw_input])).toEqual([
      ['Ava', '{"city":"Paris"}'],
    ]);
    expect(log.of('agent_response_audio_delta').every((e) => e.room_id === room?.id)).toBe(true);
    log.stop();
  });
});

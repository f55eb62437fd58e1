import { describe, expect, it } from 'vitest';
import {
  type FloorContext,
  freeFloor,
  mentionFloor,
  moderatorFloor,
  resolveFloorPolicy,
  roundRobinFloor,
} from './floor-policy.js';
import { applyLoopGuard } from './loop-guard.js';
import { findMentions } from './mention.js';

const agents = [
  { id: 'a1', name: 'Agent1' },
  { id: 'a2', name: 'Agent2' },
  { id: 'a3', name: 'Zoë' },
];

function context(over: Partial<FloorContext> & { text?: string; from?: string } = {}): FloorContext {
  const { text = 'hello', from, ...rest } = over;
  const agent = agents.find((a) => a.id === from);
  const utterance = {
    speaker: agent ? { kind: 'agent' as const, ...agent } : { kind: 'user' as const, id: 'u1', name: 'Ann' },
    text,
  };
  return {
    roomId: 'r',
    agents,
    utterance,
    holder: null,
    lastHolder: null,
    agentTurns: 0,
    maxAgentTurns: 6,
    transcript: [utterance],
    signal: new AbortController().signal,
    ...rest,
  };
}

describe('findMentions', () => {
  it('matches whole names case-insensitively, in order of appearance', () => {
    expect(findMentions('hey agent2, and AGENT1?', ['Agent1', 'Agent2'])).toEqual([1, 0]);
  });
  it('does not match inside a longer word', () => {
    expect(findMentions('Agent10 and Agent1x and xAgent1', ['Agent1'])).toEqual([]);
    expect(findMentions('Annabel', ['Ann'])).toEqual([]);
  });
  it('handles names with accents and regex characters', () => {
    expect(findMentions('merci zoë!', ['Zoë'])).toEqual([0]);
    expect(findMentions('ask C++ (or c++)', ['C++', 'Bob'])).toEqual([0]);
  });
});

describe('free floor', () => {
  it('lets every agent answer a user and no agent answer an agent', () => {
    const free = freeFloor();
    expect(free.select(context())).toEqual(['a1', 'a2', 'a3']);
    expect(free.select(context({ from: 'a1' }))).toEqual([]);
  });
});

describe('roundRobin floor', () => {
  it('picks the agent after the last holder, wrapping around', () => {
    const rr = roundRobinFloor();
    expect(rr.select(context())).toEqual(['a1']);
    expect(rr.select(context({ lastHolder: 'a1' }))).toEqual(['a2']);
    expect(rr.select(context({ lastHolder: 'a3' }))).toEqual(['a1']);
  });
  it('does not chain agents unless asked to', () => {
    expect(roundRobinFloor().select(context({ from: 'a2' }))).toEqual([]);
    expect(roundRobinFloor({ chain: true }).select(context({ from: 'a2' }))).toEqual(['a3']);
  });
});

describe('mention floor', () => {
  it('selects the agents named, in order', () => {
    expect(mentionFloor().select(context({ text: 'Agent2 then agent1 please' }))).toEqual(['a2', 'a1']);
  });
  it('falls back to the last holder, or the first agent, when a user names nobody', () => {
    const mention = mentionFloor();
    expect(mention.select(context({ text: 'anyone?' }))).toEqual(['a1']);
    expect(mention.select(context({ text: 'anyone?', lastHolder: 'a3' }))).toEqual(['a3']);
  });
  it('supports the other fallbacks', () => {
    expect(mentionFloor({ fallback: 'all' }).select(context({ text: 'x' }))).toEqual(['a1', 'a2', 'a3']);
    expect(mentionFloor({ fallback: 'none' }).select(context({ text: 'x' }))).toEqual([]);
    expect(mentionFloor({ fallback: 'first' }).select(context({ text: 'x', lastHolder: 'a2' }))).toEqual([
      'a1',
    ]);
  });
  it('ends the chain when an agent names nobody', () => {
    expect(mentionFloor().select(context({ from: 'a1', text: 'that is all' }))).toEqual([]);
    expect(mentionFloor().select(context({ from: 'a1', text: 'Zoë, your turn' }))).toEqual(['a3']);
  });
});

describe('moderator floor', () => {
  it('maps the chosen name (any case) or id to an agent, and null to nobody', async () => {
    expect(await moderatorFloor(() => 'agent2').select(context())).toEqual(['a2']);
    expect(await moderatorFloor(async () => 'a3').select(context())).toEqual(['a3']);
    expect(await moderatorFloor(() => null).select(context())).toEqual([]);
  });
  it('rejects a choice that is not an agent of the room, naming the candidates', async () => {
    await expect(moderatorFloor(() => 'Bob').select(context())).rejects.toThrow(
      'moderator chose "Bob", which is no agent of this room (agents: Agent1, Agent2, Zoë)',
    );
  });
});

describe('resolveFloorPolicy', () => {
  it('maps names to policies and checks the moderator option', () => {
    expect(resolveFloorPolicy('free').name).toBe('free');
    expect(resolveFloorPolicy('roundRobin').name).toBe('roundRobin');
    expect(resolveFloorPolicy('mention').name).toBe('mention');
    expect(resolveFloorPolicy('moderator', () => null).name).toBe('moderator');
    expect(() => resolveFloorPolicy('moderator')).toThrow("floor 'moderator' needs a `moderator` option");
    expect(() => resolveFloorPolicy('loudest' as 'free')).toThrow('unknown floor "loudest"');
  });
});

describe('applyLoopGuard', () => {
  it('grants while the budget lasts and refuses the rest', () => {
    expect(applyLoopGuard(0, 6, ['a'])).toEqual({ granted: ['a'], refused: [], agentTurns: 1 });
    expect(applyLoopGuard(5, 6, ['a', 'b'])).toEqual({ granted: ['a'], refused: ['b'], agentTurns: 6 });
    expect(applyLoopGuard(6, 6, ['a'])).toEqual({ granted: [], refused: ['a'], agentTurns: 6 });
    expect(applyLoopGuard(0, 0, [])).toEqual({ granted: [], refused: [], agentTurns: 0 });
  });
});

import type { ConversationItem } from '@chorus/core';
import { describe, expect, it } from 'vitest';
import { tool } from '../../test/helpers.js';
import { handoffToolName, rulesBrain } from './rules-brain.js';
import { spokenDate, spokenTime } from './spoken.js';

const user = (text: string): ConversationItem => ({ type: 'message', id: `u_${text}`, role: 'user', text });

const brain = rulesBrain({
  intents: [
    {
      name: 'book',
      match: ['book', 'appointment'],
      reply: 'Let me book that.',
      tool: {
        name: 'book_appointment',
        args: (_m, text) => ({ date: spokenDate(text), time: spokenTime(text), service: 'appointment' }),
      },
    },
    {
      name: 'weather',
      match: /weather in (?<city>[a-z]+)/i,
      tool: { name: 'get_weather', args: (m) => ({ city: m?.groups?.city }) },
    },
    { name: 'billing', match: ['billing'], reply: 'Transferring you.', handoff: 'Billing' },
    { name: 'hello', match: /\bhello\b/i, reply: 'Hello! You said "{text}".' },
  ],
  toolResultReply: 'It is {forecast} in {city}.',
  fallback: 'Pardon?',
});

const tools = [tool('book_appointment'), tool('get_weather'), tool(handoffToolName('Billing'))];

describe('rules brain', () => {
  it('calls a tool with arguments picked out of the words, after its reply', () => {
    const out = brain.decide({ history: [user('book an appointment tomorrow at two pm')], tools });
    expect(out).toEqual([
      { type: 'text', delta: 'Let me book that.' },
      {
        type: 'tool_call',
        callId: expect.stringMatching(/^call_rules_\d+$/),
        name: 'book_appointment',
        arguments: JSON.stringify({ date: 'tomorrow', time: '14:00', service: 'appointment' }),
      },
    ]);
  });

  it('fills named groups of a RegExp intent', () => {
    const [call] = brain.decide({ history: [user('What is the weather in Paris?')], tools });
    expect(call).toMatchObject({ type: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' });
  });

  it('hands off through transfer_to_<agent>', () => {
    const out = brain.decide({ history: [user('I need help with billing')], tools });
    expect(out[1]).toMatchObject({ type: 'tool_call', name: 'transfer_to_billing', arguments: '{}' });
  });

  it('skips an intent whose tool the session does not offer and falls back', () => {
    expect(brain.decide({ history: [user('book an appointment')], tools: [] })).toEqual([
      { type: 'text', delta: 'Pardon?' },
    ]);
  });

  it('answers a tool result with the template filled from the JSON output', () => {
    const history: ConversationItem[] = [
      user('weather in Paris'),
      { type: 'function_call', id: 'f1', callId: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', id: 'o1', callId: 'c1', output: '{"city":"Paris","forecast":"sunny"}' },
    ];
    expect(brain.decide({ history, tools })).toEqual([{ type: 'text', delta: 'It is sunny in Paris.' }]);
  });

  it('replies with a template using {text}', () => {
    expect(brain.decide({ history: [user('hello there')], tools })).toEqual([
      { type: 'text', delta: 'Hello! You said "hello there".' },
    ]);
  });

  it('lists its vocabulary for speech recognition', () => {
    expect(brain.vocabulary()).toEqual(['book', 'appointment', 'weather', 'in', 'billing', 'hello']);
  });

  it('rejects an intent that does nothing', () => {
    expect(() => rulesBrain([{ match: ['x'] }])).toThrow(/needs a reply, a tool or a handoff/);
  });
});

describe('spoken times and dates', () => {
  it.each([
    ['at two pm', '14:00'],
    ['2:30 p.m.', '14:30'],
    ['at 9', '09:00'],
    ['twelve am', '00:00'],
    ['noon please', '12:00'],
    ['I have two cats', undefined],
  ])('%s -> %s', (text, time) => {
    expect(spokenTime(text)).toBe(time);
  });

  it('finds days', () => {
    expect(spokenDate('tomorrow at two')).toBe('tomorrow');
    expect(spokenDate('on Friday')).toBe('friday');
    expect(spokenDate('2025-01-02')).toBe('2025-01-02');
    expect(spokenDate('sometime')).toBeUndefined();
  });
});

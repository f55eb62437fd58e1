import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { withEventlessTransitions } from './eventless-transitions.js';

describe('eventless transitions in a definition', () => {
  it("copies each state's `always` transitions, which XState's resolved definition leaves out", () => {
    const machine = createMachine({
      id: 'm',
      initial: 'checking',
      states: {
        checking: { always: [{ target: 'ready', guard: 'isReady' }, { target: 'waiting' }] },
        waiting: { on: { GO: 'checking' } },
        ready: {},
      },
    });
    expect((machine.definition.states.checking as unknown as { always?: unknown }).always).toBeUndefined();
    const definition = withEventlessTransitions(machine.definition, machine.root) as {
      states: Record<string, { always?: unknown }>;
    };
    expect(definition.states.checking?.always).toEqual([
      { target: ['#m.ready'], source: '#m.checking', eventType: '', guard: { type: 'isReady' } },
      { target: ['#m.waiting'], source: '#m.checking', eventType: '' },
    ]);
    expect(definition.states.waiting?.always).toBeUndefined();
  });
});

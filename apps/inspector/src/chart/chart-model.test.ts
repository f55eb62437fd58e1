import { describe, expect, it } from 'vitest';
import { activeLeaves, activeStateIds } from './active-states.js';
import { ancestry, buildChart, eventLabel } from './chart-model.js';
import { takenTransitions } from './taken-transitions.js';

// The resolved definition XState 5 gives for
// { id:'m', initial:'a', states:{ a:{ on:{GO:'b'}, after:{1000:'c'} }, b:{ initial:'b1', states:{ b1:{on:{N:'b2'}}, b2:{type:'final'} },
//   onDone:'a', invoke:{src:'foo', id:'f', onDone:'c'} }, c:{ type:'parallel', states:{p:{}, q:{}}, on:{'*':'#m.a', SELF:{actions:'x'}} } } }
// as JSON (trimmed to the fields the chart reads).
const t = (event: string, source: string, target?: string[], guard?: string) => ({
  ...(guard ? { guard } : {}),
  ...(target ? { target } : {}),
  actions: [],
  source,
  reenter: false,
  eventType: event,
});
const resolved = {
  id: 'm',
  key: 'm',
  type: 'compound',
  initial: { target: ['#m.a'], source: '#m', actions: [], eventType: null },
  states: {
    a: {
      id: 'm.a',
      key: 'a',
      type: 'atomic',
      states: {},
      on: {
        GO: [t('GO', '#m.a', ['#m.b'])],
        X: [t('X', '#m.a', ['#m.c'], 'g'), t('X', '#m.a', ['#m.b'])],
        'xstate.after.1000.m.a': [t('xstate.after.1000.m.a', '#m.a', ['#m.c'])],
      },
      invoke: [],
    },
    b: {
      id: 'm.b',
      key: 'b',
      type: 'compound',
      initial: { target: ['#m.b.b1'] },
      states: {
        b1: {
          id: 'm.b.b1',
          key: 'b1',
          type: 'atomic',
          states: {},
          on: { N: [t('N', '#m.b.b1', ['#m.b.b2'])] },
        },
        b2: { id: 'm.b.b2', key: 'b2', type: 'final', states: {}, on: {} },
      },
      on: {
        'xstate.done.state.m.b': [t('xstate.done.state.m.b', '#m.b', ['#m.a'])],
        'xstate.done.actor.f': [t('xstate.done.actor.f', '#m.b', ['#m.c'])],
      },
      invoke: [{ src: 'foo', id: 'f', type: 'xstate.invoke' }],
    },
    c: {
      id: 'm.c',
      key: 'c',
      type: 'parallel',
      states: {
        p: { id: 'm.c.p', key: 'p', type: 'atomic', states: {}, on: {} },
        q: { id: 'm.c.q', key: 'q', type: 'atomic', states: {}, on: {} },
      },
      on: { '*': [t('*', '#m.c', ['#m.a'])], SELF: [t('SELF', '#m.c')] },
    },
  },
  on: {},
};

describe('buildChart from a resolved definition (what @chorus/inspector sends)', () => {
  const chart = buildChart(resolved);

  it('builds the nested states with their types, parents and initial children', () => {
    expect(chart.rootId).toBe('m');
    expect([...chart.states.keys()]).toEqual([
      'm',
      'm.a',
      'm.b',
      'm.b.b1',
      'm.b.b2',
      'm.c',
      'm.c.p',
      'm.c.q',
    ]);
    expect(chart.states.get('m')?.initial).toBe('m.a');
    expect(chart.states.get('m.b')?.initial).toBe('m.b.b1');
    expect(chart.states.get('m.b.b2')?.type).toBe('final');
    expect(chart.states.get('m.c')?.type).toBe('parallel');
    expect(chart.states.get('m.b.b1')?.parentId).toBe('m.b');
    expect(chart.states.get('m.b')?.invokes).toEqual(['f (foo)']);
    expect(ancestry(chart, 'm.b.b1')).toEqual(['m.b.b1', 'm.b', 'm']);
  });

  it('labels transitions with their events and drops targetless ones', () => {
    const summary = chart.transitions.map(
      (x) => `${x.source}>${x.targets.join(',')}:${x.label}${x.guard ? `[${x.guard}]` : ''}`,
    );
    expect(summary).toEqual([
      'm.a>m.b:GO',
      'm.a>m.c:X[g]',
      'm.a>m.b:X',
      'm.a>m.c:after 1000ms',
      'm.b>m.a:done',
      'm.b>m.c:done: f',
      'm.b.b1>m.b.b2:N',
      'm.c>m.a:*',
    ]);
  });
});

describe('buildChart from a raw machine config (what @statelyai/inspect sends)', () => {
  const config = {
    id: 'light',
    initial: 'green',
    states: {
      green: { on: { TIMER: 'yellow' }, after: { 5000: 'yellow' } },
      yellow: { on: { TIMER: { target: 'red', guard: { type: 'isLate' } } } },
      red: {
        initial: 'walk',
        states: { walk: { on: { COUNTDOWN: 'wait' } }, wait: { always: 'stop' }, stop: { type: 'final' } },
        onDone: 'green',
        on: { RESET: '.walk', PANIC: '#light.yellow' },
        invoke: { src: 'camera', onError: { target: 'green' } },
      },
      custom: { id: 'special', on: { BACK: '#special' } },
    },
  };
  const chart = buildChart(config);

  it('resolves sibling keys, .child paths, #ids and custom ids', () => {
    expect(chart.states.get('light.red')?.initial).toBe('light.red.walk');
    expect(chart.states.has('special')).toBe(true);
    const summary = chart.transitions.map(
      (x) => `${x.source}>${x.targets.join(',')}:${x.label}${x.guard ? `[${x.guard}]` : ''}`,
    );
    expect(summary).toEqual([
      'light.green>light.yellow:TIMER',
      'light.green>light.yellow:after 5000ms',
      'light.yellow>light.red:TIMER[isLate]',
      'light.red>light.red.walk:RESET',
      'light.red>light.yellow:PANIC',
      'light.red>light.green:done',
      'light.red>light.green:error: light.red:invocation[0]',
      'light.red.walk>light.red.wait:COUNTDOWN',
      'light.red.wait>light.red.stop:always',
      'special>special:BACK',
    ]);
  });
});

describe('buildChart from a definition serialized without toJSON', () => {
  it('reads targets given as state-node objects and skips cycle markers', () => {
    const chart = buildChart({
      id: 'x',
      initial: { target: [{ id: 'x.a', key: 'a', parent: '[cycle]' }] },
      states: {
        a: { id: 'x.a', key: 'a', on: { GO: [{ target: [{ id: 'x.b', key: 'b' }, '[cycle]'] }] } },
        b: { id: 'x.b', key: 'b', on: {} },
      },
    });
    expect(chart.states.get('x')?.initial).toBe('x.a');
    expect(chart.transitions.map((x) => [x.source, x.targets])).toEqual([['x.a', ['x.b']]]);
  });

  it('never throws on junk', () => {
    expect(buildChart(null, 'fallback').states.size).toBe(1);
    expect(buildChart('nope').rootId).toBe('machine');
    expect(buildChart({ states: { a: 42, b: { on: { E: 7 } } } }).states.size).toBe(2);
  });
});

describe('eventLabel', () => {
  it('shortens XState internal event types', () => {
    expect(eventLabel('')).toBe('always');
    expect(eventLabel('xstate.after.interruptSettle.realtimeAgent.session.interrupted')).toBe(
      'after interruptSettle',
    );
    expect(eventLabel('xstate.error.actor.connection')).toBe('error: connection');
    expect(eventLabel('model.response_created')).toBe('model.response_created');
  });
});

describe('activeStateIds and takenTransitions', () => {
  const chart = buildChart(resolved);

  it('lights the states of nested and parallel values, ancestors included', () => {
    expect([...activeStateIds(chart, 'a')]).toEqual(['m.a']);
    expect([...activeStateIds(chart, { b: 'b1' })]).toEqual(['m.b', 'm.b.b1']);
    expect([...activeStateIds(chart, { c: { p: {}, q: {} } })]).toEqual(['m.c', 'm.c.p', 'm.c.q']);
    expect([...activeStateIds(chart, { nope: 'x' })]).toEqual([]);
    expect(activeLeaves(chart, activeStateIds(chart, { b: 'b1' }))).toEqual(['m.b.b1']);
  });

  it('finds the transition of the event, else any transition into an entered state', () => {
    const a = activeStateIds(chart, 'a');
    const b = activeStateIds(chart, { b: 'b1' });
    const c = activeStateIds(chart, { c: { p: {}, q: {} } });
    expect(takenTransitions(chart, a, b, 'GO').map((x) => x.id)).toEqual(['m.a:0']);
    expect(takenTransitions(chart, a, b, 'X').map((x) => `${x.event}>${x.targets}`)).toEqual(['X>m.b']);
    expect(takenTransitions(chart, b, c, 'something.else').map((x) => x.label)).toEqual(['done: f']);
    expect(takenTransitions(chart, a, a, 'GO')).toEqual([]);
  });
});

describe('eventless transitions (as @chorus/inspector adds them to a resolved definition)', () => {
  it('draws each one, labelled always', () => {
    const chart = buildChart({
      id: 'm',
      key: 'm',
      initial: { target: ['#m.checking'] },
      states: {
        checking: {
          id: 'm.checking',
          key: 'checking',
          on: {},
          always: [
            { target: ['#m.ready'], source: '#m.checking', eventType: '', guard: { type: 'isReady' } },
            { target: ['#m.waiting'], source: '#m.checking', eventType: '' },
          ],
        },
        waiting: { id: 'm.waiting', key: 'waiting', on: {} },
        ready: { id: 'm.ready', key: 'ready', on: {} },
      },
    });
    const always = chart.transitions.filter((t) => t.event === '');
    expect(always.map((t) => [t.source, t.targets, t.label])).toEqual([
      ['m.checking', ['m.ready'], expect.stringContaining('always')],
      ['m.checking', ['m.waiting'], 'always'],
    ]);
  });
});

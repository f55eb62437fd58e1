import { describe, expect, it } from 'vitest';
import { MessageDecoder } from './decode-message.js';

const clock = () => 1000;

describe('MessageDecoder: the Chorus /inspect feed', () => {
  it('turns a catch-up snapshot into a reset, definitions, actors, then states and events once each in feed order', () => {
    const decoder = new MessageDecoder(clock);
    const state = {
      kind: 'state',
      seq: 5,
      time: 50,
      room: 'r',
      actorId: 'x:1',
      value: 'listening',
      status: 'active',
      eventType: 'go',
    };
    const result = decoder.decode(
      JSON.stringify({
        type: 'inspector_snapshot',
        room: null,
        definitions: [
          {
            kind: 'definition',
            seq: 1,
            time: 10,
            room: 'r',
            machineKey: 'agent',
            definition: { id: 'agent' },
          },
        ],
        actors: [
          {
            kind: 'actor',
            seq: 2,
            time: 20,
            room: 'r',
            actorId: 'x:1',
            id: 'assistant',
            machineKey: 'agent',
          },
        ],
        states: [state],
        recent: [
          { kind: 'dropped', count: 3 },
          {
            kind: 'event',
            seq: 4,
            time: 40,
            room: 'r',
            actorId: 'x:1',
            sourceId: 'x:0',
            event: { type: 'go', n: 1 },
          },
          state,
        ],
      }),
    );
    expect(result.ok && result.inputs.map((i) => i.kind)).toEqual([
      'reset',
      'definition',
      'actor',
      'dropped',
      'event',
      'state',
    ]);
    expect(result.ok && result.inputs[2]).toEqual({
      kind: 'actor',
      room: 'r',
      actorId: 'x:1',
      name: 'assistant',
      parentId: undefined,
      machineKey: 'agent',
      time: 20,
    });
    expect(result.ok && result.inputs[5]).toEqual({
      kind: 'state',
      room: 'r',
      actorId: 'x:1',
      value: 'listening',
      status: 'active',
      eventType: 'go',
      time: 50,
    });
  });

  it('decodes live items and names what is wrong with bad frames', () => {
    const decoder = new MessageDecoder(clock);
    const ok = decoder.decode(
      '{"type":"inspector_item","item":{"kind":"event","room":"r","actorId":"a","event":{"type":"e"}}}',
    );
    expect(ok).toEqual({
      ok: true,
      inputs: [
        { kind: 'event', room: 'r', actorId: 'a', sourceId: undefined, event: { type: 'e' }, time: 1000 },
      ],
    });
    expect(decoder.decode('not json')).toEqual({ ok: false, error: 'frame is not JSON' });
    expect(decoder.decode('[1]')).toEqual({ ok: false, error: 'frame has no string `type`' });
    expect(decoder.decode('{"type":"inspector_item","item":{"kind":"event","room":"r"}}')).toEqual({
      ok: false,
      error: 'inspector_item has no valid `item`',
    });
    expect(decoder.decode('{"type":"surprise"}')).toEqual({
      ok: false,
      error: 'unknown message type "surprise"',
    });
    expect(decoder.decode('{"type":"error","message":"the inspect feed is read-only"}')).toEqual({
      ok: false,
      error: 'the feed said: the inspect feed is read-only',
    });
  });
});

describe('MessageDecoder: @statelyai/inspect messages', () => {
  const definition = JSON.stringify({
    id: 'toggle',
    initial: 'off',
    states: { off: { on: { T: 'on' } }, on: {} },
  });

  it('makes a room per root actor and routes children, snapshots and events to it', () => {
    const decoder = new MessageDecoder(clock);
    const root = decoder.decode(
      JSON.stringify({
        type: '@xstate.actor',
        name: 'toggle',
        sessionId: 'x:0',
        rootId: 'x:0',
        parentId: undefined,
        createdAt: '123',
        definition,
        snapshot: { status: 'active', value: 'off', context: { n: 0 } },
        _version: '0.4.0',
        id: null,
      }),
    );
    expect(root.ok && root.inputs).toEqual([
      {
        kind: 'definition',
        room: 'xstate:toggle',
        machineKey: 'toggle@x:0',
        definition: JSON.parse(definition),
      },
      {
        kind: 'actor',
        room: 'xstate:toggle',
        actorId: 'x:0',
        name: 'toggle',
        parentId: undefined,
        machineKey: 'toggle@x:0',
        time: 123,
      },
      {
        kind: 'state',
        room: 'xstate:toggle',
        actorId: 'x:0',
        value: 'off',
        status: 'active',
        eventType: 'xstate.init',
        context: { n: 0 },
        time: 123,
      },
    ]);
    const child = decoder.decode(
      JSON.stringify({
        type: '@xstate.actor',
        name: 'x:1',
        sessionId: 'x:1',
        rootId: 'x:0',
        parentId: 'x:0',
        definition: '{"id":"x:1"}',
        snapshot: { status: 'active' },
      }),
    );
    expect(
      child.ok &&
        child.inputs.map((i) => [i.kind, 'room' in i ? i.room : '', 'machineKey' in i ? i.machineKey : '-']),
    ).toEqual([
      ['actor', 'xstate:toggle', undefined],
      ['state', 'xstate:toggle', '-'],
    ]);
    const snap = decoder.decode(
      JSON.stringify({
        type: '@xstate.snapshot',
        sessionId: 'x:0',
        rootId: 'anonymous',
        event: { type: 'T' },
        snapshot: { status: 'active', value: 'on', context: { n: 1 } },
        createdAt: '200',
      }),
    );
    expect(snap.ok && snap.inputs).toEqual([
      {
        kind: 'state',
        room: 'xstate:toggle',
        actorId: 'x:0',
        value: 'on',
        status: 'active',
        eventType: 'T',
        context: { n: 1 },
        time: 200,
      },
    ]);
    const event = decoder.decode(
      JSON.stringify({
        type: '@xstate.event',
        sessionId: 'x:0',
        sourceId: undefined,
        rootId: 'x:0',
        event: { type: 'T' },
        createdAt: '199',
      }),
    );
    expect(event.ok && event.inputs).toEqual([
      {
        kind: 'event',
        room: 'xstate:toggle',
        actorId: 'x:0',
        sourceId: undefined,
        event: { type: 'T' },
        time: 199,
      },
    ]);
  });

  it('rejects stately messages missing what they need', () => {
    const decoder = new MessageDecoder(clock);
    expect(decoder.decode('{"type":"@xstate.actor"}')).toEqual({
      ok: false,
      error: '@xstate.actor has no `sessionId`',
    });
    expect(decoder.decode('{"type":"@xstate.snapshot","sessionId":"a"}')).toEqual({
      ok: false,
      error: '@xstate.snapshot needs `sessionId` and `snapshot`',
    });
    expect(decoder.decode('{"type":"@xstate.event","sessionId":"a","event":{}}')).toEqual({
      ok: false,
      error: '@xstate.event needs `sessionId` and an `event` with a `type`',
    });
  });
});

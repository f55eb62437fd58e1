import { TestClock } from '@chorus/core/testing';
import { Inspector } from '@chorus/inspector';
import {
  agentAudioDeltaOf,
  agentAudioDeltaWith,
  modelAudioDeltaFromBytes,
  type ServerEvent,
} from '@chorus/protocol';
import { pino } from 'pino';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayMetrics } from '../src/metrics.js';
import { RoomHost, type RoomListener } from '../src/room-host.js';
import type { Servable } from '../src/servable.js';

afterEach(() => vi.restoreAllMocks());

/** A room whose users' views hand on the room's own event objects, as `ChatRoom.join` does. */
function sharedViewRoom() {
  const bus = new Subject<ServerEvent>();
  const room: Servable = {
    events$: bus.asObservable(),
    start: async () => {},
    stop: async () => bus.complete(),
    handleInput: () => undefined,
    join: () => ({ events$: bus.asObservable(), leave: () => {} }),
  };
  return { room, bus };
}

function collector(): RoomListener & { frames: string[] } {
  const frames: string[] = [];
  return { frames, event: (_event, json) => frames.push(json()), ended: () => {} };
}

/** A shared-view room served by a `RoomHost`, with three users in it. */
async function threeUsers() {
  const { room, bus } = sharedViewRoom();
  const host = new RoomHost(
    { chat: () => room },
    new Inspector(),
    new GatewayMetrics(),
    pino({ level: 'silent' }),
    new TestClock(),
  );
  const users = [collector(), collector(), collector()];
  for (const [i, listener] of users.entries()) await host.open('chat', listener, undefined, { id: `u${i}` });
  return { bus, host, users };
}

describe('RoomHost serialization', () => {
  it("serializes each event once for all its users' views, to the same JSON", async () => {
    const { bus, host, users } = await threeUsers();
    const event: ServerEvent = {
      type: 'agent_response_audio_delta',
      agent_id: 'a',
      agent_name: 'A',
      response_id: 'r',
      item_id: 'i',
      delta: 'AAEC',
      format: { type: 'audio/pcm', rate: 24000 },
    };
    const stringify = vi.spyOn(JSON, 'stringify');
    bus.next(event);
    expect(stringify.mock.calls.filter(([value]) => value === event)).toHaveLength(1);
    for (const user of users) expect(user.frames).toEqual([JSON.stringify(event)]);
    await host.stopAll();
  });

  it('audio held as bytes: one base64 encoding for all users, put into the JSON without serializing the event', async () => {
    const { bus, host, users } = await threeUsers();
    let encoded = 0;
    const audio = Uint8Array.from({ length: 4800 }, (_, i) => (i * 13) & 0xff);
    const format = { type: 'audio/pcm', rate: 24000 } as const;
    const model = modelAudioDeltaFromBytes('r', 'i', format, audio, (bytes) => {
      encoded++;
      return Buffer.from(bytes).toString('base64');
    });
    const event = agentAudioDeltaWith(agentAudioDeltaOf({ agentId: 'a', agentName: 'A' }, model), {
      room_id: 'room',
    });
    const stringify = vi.spyOn(JSON, 'stringify');
    bus.next(event);
    expect(stringify.mock.calls.filter(([value]) => value === event)).toHaveLength(0);
    stringify.mockRestore();
    const expected = JSON.stringify({
      type: 'agent_response_audio_delta',
      agent_id: 'a',
      agent_name: 'A',
      response_id: 'r',
      item_id: 'i',
      delta: Buffer.from(audio).toString('base64'),
      format,
      room_id: 'room',
    });
    for (const user of users) expect(user.frames).toEqual([expected]);
    expect(encoded).toBe(1);
    await host.stopAll();
  });
});

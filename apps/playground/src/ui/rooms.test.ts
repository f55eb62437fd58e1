import { describe, expect, it } from 'vitest';
import { DEMO_ROOMS, loadRooms, roomNames } from './rooms.js';

describe('room list', () => {
  it('reads the shapes a /rooms endpoint may answer with', () => {
    expect(roomNames(['a', 'b'])).toEqual(['a', 'b']);
    expect(roomNames({ rooms: [{ name: 'x' }, 'y', 3, { name: '' }] })).toEqual(['x', 'y']);
    expect(roomNames({ nope: true })).toEqual([]);
  });

  it('prefers ?rooms=, then /rooms of the gateway, then the demo rooms', async () => {
    const never = (() => Promise.reject(new Error('no'))) as unknown as typeof fetch;
    expect(await loadRooms({ href: 'http://h/playground/?rooms=a,%20b' }, never)).toEqual(['a', 'b']);
    let asked = '';
    const gateway = ((url: URL) => {
      asked = url.toString();
      return Promise.resolve(new Response(JSON.stringify({ rooms: ['lobby'] })));
    }) as unknown as typeof fetch;
    expect(await loadRooms({ href: 'http://h:1/playground/' }, gateway)).toEqual(['lobby']);
    expect(asked).toBe('http://h:1/rooms');
    expect(await loadRooms({ href: 'http://h/playground/' }, never)).toEqual([...DEMO_ROOMS]);
  });
});

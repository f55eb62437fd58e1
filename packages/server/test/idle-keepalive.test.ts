import { EventEmitter } from 'node:events';
import { TestClock } from '@chorus/core/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { GuardedSocket } from '../src/guarded-socket.js';
import { DEFAULT_LIMITS } from '../src/options.js';

/** The socket's side the idle rule reads: events in, pings and closes out. */
class SocketStub extends EventEmitter {
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readyState = 1;
  pings = 0;
  closedWith: number | undefined;
  bufferedAmount = 0;
  ping(): void {
    this.pings++;
  }
  send(): void {}
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close', code, Buffer.from('idle timeout'));
  }
  terminate(): void {}
}

function guarded(clock: TestClock, stub: SocketStub): GuardedSocket {
  return new GuardedSocket(
    stub as unknown as WebSocket,
    { ...DEFAULT_LIMITS, idleTimeoutMs: 300_000 },
    clock,
    { slowConsumerNotice: () => '', onDrop: () => {}, onSlowConsumerClose: () => {} },
    { message: () => {}, closed: () => {} },
    pino({ level: 'silent' }),
    () => {},
  );
}

describe('idle rule: pongs count as activity', () => {
  it('pings every 100 s and keeps a socket that answers; closes one that does not with 4000', () => {
    const clock = new TestClock();
    const answering = new SocketStub();
    const silent = new SocketStub();
    guarded(clock, answering);
    guarded(clock, silent);
    for (let t = 0; t < 3_600_000; t += 100_000) {
      clock.increment(100_000);
      if (answering.readyState === 1) answering.emit('pong', Buffer.alloc(0));
    }
    expect(answering.closedWith).toBeUndefined();
    expect(answering.pings).toBeGreaterThanOrEqual(30);
    expect(silent.pings).toBe(2);
    expect(silent.closedWith).toBe(4000);
  });
});

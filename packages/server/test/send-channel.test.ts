import { EventEmitter } from 'node:events';
import { TestClock } from '@chorus/core/testing';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SendChannel } from '../src/send-channel.js';
import { TokenBucket } from '../src/token-bucket.js';

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: unknown[] = [];
  closedWith: [number, string] | undefined;
  terminated = false;
  send(data: unknown) {
    this.sent.push(data);
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = 2;
  }
  terminate() {
    this.terminated = true;
  }
}

function setup(options: Partial<ConstructorParameters<typeof SendChannel>[3]> = {}) {
  const ws = new FakeSocket();
  const clock = new TestClock();
  const notices: number[] = [];
  const channel = new SendChannel(
    ws as unknown as WebSocket,
    clock,
    {
      slowConsumerNotice: (n) => {
        notices.push(n);
        return `notice:${n}`;
      },
    },
    {
      highWaterBytes: 100,
      maxQueuedMessages: 3,
      maxQueuedBytes: 1000,
      slowConsumerDeadlineMs: 1000,
      noticeIntervalMs: 500,
      pollMs: 10,
      ...options,
    },
  );
  return { ws, clock, channel, notices };
}

describe('SendChannel', () => {
  it('gives up when the queued control messages pass the byte bound, before the count bound', () => {
    const { ws, channel } = setup({ maxQueuedMessages: 100, maxQueuedBytes: 1000 });
    ws.bufferedAmount = 1000;
    channel.send('x'.repeat(600));
    expect(channel.queuedBytes).toBe(600);
    expect(ws.closedWith).toBeUndefined();
    channel.send('y'.repeat(600));
    expect(ws.closedWith).toEqual([1008, 'slow consumer: send queue full']);
    expect(channel.queuedBytes).toBe(0);
  });

  it('sends straight through under the high water mark', () => {
    const { ws, channel } = setup();
    channel.send('a');
    channel.sendDroppable('b');
    expect(ws.sent).toEqual(['a', 'b']);
  });

  it('drops audio when behind, with one notice per interval, and keeps control messages in order', () => {
    const { ws, clock, channel, notices } = setup();
    ws.bufferedAmount = 500;
    channel.sendDroppable('audio1');
    channel.sendDroppable('audio2');
    channel.send('ctl1');
    expect(channel.dropped).toBe(2);
    expect(notices).toEqual([1]);
    clock.increment(500);
    channel.sendDroppable('audio3');
    expect(notices).toEqual([1, 3]);
    ws.bufferedAmount = 0;
    clock.increment(10);
    expect(ws.sent).toEqual(['notice:1', 'ctl1', 'notice:3']);
    expect(channel.behind).toBe(false);
  });

  it('closes a client that stays behind past the deadline, then terminates it', () => {
    const { ws, clock, channel } = setup();
    ws.bufferedAmount = 500;
    channel.sendDroppable('x');
    clock.increment(990);
    expect(ws.closedWith).toBeUndefined();
    clock.increment(20);
    expect(ws.closedWith).toEqual([1008, 'slow consumer: behind for too long']);
    clock.increment(1000);
    expect(ws.terminated).toBe(true);
  });

  it('closes when the control queue overflows', () => {
    const { ws, channel } = setup();
    ws.bufferedAmount = 500;
    for (let i = 0; i < 4; i++) channel.send(`c${i}`);
    expect(ws.closedWith).toEqual([1008, 'slow consumer: send queue full']);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the refill rate', () => {
    const clock = new TestClock();
    const bucket = new TokenBucket(3, 10, clock);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    clock.increment(100);
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    clock.increment(10_000);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

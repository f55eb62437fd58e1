import type { ChorusClock } from '@chorus/core';
import { ClockTimer } from './clock-timer.js';

/** Something that can be pinged: a `ws` WebSocket. */
export interface Pingable {
  ping(): void;
  readonly readyState: number;
}

const OPEN = 1;

/**
 * Detects dead sockets: pings every `intervalMs` and declares the socket dead when no pong arrives
 * within `timeoutMs`. A half-open TCP connection can stay silent for minutes; this bounds the wait.
 */
export class KeepAlive {
  private readonly pingTimer: ClockTimer;
  private readonly pongTimer: ClockTimer;

  constructor(
    clock: ChorusClock,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
  ) {
    this.pingTimer = new ClockTimer(clock);
    this.pongTimer = new ClockTimer(clock);
  }

  /** Starts watching `socket`; `onDead` runs once if a pong is late. */
  start(socket: Pingable, onDead: (reason: string) => void): void {
    this.stop();
    this.schedule(socket, onDead);
  }

  /** Call on every pong. */
  pong(): void {
    this.pongTimer.cancel();
  }

  stop(): void {
    this.pingTimer.cancel();
    this.pongTimer.cancel();
  }

  private schedule(socket: Pingable, onDead: (reason: string) => void): void {
    this.pingTimer.start(this.intervalMs, () => {
      if (socket.readyState !== OPEN) return;
      socket.ping();
      if (!this.pongTimer.running) {
        this.pongTimer.start(this.timeoutMs, () => {
          this.pingTimer.cancel();
          onDead(`no pong within ${this.timeoutMs} ms`);
        });
      }
      this.schedule(socket, onDead);
    });
  }
}

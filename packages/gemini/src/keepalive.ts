import type { ChorusClock } from '@chorus/core';

/**
 * Detects a dead socket: pings every `intervalMs` and declares the socket dead when neither a pong nor
 * any message arrived within `timeoutMs` of a ping. Gemini's pongs can lag by many seconds under
 * load, so the timeout should be generous; any incoming frame also proves the socket alive.
 */
export class Keepalive {
  private pingTimer: unknown;
  private deadline: unknown;
  private stopped = false;

  constructor(
    private readonly clock: ChorusClock,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly ping: () => void,
    private readonly onDead: () => void,
  ) {
    this.schedulePing();
  }

  /** A pong or any frame arrived. */
  alive(): void {
    if (this.deadline === undefined) return;
    this.clock.clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  stop(): void {
    this.stopped = true;
    if (this.pingTimer !== undefined) this.clock.clearTimeout(this.pingTimer);
    if (this.deadline !== undefined) this.clock.clearTimeout(this.deadline);
    this.pingTimer = undefined;
    this.deadline = undefined;
  }

  private schedulePing(): void {
    this.pingTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      if (this.deadline === undefined) {
        this.deadline = this.clock.setTimeout(() => {
          if (this.stopped) return;
          this.stop();
          this.onDead();
        }, this.timeoutMs);
        this.ping();
      }
      this.schedulePing();
    }, this.intervalMs);
  }
}

import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A sibling process that keeps one core busy, so that scheduling shifts and a race that timing
 * would hide on an idle machine shows up. Start it before the tests, stop it after.
 */
export class BusySibling {
  #child: ChildProcess | undefined;

  start(): void {
    this.#child = spawn(process.execPath, ['-e', 'for (;;) { Math.sqrt(Math.random()); }'], {
      stdio: 'ignore',
    });
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}

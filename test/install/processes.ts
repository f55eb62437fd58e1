import { type ChildProcess, spawn } from 'node:child_process';

/** What a finished command printed, and how it ended. */
export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * The environment of a person in a fresh terminal: without the `npm_*` variables `npm test` sets
 * (`npm_config_local_prefix` alone would point npm back at this repository), provider keys, a port
 * or colours.
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD') continue;
    if (/_API_KEYS?$/.test(key) || key === 'PORT' || key === 'CHORUS_MODEL') continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** A child process whose output is kept, with a way to wait for a line it prints. */
export class Command {
  readonly child: ChildProcess;
  readonly done: Promise<Finished>;
  stdout = '';
  stderr = '';
  #listeners = new Set<() => void>();

  constructor(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = userEnv()) {
    const started = performance.now();
    this.child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      for (const listener of this.#listeners) listener();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.done = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code) =>
        resolve({ code, stdout: this.stdout, stderr: this.stderr, ms: performance.now() - started }),
      );
    });
  }

  /** Resolves with the first match of `pattern` in stdout; rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.stdout.match(pattern);
        if (!match) return;
        this.#listeners.delete(check);
        resolve(match);
      };
      this.#listeners.add(check);
      check();
      this.done.then((finished) => {
        this.#listeners.delete(check);
        reject(
          new Error(
            `exited ${finished.code} before printing ${pattern}:\n${finished.stdout}\n${finished.stderr}`,
          ),
        );
      }, reject);
    });
  }

  /** Ends the process (SIGTERM) and resolves once it exited. */
  async stop(): Promise<Finished> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.done;
  }
}

/** Runs a command to its end. */
export function run(command: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv) {
  return new Command(command, args, cwd, env).done;
}

/** The `npm warn` lines of an npm command's output, except those of `allowedTopic` (e.g. install-scripts). */
export function npmWarnings(output: string, allowedTopic?: string): string[] {
  return output
    .split('\n')
    .filter((line) => /^npm warn/i.test(line))
    .filter((line) => allowedTopic === undefined || !line.startsWith(`npm warn ${allowedTopic}`));
}

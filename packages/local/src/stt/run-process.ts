import { spawn } from 'node:child_process';

export interface ProcessResult {
  readonly stdout: string;
  readonly stdoutBytes: Uint8Array;
  readonly stderr: string;
  readonly code: number | null;
}

/** Runs a program without a shell, collecting its output; killed when `signal` aborts. */
export function runProcess(
  file: string,
  args: readonly string[],
  options: { signal?: AbortSignal; input?: Uint8Array } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      // Keep only the tail: recognisers log a lot, and only the last lines explain a failure.
      err.push(chunk);
      errBytes += chunk.length;
      while (errBytes > 16_384 && err.length > 1) errBytes -= (err.shift() as Buffer).length;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      resolve({
        stdout: stdout.toString('utf8'),
        stdoutBytes: new Uint8Array(stdout),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
      });
    });
    child.stdin.on('error', () => {});
    if (options.input) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

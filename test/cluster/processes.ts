import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Real processes for the multi-process tests: a redis-server and `chorus serve` gateways, each
// started on a free loopback port and stopped by the test that started it.

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const CLI = join(ROOT, 'apps/chorus/src/cli.ts');

/** A free loopback port: bound to 0, read, closed (redis-server cannot listen on port 0 itself). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address) resolvePort(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Resolves with the first match of `pattern` in the child's output, or rejects when it exits or times out. */
function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  name: string,
): Promise<RegExpExecArray> {
  return new Promise((resolveMatch, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms; output:\n${seen}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (!match) return;
      cleanup();
      resolveMatch(match);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${name} exited (${code}) before ${pattern}; output:\n${seen}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Stops a child (SIGTERM, then SIGKILL after `graceMs`) and waits for its exit. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit();
    });
    child.kill('SIGTERM');
  });
}

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
}

/** A throwaway redis-server: no persistence, loopback only. */
export async function startRedis(port?: number): Promise<RedisProcess> {
  const chosen = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForOutput(child, /Ready to accept connections/, 10_000, 'redis-server');
  return { port: chosen, url: `redis://127.0.0.1:${chosen}`, child };
}

export interface GatewayProcess {
  readonly child: ChildProcess;
  /** `ws://127.0.0.1:PORT` */
  readonly base: string;
  readonly port: number;
}

/** The environment of a machine without provider keys. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of [
    'OPENAI_API_KEY',
    'GEMINI_API_KEY',
    'DASHSCOPE_API_KEY',
    'CHORUS_MODEL',
    'PORT',
    'CHORUS_API_KEYS',
  ])
    delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_')) delete env[key];
  return env;
}

/** `chorus serve` from the sources (as `npm run bench` runs them), on a free port, on the bus. */
export async function startGateway(args: readonly string[]): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@chorus/source', '--import', 'tsx', CLI, 'serve', '--port', '0', '--speed', '20', ...args],
    { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const match = await waitForOutput(child, /ws:\/\/127\.0\.0\.1:(\d+)\/ws/, 90_000, 'chorus serve');
  const port = Number(match[1]);
  return { child, base: `ws://127.0.0.1:${port}`, port };
}

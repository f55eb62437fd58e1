import cluster from 'node:cluster';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

/** What `--bus`, `--bus-lease-ms` and `--workers` ask for. */
export interface Scale {
  readonly bus?: string;
  readonly leaseMs?: number;
  readonly workers: number;
}

/** Most gateway processes one `chorus serve` starts (a few per core is already too many). */
const MAX_WORKERS = 64;

export function parseScale(
  bus: string | undefined,
  leaseMs: string | undefined,
  workers: string | undefined,
): Scale {
  if (bus !== undefined && !/^rediss?:\/\/[^\s/]+/.test(bus)) {
    throw new UsageError(`--bus takes a Redis URL such as redis://127.0.0.1:6379, got "${bus}"`);
  }
  const lease = leaseMs === undefined ? undefined : Number(leaseMs);
  if (lease !== undefined && !(Number.isInteger(lease) && lease >= 30 && lease <= 600_000)) {
    throw new UsageError(`--bus-lease-ms must be a whole number of ms from 30 to 600000, got "${leaseMs}"`);
  }
  if (lease !== undefined && bus === undefined) throw new UsageError('--bus-lease-ms needs --bus');
  const count = workers === undefined ? 1 : Number(workers);
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_WORKERS)) {
    throw new UsageError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, got "${workers}"`);
  }
  if (count > 1 && bus === undefined) {
    throw new UsageError(
      '--workers needs --bus redis://HOST:PORT: the workers share rooms through it (a user of one worker must hear the users of another)',
    );
  }
  return {
    workers: count,
    ...(bus === undefined ? {} : { bus }),
    ...(lease === undefined ? {} : { leaseMs: lease }),
  };
}

export function isPrimary(): boolean {
  return cluster.isPrimary;
}

/** The process that prints the banner: the only one, or the first worker. */
export function isFirstWorker(): boolean {
  return cluster.isPrimary || cluster.worker?.id === 1;
}

/**
 * `--workers N`: N gateway processes sharing the port (node:cluster hands each new connection to
 * one of them), each running this same command. A worker that dies is started again; SIGINT or
 * SIGTERM drains them all.
 */
export function runWorkers(count: number, io: CliIo): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    let failed = false;
    const start = () => {
      const worker = cluster.fork();
      worker.once('exit', (code, signal) => {
        if (stopping) {
          if (Object.keys(cluster.workers ?? {}).length === 0) resolve(failed ? 1 : 0);
          return;
        }
        io.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
        if (code === 2) {
          // A usage error: every worker would fail the same way.
          failed = true;
          stop();
          return;
        }
        start();
      });
    };
    const stop = () => {
      if (stopping) return;
      stopping = true;
      const workers = Object.values(cluster.workers ?? {});
      if (workers.length === 0) resolve(failed ? 1 : 0);
      for (const worker of workers) worker?.process.kill('SIGTERM');
    };
    for (let i = 0; i < count; i++) start();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

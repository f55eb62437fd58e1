import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.js';
import { MAIN_HELP, ROOM_HELP, SAY_HELP, SERVE_HELP } from './help.js';
import { runRoomCommand } from './room-command.js';
import { describe, runSay } from './say.js';
import { DEFAULT_PORT, type RunningServe, SHUTDOWN_DEADLINE_MS, startServe } from './serve.js';
import { isFirstWorker, isPrimary, parseScale, runWorkers } from './serve-workers.js';
import { speechCommand } from './speech-command.js';
import { createStyle } from './terminal.js';
import { UsageError } from './usage-error.js';

export type { CliIo } from './cli-io.js';

/** Where the CLI reads and writes; the process's own streams unless a test gives others. */
const processIo = (): CliIo => ({
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});

/** Runs `chorus <args>`; resolves with the exit code. */
export async function main(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = args;
  const err = createStyle(io.stderr, io.env);
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(MAIN_HELP);
        return 0;
      case 'serve':
        return await serveCommand(rest, io);
      case 'say':
        return await sayCommand(rest, io);
      case 'room':
        return await roomCommand(rest, io);
      case 'speech':
        return await speechCommand(rest, io);
      default:
        throw new UsageError(`unknown command "${command}"; the commands are serve, say, room and speech`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      const hint =
        command && ['serve', 'say', 'room', 'speech'].includes(command)
          ? `chorus ${command} --help`
          : 'chorus --help';
      io.stderr.write(`${err.red('error:')} ${(error as Error).message}\n${err.dim(`(see ${hint})`)}\n`);
      return 2;
    }
    io.stderr.write(`${err.red('error:')} ${describe(error)}\n`);
    return 1;
  }
}

/** parseArgs rejects unknown options and missing values with `ERR_PARSE_ARGS_*` errors. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** `--resume-grace <seconds>`: 0 (off) to a day. */
function parseGraceSeconds(text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > 86_400) {
    throw new UsageError(`--resume-grace must be a number of seconds from 0 to 86400, got "${text}"`);
  }
  return Math.round(seconds * 1000);
}

function parseSpeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const speed = Number(text);
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new UsageError(`--speed must be a positive number, got "${text}"`);
  return speed;
}

function parsePort(text: string, from: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) {
    throw new UsageError(`${from} must be a port number from 0 to 65535, got "${text}"`);
  }
  return port;
}

async function sayCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      room: { type: 'string' },
      out: { type: 'string', short: 'o' },
      model: { type: 'string', short: 'm' },
      speed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(SAY_HELP);
    return 0;
  }
  const text = positionals.join(' ').trim();
  if (text === '') throw new UsageError('say what? e.g. chorus say "What\'s the weather in Paris?"');
  const speed = parseSpeed(values.speed);
  return runSay({
    text,
    ...(values.room === undefined ? {} : { room: values.room }),
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(values.model === undefined ? {} : { model: values.model }),
    ...(speed === undefined ? {} : { speed }),
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}

async function roomCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      model: { type: 'string', short: 'm' },
      speed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(ROOM_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('which room? e.g. chorus room my-room.json');
  if (extra.length > 0) throw new UsageError(`one room file at a time, got ${positionals.length}`);
  const speed = parseSpeed(values.speed);
  return runRoomCommand({
    file,
    ...(values.model === undefined ? {} : { model: values.model }),
    ...(speed === undefined ? {} : { speed }),
    env: io.env,
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}

async function serveCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      model: { type: 'string', short: 'm' },
      speed: { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'twilio-auth-token': { type: 'string' },
      bus: { type: 'string' },
      'bus-lease-ms': { type: 'string' },
      workers: { type: 'string' },
      'resume-grace': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  const scale = parseScale(values.bus, values['bus-lease-ms'], values.workers);
  if (scale.workers > 1 && isPrimary()) return runWorkers(scale.workers, io);
  if (positionals.length > 0)
    throw new UsageError(`serve takes no arguments, got "${positionals.join(' ')}"`);
  const envPort = io.env.PORT?.trim();
  const port =
    values.port !== undefined
      ? parsePort(values.port, '--port')
      : envPort
        ? parsePort(envPort, 'PORT')
        : DEFAULT_PORT;
  const speed = parseSpeed(values.speed);
  const allowOrigins = parseOrigins(values['allow-origin']);
  const out = createStyle(io.stdout, io.env);
  const err = createStyle(io.stderr, io.env);
  const running = await startServe({
    port,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.model === undefined ? {} : { model: values.model }),
    ...(speed === undefined ? {} : { local: { speed } }),
    ...(allowOrigins ? { allowOrigins } : {}),
    ...(values['twilio-auth-token'] ? { twilioAuthToken: values['twilio-auth-token'] } : {}),
    ...(scale.bus ? { bus: scale.bus } : {}),
    ...(scale.leaseMs ? { busLeaseMs: scale.leaseMs } : {}),
    ...(values['resume-grace'] === undefined
      ? {}
      : { resumeGraceMs: parseGraceSeconds(values['resume-grace']) }),
    env: io.env,
    onNotice: (notice) => io.stderr.write(`${err.yellow('notice:')} ${notice}\n`),
  });
  // With --workers, the first worker speaks for all of them.
  if (!isFirstWorker()) return waitForSignal(running, io);
  const pad = (label: string) => out.dim(label.padEnd(12));
  // The pages are built in a Chorus checkout; the published CLI does not carry them.
  const notBuilt = (name: string) =>
    out.dim(`not built (in a Chorus checkout: npm run build -w @chorus/${name})`);
  io.stdout.write(
    [
      `${out.bold('Chorus')} is running ${out.dim(`(model ${running.model}; rooms ${running.rooms.join(', ')})`)}`,
      `  ${pad('Playground')}${running.pages.playground ?? notBuilt('playground')}`,
      `  ${pad('Inspector')}${running.pages.inspector ?? notBuilt('inspector-app')}`,
      `  ${pad('WebSocket')}${running.wsUrl}/<user>/<session>`,
      `  ${pad('OpenAI API')}${running.wsUrl.replace(/\/ws$/, '/v1/realtime')}`,
      `Try it in a terminal: ${out.bold('npx chorus say "What\'s the weather in Paris?"')}`,
      out.dim('Press Ctrl+C to stop.'),
      '',
    ].join('\n'),
  );
  return waitForSignal(running, io);
}

/** Runs until SIGINT or SIGTERM, then drains and closes; resolves with the exit code. */
function waitForSignal(running: RunningServe, io: CliIo): Promise<number> {
  const out = createStyle(io.stdout, io.env);
  const err = createStyle(io.stderr, io.env);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl+C means now.
        resolve(130);
        return;
      }
      stopping = true;
      io.stderr.write(out.dim(`\n${signal}: ending sessions and stopping rooms…\n`));
      const deadline = setTimeout(() => resolve(1), SHUTDOWN_DEADLINE_MS + 1000);
      deadline.unref();
      running.close(SHUTDOWN_DEADLINE_MS).then(
        () => {
          clearTimeout(deadline);
          io.stderr.write(out.dim('stopped\n'));
          resolve(0);
        },
        (error: unknown) => {
          clearTimeout(deadline);
          io.stderr.write(`${err.red('error:')} shutdown failed: ${describe(error)}\n`);
          resolve(1);
        },
      );
    };
    // A worker stops when its primary says so (a terminal's Ctrl+C reaches every worker too).
    if (isPrimary()) process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `--allow-origin` values (repeated or comma-separated): `*` or origins such as `https://app.example`. */
export function parseOrigins(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const origins = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const origin of origins) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      throw new UsageError(
        `--allow-origin takes origins like https://app.example (scheme, host, optional port; no path), got "${origin}"`,
      );
    }
  }
  return origins;
}

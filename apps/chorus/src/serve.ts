import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DEMO_ROOM, demoRooms, type LocalModelsOptions } from '@chorus/examples';
import { type ChorusServer, createChorusServer, createGatewayLogger, isLoopback } from '@chorus/server';
import { chooseModels } from './model-choice.js';
import { speechRecognitionNotice } from './speech-notice.js';
import { isBuiltPage, type StaticPage, servePages } from './static-pages.js';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
/** How long a shutdown may take before connections are cut. */
export const SHUTDOWN_DEADLINE_MS = 5000;

export interface ServeOptions {
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. Another address needs `CHORUS_API_KEYS`. */
  readonly host?: string;
  /** `local` (default), `openai:<model>`, `gemini:<model>`, `dashscope:<model>`. */
  readonly model?: string;
  /**
   * The directory holding the built pages: `<pagesDir>/playground/dist` is served at `/playground/`
   * and `<pagesDir>/inspector/dist` at `/inspector/`. Default: this repository's `apps` directory.
   */
  readonly pagesDir?: string;
  /** Options of the local model (tests pass `speed`). */
  readonly local?: LocalModelsOptions;
  readonly env?: NodeJS.ProcessEnv;
  /** Where notices go (default: nowhere; `chorus serve` prints them). */
  readonly onNotice?: (notice: string) => void;
  /**
   * Browser origins allowed besides loopback pages (`--allow-origin`; `*` for any). Without keys
   * only pages served from this machine may connect.
   */
  readonly allowOrigins?: readonly string[];
  /** Gateway log level (default `CHORUS_LOG_LEVEL`, else `warn`); logs go to stderr. */
  readonly logLevel?: string;
  /**
   * Twilio's auth token (`--twilio-auth-token`, else `TWILIO_AUTH_TOKEN`): phone calls at
   * `/twilio/voice` and `/twilio/media-stream` with Twilio's signatures checked. Without it, calls
   * are served only in loopback dev mode (no `CHORUS_API_KEYS`).
   */
  readonly twilioAuthToken?: string;
  /**
   * `redis://HOST:PORT` (`--bus`): share rooms by name with every gateway on the same Redis
   * (other processes, other machines). Private sessions never touch it.
   */
  readonly bus?: string;
  /** The shared rooms' owner lease in ms (`--bus-lease-ms`, default 5000): how long a dead owner's rooms wait to move. */
  readonly busLeaseMs?: number;
  /**
   * How long a Chorus session whose socket dropped is held for its client to resume it, in ms
   * (`--resume-grace <seconds>`; default 60 s, 0 turns resumption off).
   */
  readonly resumeGraceMs?: number;
}

/** A running `chorus serve`. */
export interface RunningServe {
  /** `http://127.0.0.1:8787`. */
  readonly url: string;
  /** The Chorus protocol endpoint without the user and session: `ws://127.0.0.1:8787/ws`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly host: string;
  /** The model actually used: `local` or e.g. `openai:gpt-realtime`. */
  readonly model: string;
  readonly rooms: readonly string[];
  /** The page URLs, for the pages that are built. */
  readonly pages: { readonly playground?: string; readonly inspector?: string };
  readonly gateway: ChorusServer;
  /**
   * Drains (every session gets `server_session_ended{reason:'shutdown'}`, rooms stop) and closes the
   * http server, within `deadlineMs` (default 5 s).
   */
  close(deadlineMs?: number): Promise<void>;
}

const DEFAULT_PAGES_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts the Chorus gateway with the demo rooms, on a `node:http` server that also serves the built
 * playground and inspector pages.
 */
export async function startServe(options: ServeOptions = {}): Promise<RunningServe> {
  const env = options.env ?? process.env;
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`port must be an integer from 0 to 65535, got ${port}`);
  }
  const hasKeys = (env.CHORUS_API_KEYS ?? '').trim() !== '';
  if (!hasKeys && !isLoopback(host)) {
    throw new Error(
      `serving on ${host} would let anyone in: set CHORUS_API_KEYS (e.g. "alice:sk-alice") or use --host 127.0.0.1`,
    );
  }
  const choice = await chooseModels(options.model, env, options.local);
  if (choice.notice) options.onNotice?.(choice.notice);
  const speech = await speechRecognitionNotice(choice.label, options.local, env);
  if (speech) options.onNotice?.(speech);
  const rooms = demoRooms({ model: choice.factory, voice: choice.voice });
  const twilioAuthToken = options.twilioAuthToken ?? (env.TWILIO_AUTH_TOKEN?.trim() || undefined);
  // OpenAI takes the caller's mu-law as it is; the other models take 16 kHz PCM (the default).
  const phoneInput = choice.label.startsWith('openai')
    ? ({ type: 'audio/pcmu', rate: 8000 } as const)
    : undefined;
  const twilio =
    twilioAuthToken !== undefined || !hasKeys
      ? {
          ...(twilioAuthToken === undefined ? {} : { authToken: twilioAuthToken }),
          ...(phoneInput ? { inputFormat: phoneInput } : {}),
        }
      : undefined;
  const gateway = createChorusServer({
    rooms,
    defaultRoom: DEFAULT_DEMO_ROOM,
    auth: hasKeys ? {} : { insecureDev: true },
    ...(twilio ? { twilio } : {}),
    ...(options.allowOrigins ? { allowedOrigins: options.allowOrigins } : {}),
    ...(options.resumeGraceMs === undefined ? {} : { resumption: { graceMs: options.resumeGraceMs } }),
    env,
    ...(options.bus
      ? { cluster: { bus: options.bus, ...(options.busLeaseMs ? { leaseMs: options.busLeaseMs } : {}) } }
      : {}),
    logger: createGatewayLogger({
      level: options.logLevel ?? env.CHORUS_LOG_LEVEL ?? 'warn',
      destination: process.stderr,
    }),
  });
  if (options.bus && !(await busReady(gateway))) {
    options.onNotice?.(
      `the bus ${options.bus} is not reachable yet: private sessions work, shared rooms are refused until it is`,
    );
  }
  const pagesDir = options.pagesDir ?? DEFAULT_PAGES_DIR;
  const pages: StaticPage[] = [
    { prefix: '/playground/', dir: join(pagesDir, 'playground', 'dist') },
    { prefix: '/inspector/', dir: join(pagesDir, 'inspector', 'dist') },
  ];
  const built = pages.filter((page) => isBuiltPage(page.dir));

  let base = '';
  const http: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    try {
      if (gateway.handleRequest(request, response)) return;
      if (servePages(built, request, response)) return;
      if (request.url === '/' || request.url === '/index.html') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(homePage(base, built));
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    } catch {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    }
  });
  gateway.attach(http);
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await gateway.close();
    throw listenError(error, port, host);
  }
  const address = http.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  base = `http://${shownHost}:${address.port}`;
  const pageUrl = (prefix: string) =>
    built.some((p) => p.prefix === prefix) ? `${base}${prefix}` : undefined;
  const playground = pageUrl('/playground/');
  const inspector = pageUrl('/inspector/');

  let closing: Promise<void> | undefined;
  const close = (deadlineMs = SHUTDOWN_DEADLINE_MS) => {
    closing ??= (async () => {
      http.close();
      await gateway.drain({ deadlineMs });
      http.closeAllConnections();
      await gateway.close();
      await new Promise<void>((resolve) => {
        if (!http.listening) resolve();
        else http.close(() => resolve());
      });
    })();
    return closing;
  };

  return {
    url: base,
    wsUrl: `ws://${shownHost}:${address.port}/ws`,
    port: address.port,
    host: address.address,
    model: choice.label,
    rooms: Object.keys(rooms),
    pages: { ...(playground ? { playground } : {}), ...(inspector ? { inspector } : {}) },
    gateway,
    close,
  };
}

function homePage(base: string, built: readonly StaticPage[]): string {
  const links = built
    .map((p) => `<li><a href="${p.prefix}">${p.prefix.replaceAll('/', '')}</a></li>`)
    .join('');
  const ws = base.replace(/^http/, 'ws');
  return `<!doctype html><meta charset="utf-8"><title>Chorus</title>
<h1>Chorus</h1>
<p>The Chorus protocol: <code>${ws}/ws/&lt;user&gt;/&lt;session&gt;</code>; OpenAI Realtime: <code>${ws}/v1/realtime</code>.</p>
<ul>${links || '<li>No page is built yet: run <code>npm run build</code>.</li>'}</ul>
`;
}

/** The likeliest listen failure, a taken port, told with the two ways to pick another. */
function listenError(error: unknown, port: number, host: string): unknown {
  if ((error as NodeJS.ErrnoException | null)?.code !== 'EADDRINUSE') return error;
  return new Error(
    `port ${port} on ${host} is in use: stop what runs there, or choose another port with --port <n> or the PORT variable (0 picks a free one)`,
    { cause: error },
  );
}

/** Waits up to 2 s for the gateway's bus to connect. */
async function busReady(gateway: ChorusServer): Promise<boolean> {
  for (let waited = 0; waited < 2000; waited += 50) {
    if (gateway.busAvailable) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return gateway.busAvailable === true;
}

import { type Logger, pino } from 'pino';

/** Paths pino censors wherever they appear in a log record: credentials never reach the logs. */
export const REDACTED_PATHS = [
  'apiKey',
  'apiKeys',
  'key',
  'token',
  'authorization',
  '*.apiKey',
  '*.apiKeys',
  '*.key',
  '*.token',
  '*.authorization',
  'headers.authorization',
  'headers["api-key"]',
  'headers["sec-websocket-protocol"]',
  'req.headers.authorization',
  'req.headers["api-key"]',
  'req.headers["sec-websocket-protocol"]',
];

/** The gateway's default logger: JSON lines on stdout, info level, secrets redacted. */
export function createGatewayLogger(
  options: { level?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  const config = {
    name: 'chorus-server',
    level: options.level ?? process.env.CHORUS_LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** The parts of a URL safe to log: path and query keys, never query values (some clients put keys there). */
export function loggableUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  return `${url.slice(0, q)}?${[...params.keys()].map((k) => `${k}=…`).join('&')}`;
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningServe } from '@chorus/cli';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; CI installs the `chromium` package. */
export const CHROMIUM = '/usr/bin/chromium';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = join(REPO_ROOT, 'test', 'artifacts');

/** Why browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  return undefined;
}

/**
 * Builds a page with `vite build` when its `dist` is missing. CI runs `npm run build` first, so this
 * only costs time on a fresh checkout.
 */
export function ensurePageBuilt(app: 'playground' | 'inspector'): void {
  const dir = join(REPO_ROOT, 'apps', app);
  if (existsSync(join(dir, 'dist', 'index.html'))) return;
  execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'vite'), ['build'], {
    cwd: dir,
    stdio: 'pipe',
    timeout: 180_000,
  });
}

export interface LaunchOptions {
  /** A WAV file the fake microphone plays (in a loop). */
  readonly microphoneWav?: string;
}

/** Headless Chromium with a fake microphone and camera, autoplay allowed, no background network. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (options.microphoneWav) args.push(`--use-file-for-fake-audio-capture=${options.microphoneWav}`);
  return chromium.launch({ executablePath: CHROMIUM, args });
}

/** A running `chorus serve` and a browser to open its pages in; the caller closes both. */
export interface ServeAndBrowser {
  readonly serve: RunningServe;
  readonly browser: Browser;
}

/**
 * Builds both pages if needed, starts `chorus serve` on 127.0.0.1 (any port) and launches Chromium.
 * If the browser fails to launch, the server is closed before the error is passed on.
 */
export async function startServeAndBrowser(): Promise<ServeAndBrowser> {
  ensurePageBuilt('playground');
  ensurePageBuilt('inspector');
  const { startServe } = await import('@chorus/cli');
  const serve = await startServe({ port: 0, host: '127.0.0.1' });
  try {
    return { serve, browser: await launchChromium() };
  } catch (error) {
    await serve.close();
    throw error;
  }
}

/**
 * Synthesized speech as a WAV for the fake microphone: espeak-ng's voice, resampled by sox to 48 kHz
 * mono 16-bit, with silence before and after (Chromium loops the file, so the silence is the pause
 * between repetitions).
 */
export function speechWav(text: string, name: string, silenceBefore = 0.3, silenceAfter = 4): string {
  const dir = join(tmpdir(), 'chorus-browser');
  mkdirSync(dir, { recursive: true });
  const raw = join(dir, `${name}.raw.wav`);
  const out = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-s', '150', '-w', raw, text], { stdio: 'pipe', timeout: 30_000 });
  execFileSync(
    'sox',
    [raw, '-r', '48000', '-c', '1', '-b', '16', out, 'pad', String(silenceBefore), String(silenceAfter)],
    {
      stdio: 'pipe',
      timeout: 30_000,
    },
  );
  return out;
}

/** Whether the system has the tools `speechWav` needs. */
export function speechToolsReason(): string | undefined {
  for (const tool of ['espeak-ng', 'sox']) {
    try {
      execFileSync('which', [tool], { stdio: 'pipe' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return undefined;
}

/** Saves a screenshot under test/artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Paths a page may ask for and not find: the playground asks the gateway for `/rooms`, optional. */
const OPTIONAL_PATHS = new Set(['/rooms']);

/**
 * Collects the page's uncaught exceptions, console errors and failed requests (other than optional
 * ones), so a test can assert there were none.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    // Failed loads are reported with their URL by the response listener below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (response.status() >= 400 && !OPTIONAL_PATHS.has(path))
      errors.push(`HTTP ${response.status()} ${path}`);
  });
  return errors;
}

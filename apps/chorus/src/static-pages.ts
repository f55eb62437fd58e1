import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A built web page served under a path prefix, e.g. `/playground/` from `apps/playground/dist`. */
export interface StaticPage {
  /** `/playground/`: starts and ends with a slash. */
  readonly prefix: string;
  /** The directory holding the page's `index.html` and assets. */
  readonly dir: string;
}

/** Whether `dir` holds a built page (an `index.html`). */
export function isBuiltPage(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * Serves files of built pages with GET and HEAD. Paths are confined to the page's directory;
 * unknown paths under a prefix get the page's `index.html` (client-side routes). Returns false for
 * requests outside every prefix, so the caller can answer them.
 */
export function servePages(
  pages: readonly StaticPage[],
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = decodeURIComponentSafe(url.pathname);
  for (const page of pages) {
    if (path === page.prefix.slice(0, -1)) {
      response.writeHead(301, { location: page.prefix }).end();
      return true;
    }
    if (!path.startsWith(page.prefix)) continue;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    const root = resolve(page.dir);
    const relative = normalize(path.slice(page.prefix.length) || 'index.html');
    let file = resolve(root, relative);
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden\n');
      return true;
    }
    if (!isFile(file)) file = join(root, 'index.html');
    if (!isFile(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('page not built\n');
      return true;
    }
    const html = file.endsWith('.html');
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      // Built assets carry a content hash in their names; the page itself must always be fresh.
      'cache-control': html ? 'no-cache' : 'public, max-age=3600',
    });
    if (request.method === 'HEAD') response.end();
    else
      createReadStream(file)
        .on('error', () => response.destroy())
        .pipe(response);
    return true;
  }
  return false;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

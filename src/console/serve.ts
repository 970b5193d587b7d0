import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { isConsolePage } from './routes';

/** Where `npm run build:console` writes the console (Vite's outDir). */
export const CONSOLE_DIST_DIR = resolve(__dirname, 'dist');

/** Paths the API itself answers: the console never shadows them. */
const API_PREFIXES = ['/api/', '/webhooks/', '/health', '/ready', '/openapi.json'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dualwrite console</title></head>
<body><h1>The console is not built</h1><p>Run <code>npm run build:console</code> (npm start and npm test do it), then reload.</p></body></html>`;

async function fileIn(dir: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const candidate = normalize(join(dir, decoded));
  // A path that climbs out of the dist folder (../) is never served.
  if (candidate !== dir && !candidate.startsWith(dir + sep)) return undefined;
  try {
    return (await stat(candidate)).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the built console: its files as they are, and index.html for the console's pages (it
 * routes in the browser, so a reload of /maps/customer-groups must get the page too). Anything
 * else falls through to the API, whose 404 keeps its JSON error body.
 */
export function serveConsole(dir: string = CONSOLE_DIST_DIR): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    if (API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) return next();
    const file = path === '/' ? undefined : await fileIn(dir, path);
    if (file) {
      const body = await readFile(file);
      const immutable = path.startsWith('/assets/');
      return c.body(body, 200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    if (!isConsolePage(path)) return next();
    const index = await fileIn(dir, '/index.html');
    if (!index) return c.html(NOT_BUILT, 503);
    return c.body(await readFile(index), 200, { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-cache' });
  };
}

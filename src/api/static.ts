import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { RadarError } from '../core/errors.js';

// Serves the built console (web/dist) at / with a single-page-app fallback:
// any GET outside /api and /docs that is not a file gets index.html, so deep
// links like /cases/123 survive a reload. The files are public (the app shows
// its own sign-in); every API call it makes is still authenticated.

export const DEFAULT_WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json',
  '.wav': 'audio/wav', '.mp3': 'audio/mpeg',
};

// Styles inline is needed by ECharts and React style props; scripts only from us.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; media-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const NOT_BUILT = `<!doctype html><html lang="ko"><meta charset="utf-8"><title>민원 레이더</title>
<body style="font-family:sans-serif;padding:3rem;line-height:1.6">
<h1>민원 레이더 콘솔이 아직 빌드되지 않았습니다</h1><p>The console has not been built yet. Run <code>npm run build:web</code> and reload.</p>
<p>API 문서 / API docs: <a href="/docs">/docs</a></p></body></html>`;

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Resolves a URL path to a file under root, or null when it would escape root or has no such file. */
export async function resolveStatic(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  return (await isFile(full)) ? full : null;
}

export async function staticRoutes(app: FastifyInstance, opts: { root?: string } = {}) {
  const root = path.resolve(opts.root ?? process.env.RADAR_WEB_ROOT ?? DEFAULT_WEB_ROOT);

  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const urlPath = req.url.split('?')[0];
    if (urlPath.startsWith('/api/') || urlPath === '/api' || urlPath.startsWith('/docs/')) {
      throw new RadarError(404, 'route_not_found', `No route ${req.method} ${urlPath}`);
    }
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    const file = await resolveStatic(root, urlPath);
    if (file && !file.endsWith('index.html')) {
      const immutable = urlPath.startsWith('/assets/');
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.type(TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
      return reply.send(await readFile(file));
    }
    // Asset-looking paths that do not exist are real 404s, not the app shell.
    if (path.extname(urlPath) !== '' && !urlPath.endsWith('.html')) {
      throw new RadarError(404, 'file_not_found', `No file ${urlPath}`);
    }
    const index = path.join(root, 'index.html');
    reply.header('cache-control', 'no-cache');
    reply.header('content-security-policy', CSP);
    reply.header('x-frame-options', 'DENY');
    reply.type('text/html; charset=utf-8');
    return reply.send((await isFile(index)) ? await readFile(index) : NOT_BUILT);
  });
}

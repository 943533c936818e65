// The web dashboard's files (dist/web, built by `vite build`) from `/`: only regular files under
// the root (no traversal, no dotfiles), content types by extension, a year's cache for the
// content-hashed files under /assets/, and index.html for every other path without a file so the
// dashboard's own routes (/findings/ID, ...) survive a reload. The server's CSP applies to all.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** dist/web beside the package: the same from src/server (Node runs .ts) and dist/server. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const HASHED = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** Paths the static handler never answers (the API's own 404s stay JSON). */
export function isApiPath(url: string): boolean {
  return /^\/(api|healthz|readyz|metrics)(\/|$|\?)/.test(url);
}

/**
 * The file under `root` that `urlPath` names, or null when it leaves the root, names a dotfile
 * or cannot be decoded. `urlPath` is the request URL's path (no query).
 */
export function resolveUnder(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const normal = path.posix.normalize(`/${decoded}`);
  if (normal.split('/').some((part) => part.startsWith('.'))) return null;
  const full = path.resolve(root, `.${normal}`);
  const base = path.resolve(root);
  return full === base || full.startsWith(base + path.sep) ? full : null;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Answers a GET/HEAD for the dashboard. Returns false when it has nothing to say (not GET/HEAD,
 * an API path, no built dashboard, or a missing file with an extension: a real 404).
 */
export async function serveStatic(req: FastifyRequest, reply: FastifyReply, root: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const urlPath = req.url.split('?')[0] ?? '/';
  if (isApiPath(urlPath)) return false;
  const index = path.join(root, 'index.html');
  let file = urlPath === '/' ? index : resolveUnder(root, urlPath);
  if (file === null) return false;
  if (!(await isFile(file))) {
    // A client route (no extension) gets the app; a missing asset is a 404.
    if (path.posix.extname(urlPath) !== '' || !(await isFile(index))) return false;
    file = index;
  }
  const body = await readFile(file);
  const ext = path.extname(file).toLowerCase();
  void reply.type(TYPES[ext] ?? 'application/octet-stream');
  void reply.header('cache-control', urlPath.startsWith('/assets/') && file !== index ? HASHED : REVALIDATE);
  void reply.status(200).send(body);
  return true;
}

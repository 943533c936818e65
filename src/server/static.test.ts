import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUnder, serveStatic } from './static.ts';

let app: FastifyInstance;
let base: string;
let dir: string;
let root: string;

/** A raw GET (fetch would normalise `..` and `%2e%2e` away before sending). */
function rawGet(p: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: p, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sg-static-'));
  root = path.join(dir, 'web');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(path.join(root, 'favicon.svg'), '<svg/>');
  writeFileSync(path.join(root, '.secret'), 'hidden');
  writeFileSync(path.join(dir, 'outside.txt'), 'outside the web root');
  app = Fastify();
  app.get('/api/v1/thing', async () => ({ ok: true }));
  app.setNotFoundHandler(async (req, reply) => {
    if (await serveStatic(req, reply, root)) return reply;
    return reply.status(404).send({ error: 'no such route' });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard static files', () => {
  it('serves index.html at / and for client routes, revalidated on every load', async () => {
    for (const p of ['/', '/findings', '/findings/abc?x=1', '/settings/']) {
      const r = await rawGet(p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.body).toContain('<title>app</title>');
    }
  });

  it('serves hashed assets with their type and a year of cache', async () => {
    const js = await rawGet('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await rawGet('/assets/index-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await rawGet('/favicon.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('no-cache');
  });

  it('answers 404 for a missing asset instead of the app', async () => {
    const r = await rawGet('/assets/missing-000.js');
    expect(r.status).toBe(404);
    expect(r.body).toContain('no such route');
  });

  it('never leaves the root or shows dotfiles', async () => {
    for (const p of [
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/.secret',
      '/%2esecret',
      '/a%00b',
      '/%E0%A4%A',
    ]) {
      const r = await rawGet(p);
      expect(r.body, p).not.toContain('outside the web root');
      expect(r.body, p).not.toContain('hidden');
    }
  });

  it('leaves API paths to the API', async () => {
    expect((await rawGet('/api/v1/thing')).body).toBe('{"ok":true}');
    const r = await rawGet('/api/v1/nothing');
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toContain('application/json');
  });

  it('resolves paths only inside the root', () => {
    expect(resolveUnder('/srv/web', '/assets/a.js')).toBe('/srv/web/assets/a.js');
    expect(resolveUnder('/srv/web', '/../etc/passwd')).toBe('/srv/web/etc/passwd');
    expect(resolveUnder('/srv/web', '/%2e%2e/%2e%2e/etc/passwd')).toBe('/srv/web/etc/passwd');
    expect(resolveUnder('/srv/web', '/a\\..\\b')).toBe(null);
    expect(resolveUnder('/srv/web', '/x/.git/config')).toBe(null);
    expect(resolveUnder('/srv/web', '/%ZZ')).toBe(null);
  });
});

// The web dashboard's bundle size for `npm run bench`: `vite build` into dist/web, then the
// gzip size of everything index.html loads (its scripts and styles) and of index.html itself.
// Baseline: React and ReactDOM's own production files gzipped, the floor any React app starts at.

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const gz = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;

export function measureWebBundle(root: string): { bundleBytes: number; reactBytes: number; files: number } {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const res = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'error'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (res.status !== 0) throw new Error('vite build failed');
  const out = path.join(root, 'dist', 'web');
  const assets = readdirSync(path.join(out, 'assets')).filter((f) => /\.(js|css)$/.test(f));
  const bundleBytes =
    gz(path.join(out, 'index.html')) + assets.reduce((n, f) => n + gz(path.join(out, 'assets', f)), 0);
  const reactBytes = ['react/cjs/react.production.js', 'react-dom/cjs/react-dom-client.production.js'].reduce(
    (n, f) => n + gz(path.join(root, 'node_modules', f)),
    0,
  );
  return { bundleBytes, reactBytes, files: assets.length + 1 };
}

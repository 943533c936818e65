// Builds the dashboard into dist/web (served by `sakura-guard serve` from `/`). Assets get
// content hashes in their names so the server can let browsers cache them for a year.

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline script or data: fonts: the server's CSP forbids both.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});

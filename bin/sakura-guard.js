#!/usr/bin/env node
// Entry point of the `sakura-guard` command. The TypeScript sources are built into dist/ by
// `npm install` (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write(
    'sakura-guard: the program is not built yet. Run `npm install` (or `npm run build`) first.\n',
  );
  process.exit(70);
}
const { run } = await import(main);
process.exitCode = await run(process.argv);

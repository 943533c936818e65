// The `sakura-guard` command run from the TypeScript sources (Node 24 strips the types), for tests
// that start real processes without building dist/ first: `node src/cli/process-runner.ts ARGS...`.

import { run } from './main.ts';

process.exitCode = await run(process.argv);

// Where the shared datasets are: `../shared/datasets` beside the repository (as on developer
// machines and in CI), or $SAKURA_GUARD_SHARED_DATASETS. Tests that read them skip when absent.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const SHARED_DATASETS =
  process.env.SAKURA_GUARD_SHARED_DATASETS ?? path.resolve(repoRoot, '..', 'shared', 'datasets');

// What the detection knows about: threat-intel / trusted lists and the asset inventory.

import { readFile } from 'node:fs/promises';
import { inventoryPath } from '../../assets/load.ts';
import { parseInventory } from '../../assets/inventory.ts';
import { listIntelLists } from '../../intel/store.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

export const catalogRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/intel',
    summary: 'Threat-intel and trusted lists',
    access: need('intel:read'),
    async handler({ deps }) {
      return { items: await listIntelLists(deps.dataDir) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/assets',
    summary: 'Assets of the inventory (DATA_DIR/inventory.yaml)',
    access: need('assets:read'),
    async handler({ deps }) {
      const file = inventoryPath(deps.dataDir);
      const text = await readFile(file, 'utf8').catch(() => null);
      return { items: text === null ? [] : parseInventory(text, file).assets };
    },
  }),
];

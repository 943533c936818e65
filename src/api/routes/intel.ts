// Threat-intel and trusted lists from the dashboard, as `sakura-guard intel add/remove` does:
// the list's text is written to a private temporary file and added from there (same parsing,
// same manifest, same rejected-line report). Live detection loads the lists when it starts.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { LIST_FORMATS } from '../../intel/entry.ts';
import type { FormatChoice } from '../../intel/formats/index.ts';
import { LIST_KINDS, type ListKind } from '../../intel/lookup.ts';
import { addIntelList, removeIntelList } from '../../intel/store.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

const kinds = LIST_KINDS as [ListKind, ...ListKind[]];
const formats = ['auto', ...LIST_FORMATS] as [FormatChoice, ...FormatChoice[]];

export const intelRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/intel',
    summary: 'Add (or replace) a list from its text; applies to live detection after a restart',
    access: need('intel:write'),
    status: 201,
    body: z
      .object({
        name: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, '1-64 letters, digits, dots, dashes, underscores'),
        content: z.string().min(1),
        kind: z.enum(kinds).default('threat'),
        format: z.enum(formats).default('auto'),
      })
      .strict(),
    async handler({ body, deps, audit }) {
      const dir = await mkdtemp(path.join(tmpdir(), 'sakura-guard-intel-'));
      try {
        const file = path.join(dir, `${body.name}.txt`);
        await writeFile(file, body.content, { mode: 0o600 });
        const r = await addIntelList(deps.dataDir, file, {
          name: body.name,
          kind: body.kind,
          format: body.format,
          clock: deps.clock,
        });
        await audit('intel.add', r.manifest.name, { kind: r.manifest.kind, entries: r.manifest.entries });
        await deps.reloadLookups?.(); // live detection uses the new list from the next record
        return {
          manifest: r.manifest,
          rejected: r.parsed.rejections.slice(0, 20).map((x) => ({ line: x.line, reason: x.reason })),
          // False: live detection reloads its lists now (an API node has no detection to reload).
          restartNeeded: deps.reloadLookups === undefined,
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/intel/:name',
    summary: 'Remove a list; applies to live detection after a restart',
    access: need('intel:write'),
    async handler({ params, deps, audit }) {
      const removed = await removeIntelList(deps.dataDir, params['name'] ?? '');
      await audit('intel.remove', removed.name);
      await deps.reloadLookups?.();
      return { removed, restartNeeded: deps.reloadLookups === undefined };
    },
  }),
];

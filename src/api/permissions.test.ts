import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allows, permissionMatrixMarkdown, roleRank, ROLES } from './permissions.ts';

describe('permission matrix', () => {
  it('docs/api.md shows exactly the matrix the server enforces', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/api.md'), 'utf8');
    const m = /<!-- permission-matrix:start -->\n([\s\S]*?)\n<!-- permission-matrix:end -->/.exec(doc);
    expect(m?.[1]).toBe(permissionMatrixMarkdown());
  });

  it('roles are nested: what a viewer may, an analyst may; what an analyst may, an admin may', () => {
    expect(ROLES.map(roleRank)).toEqual([2, 1, 0]);
    expect(allows('viewer', 'findings:write')).toBe(false);
    expect(allows('analyst', 'findings:write')).toBe(true);
    expect(allows('analyst', 'users:write')).toBe(false);
    expect(allows(null, 'findings:read')).toBe(false);
  });
});

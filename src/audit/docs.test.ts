import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CHECKS } from './checks/definitions.ts';
import { CHECKS_DOC, renderChecksDoc } from './docs.ts';

describe('docs/posture-checks.md', () => {
  it('is what the check definitions generate (run `node src/audit/docs.ts` when this fails)', async () => {
    expect(await readFile(CHECKS_DOC, 'utf8')).toBe(await renderChecksDoc());
  });
  it('every check has a unique id, a title, a description and a remediation', () => {
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
    for (const c of CHECKS) {
      expect(c.id).toMatch(/^[A-Z0-9]+(-[A-Z0-9]+)+$/);
      expect(c.title.length).toBeGreaterThan(10);
      expect(c.description.length).toBeGreaterThan(20);
      expect(c.remediation.length).toBeGreaterThan(10);
    }
  });
});

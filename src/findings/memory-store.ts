// An in-memory FindingStore: tests, `eval`, and runs without a data directory.

import type { Finding } from './finding.ts';
import { compareFindings, matchesQuery, type FindingQuery, type FindingStore } from './store.ts';
import type { SuppressionRule } from './suppression.ts';

export function createMemoryFindingStore(): FindingStore {
  const findings = new Map<string, Finding>();
  const rules = new Map<string, SuppressionRule>();
  return {
    get: async (id) => {
      const f = findings.get(id);
      return f ? structuredClone(f) : null;
    },
    put: async (f) => {
      findings.set(f.id, structuredClone(f));
    },
    flush: async () => undefined,
    list: async (q: FindingQuery = {}) =>
      [...findings.values()]
        .filter((f) => matchesQuery(f, q))
        .map((f) => structuredClone(f))
        .sort(compareFindings),
    putRule: async (r) => {
      rules.set(r.id, structuredClone(r));
    },
    listRules: async () =>
      [...rules.values()].map((r) => structuredClone(r)).sort((a, b) => a.createdAt - b.createdAt),
    deleteRule: async (id) => rules.delete(id),
  };
}

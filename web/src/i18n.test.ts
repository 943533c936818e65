import { describe, expect, it } from 'vitest';
import { en, ja, MESSAGES, type MessageKey } from './messages.ts';

/** Japanese strings may keep these Latin words (product names, protocols, file names). */
const KEEP = new Set([
  'Sakura',
  'Guard',
  'SQL',
  'CSV',
  'JSON',
  'API',
  'AWS',
  'UDP',
  'VPC',
  'SELECT',
  'Ctrl',
  'Enter',
  'Space',
  'ingest',
  'inventory',
  'yaml',
  'sakura',
  'guard',
  'filter',
  'stats',
  'sort',
]);

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('dashboard messages', () => {
  it('has every key in both languages, none empty', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const table of Object.values(MESSAGES))
      for (const [k, v] of Object.entries(table)) expect(v.trim(), k).not.toBe('');
  });

  it('uses the same {placeholders} in both languages', () => {
    for (const k of Object.keys(en) as MessageKey[])
      expect(placeholders(ja[k]), k).toEqual(placeholders(en[k]));
  });

  it('leaves no English word in the Japanese table but the kept names', () => {
    const untranslated: string[] = [];
    for (const [k, v] of Object.entries(ja)) {
      const words = v.replace(/\{\w+\}/g, '').match(/[A-Za-z]{2,}/g) ?? [];
      const bad = words.filter((w) => !KEEP.has(w));
      if (bad.length > 0 || (k !== 'app.title' && v === en[k as MessageKey])) untranslated.push(`${k}: ${v}`);
    }
    expect(untranslated).toEqual([]);
  });
});

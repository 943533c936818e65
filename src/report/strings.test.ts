import { describe, expect, it } from 'vitest';
import { LANGUAGES, STRINGS, t } from './strings.ts';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('report strings', () => {
  it('every language has every key, none empty, with the same placeholders as English', () => {
    const keys = Object.keys(STRINGS.en).sort();
    for (const lang of LANGUAGES) {
      const table = STRINGS[lang] as Record<string, string | undefined>;
      expect(Object.keys(table).sort(), lang).toEqual(keys);
      for (const k of keys) {
        const text = table[k];
        expect(text, `${lang}.${k}`).toBeTruthy();
        expect(placeholders(text ?? ''), `${lang}.${k}`).toEqual(
          placeholders(STRINGS.en[k as keyof typeof STRINGS.en]),
        );
      }
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('en', 'more', { n: 3 })).toBe('3 more not shown');
    expect(t('ja', 'more', { n: 3 })).toBe('ほか 3 件は省略');
    expect(t('en', 'more')).toBe('{n} more not shown');
  });
});

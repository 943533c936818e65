// English / 日本語: the language names stay in their own language, as language menus do.

import type { ReactNode } from 'react';
import { useI18n } from '../i18n.tsx';
import type { Locale } from '../messages.ts';

export function LanguageSwitch(): ReactNode {
  const { t, locale, setLocale } = useI18n();
  return (
    <select
      className="lang"
      aria-label={t('nav.language')}
      value={locale}
      onChange={(e) => setLocale(e.target.value as Locale)}
      data-testid="language"
    >
      <option value="en">English</option>
      <option value="ja">日本語</option>
    </select>
  );
}

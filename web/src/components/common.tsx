// Small pieces every page uses: an error box, a loading line, a severity badge, a data table.

import type { ReactNode } from 'react';
import { ApiFailure } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';

export function ErrorBox(props: { error: unknown }): ReactNode {
  const { t } = useI18n();
  if (props.error === null || props.error === undefined) return null;
  const e = props.error;
  const status = e instanceof ApiFailure ? e.status : 0;
  const key: MessageKey =
    status === 403
      ? 'error.forbidden'
      : status === 404
        ? 'error.notFound'
        : status === 0
          ? 'error.network'
          : 'error.failed';
  return (
    <div className="error" role="alert">
      <strong>{t(key)}</strong>
      {e instanceof Error ? (
        <span className="detail" translate="no">
          {' '}
          {e.message}
          {e instanceof ApiFailure && e.hint ? ` (${e.hint})` : ''}
        </span>
      ) : null}
    </div>
  );
}

export function Loading(props: { when: boolean }): ReactNode {
  const { t } = useI18n();
  return props.when ? <p className="muted loading">{t('common.loading')}</p> : null;
}

export function Severity(props: { value: number; label: 'low' | 'medium' | 'high' | 'critical' }): ReactNode {
  const { t, locale } = useI18n();
  return (
    <span className={`sev sev-${props.label}`} title={t(`sev.${props.label}`)}>
      <b translate="no">{props.value.toLocaleString(locale, { minimumFractionDigits: 1 })}</b>{' '}
      {t(`sev.${props.label}`)}
    </span>
  );
}

/** A table of data; column names are data too (translate="no") unless `translatedHeaders`. */
export function DataTable(props: {
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
  caption?: string;
  translatedHeaders?: boolean;
}): ReactNode {
  return (
    <div className="table-wrap">
      <table className="data">
        {props.caption ? <caption>{props.caption}</caption> : null}
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c} translate={props.translatedHeaders ? undefined : 'no'}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody translate="no">
          {props.rows.map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j}>
                  {v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A short confirmation ("saved"), announced to screen readers; nothing when `text` is null. */
export function Notice(props: { text: string | null }): ReactNode {
  return props.text ? (
    <p className="notice" role="status">
      {props.text}
    </p>
  ) : null;
}

/**
 * A list with a last column of actions (its header read by screen readers only): `none` shows
 * the "nothing here" text instead, `show` the table (both false while loading).
 */
export function ActionTable(props: {
  headers: readonly string[];
  none: boolean | null | undefined;
  noneText: string;
  show: boolean | null | undefined;
  testId?: string;
  children: ReactNode;
}): ReactNode {
  const { t } = useI18n();
  if (props.none) return <p className="muted">{props.noneText}</p>;
  if (!props.show) return null;
  return (
    <table className="data" data-testid={props.testId}>
      <thead>
        <tr>
          {props.headers.map((h) => (
            <th key={h}>{h}</th>
          ))}
          <th>
            <span className="sr-only">{t('response.col.do')}</span>
          </th>
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

export function Card(props: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  wide?: boolean;
}): ReactNode {
  return (
    <section className={props.wide ? 'card wide' : 'card'}>
      <header>
        <h2>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

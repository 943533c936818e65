// Intel lists in settings: the lists (name, kind, entries, when added); analysts and admins add
// or replace a list from pasted text and remove one (POST/DELETE /api/v1/intel). Live detection
// reloads its lists at once.

import { useState, type FormEvent, type ReactNode } from 'react';
import { api, get, type Me } from '../../api.ts';
import { ActionTable, Card, ErrorBox, Notice } from '../../components/common.tsx';
import { fmtNum, fmtTime } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MessageKey } from '../../messages.ts';
import { ConfirmButton } from './ConfirmButton.tsx';

const KINDS = ['threat', 'trusted', 'tor-exit', 'tor-relay', 'mining-pool'] as const;
type Kind = (typeof KINDS)[number];
const KIND_KEY: Record<Kind, MessageKey> = {
  threat: 'intel.kind.threat',
  trusted: 'intel.kind.trusted',
  'tor-exit': 'intel.kind.torExit',
  'tor-relay': 'intel.kind.torRelay',
  'mining-pool': 'intel.kind.miningPool',
};
const isKind = (v: string): v is Kind => (KINDS as readonly string[]).includes(v);

interface List {
  name: string;
  kind: string;
  entries: number;
  rejected: number;
  addedAt: string;
}

interface Added {
  manifest: List;
  rejected: { line: number; reason: string }[];
}

export function Intel(props: { me: Me }): ReactNode {
  const { t, locale } = useI18n();
  const lists = useAsync(() => get<{ items: List[] }>('/api/v1/intel'), []);
  const canWrite = props.me.role !== 'viewer';
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('threat');
  const [content, setContent] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      const r = await api<Added>('POST', '/api/v1/intel', { name, kind, content });
      setNotice(
        `${t('intel.added', { name: r.manifest.name, n: fmtNum(r.manifest.entries, locale) })}${
          r.manifest.rejected > 0 ? ` ${t('intel.rejected', { n: fmtNum(r.manifest.rejected, locale) })}` : ''
        }`,
      );
      setName('');
      setContent('');
      lists.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (list: string): Promise<void> => {
    setError(null);
    try {
      await api('DELETE', `/api/v1/intel/${encodeURIComponent(list)}`);
      setNotice(t('intel.removed', { name: list }));
      lists.reload();
    } catch (err) {
      setError(err);
    }
  };
  const rows = lists.data?.items ?? [];
  return (
    <Card title={t('settings.intel')} wide>
      <ErrorBox error={lists.error ?? error} />
      <Notice text={notice} />
      <ActionTable
        headers={[
          t('settings.col.name'),
          t('settings.col.kind'),
          t('settings.col.entries'),
          t('settings.col.created'),
        ]}
        none={rows.length === 0 && !lists.loading}
        noneText={t('common.none')}
        show={rows.length > 0}
        testId="intel-lists"
      >
        {rows.map((l) => (
          <tr key={l.name}>
            <td translate="no">{l.name}</td>
            <td>{isKind(l.kind) ? t(KIND_KEY[l.kind]) : <span translate="no">{l.kind}</span>}</td>
            <td className="num">{fmtNum(l.entries, locale)}</td>
            <td>{fmtTime(l.addedAt, locale)}</td>
            <td>
              {canWrite ? (
                <ConfirmButton
                  label={t('intel.remove')}
                  confirm={t('intel.confirmRemove', { name: l.name })}
                  onConfirm={() => remove(l.name)}
                />
              ) : null}
            </td>
          </tr>
        ))}
      </ActionTable>
      {canWrite ? (
        <form className="stack" onSubmit={(e) => void add(e)} aria-label={t('intel.addTitle')}>
          <h3>{t('intel.addTitle')}</h3>
          <div className="inline">
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder={t('intel.name')}
              aria-label={t('intel.name')}
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
              required
            />
            <select
              value={kind}
              onChange={(e) => isKind(e.target.value) && setKind(e.target.value)}
              aria-label={t('settings.col.kind')}
            >
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(KIND_KEY[k])}
                </option>
              ))}
            </select>
          </div>
          <textarea
            value={content}
            onChange={(e) => setContent(e.target.value)}
            placeholder={t('intel.content')}
            aria-label={t('intel.content')}
            rows={5}
            required
          />
          <div>
            <button type="submit">{t('intel.add')}</button>
          </div>
          <p className="muted small">{t('intel.restartNote')}</p>
        </form>
      ) : null}
    </Card>
  );
}

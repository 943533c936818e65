// "Create a suppression from this finding": pick which of its fields the rule matches, see how
// many active findings it would hide (and which, when the server lists them) before creating it.

import { useState, type ReactNode } from 'react';
import { api, type Finding } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { ErrorBox, Severity } from './common.tsx';

interface Filter {
  type?: string;
  resourceIp?: string;
  actorIp?: string;
}

interface Preview {
  wouldArchive: number;
  sample?: Finding[];
}

export function SuppressDialog(props: {
  finding: Finding;
  onClose(): void;
  onCreated(archived: number): void;
}): ReactNode {
  const { t } = useI18n();
  const f = props.finding;
  const [useType, setUseType] = useState(true);
  const [useResource, setUseResource] = useState(true);
  const [useActor, setUseActor] = useState(f.actor.ip !== f.resource.ip);
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const filter: Filter = {
    ...(useType ? { type: f.type } : {}),
    ...(useResource ? { resourceIp: f.resource.ip } : {}),
    ...(useActor ? { actorIp: f.actor.ip } : {}),
  };
  const empty = Object.keys(filter).length === 0;
  const change = (set: (v: boolean) => void) => (v: boolean) => {
    set(v);
    setPreview(null);
  };
  const doPreview = async (): Promise<void> => {
    setError(null);
    try {
      setPreview(await api<Preview>('POST', '/api/v1/suppressions/preview', { filter }));
    } catch (e) {
      setError(e);
    }
  };
  const create = async (): Promise<void> => {
    setError(null);
    try {
      const r = await api<{ archived: number }>('POST', '/api/v1/suppressions', { filter, reason });
      props.onCreated(r.archived);
    } catch (e) {
      setError(e);
    }
  };
  const box = (label: string, value: string, checked: boolean, set: (v: boolean) => void): ReactNode => (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => change(set)(e.target.checked)} />
      {label} <code translate="no">{value}</code>
    </label>
  );
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog card" role="dialog" aria-modal="true" aria-labelledby="suppress-title">
        <h2 id="suppress-title">{t('suppress.title')}</h2>
        <p className="muted">{t('suppress.intro')}</p>
        {box(t('suppress.matchType'), f.type, useType, setUseType)}
        {box(t('suppress.matchResource'), f.resource.ip, useResource, setUseResource)}
        {box(t('suppress.matchActor'), f.actor.ip, useActor, setUseActor)}
        <label>
          {t('suppress.reason')}
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('suppress.reasonPlaceholder')}
          />
        </label>
        <ErrorBox error={error} />
        {preview ? (
          <div className="preview" data-testid="suppress-preview">
            <strong>{t('suppress.wouldHide', { n: preview.wouldArchive })}</strong>
            {preview.sample && preview.sample.length > 0 ? (
              <ul className="finding-list compact">
                {preview.sample.map((s) => (
                  <li key={s.id}>
                    <Severity value={s.severity} label={s.severityLabel} />{' '}
                    <span translate="no">{s.title}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        <div className="buttons">
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" disabled={empty} onClick={() => void doPreview()}>
            {t('suppress.preview')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={empty || preview === null}
            onClick={() => void create()}
          >
            {t('suppress.create')}
          </button>
        </div>
      </div>
    </div>
  );
}

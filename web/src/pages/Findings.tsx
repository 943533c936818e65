// Findings: filter (status, type, severity, address, free text), sort, select and archive in
// bulk, suppress from a finding with a preview. Up to 10 000 findings are loaded page by page and
// shown in a virtualised list.

import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, get, type Finding, type FindingPage, type Me } from '../api.ts';
import { ErrorBox, Loading, Severity } from '../components/common.tsx';
import { SuppressDialog } from '../components/SuppressDialog.tsx';
import { VirtualList } from '../components/VirtualList.tsx';
import { fmtDateTime, fmtNum } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { useLive } from '../live.ts';
import type { MessageKey } from '../messages.ts';
import { navigate, useLocation } from '../router.tsx';

export const MAX_LOADED = 10_000;
const PAGE = 1000;
const ROW = 34;

type Sort = 'severity' | 'lastSeen' | 'firstSeen' | 'type';

interface Params {
  status: string;
  type: string;
  minSeverity: string;
  ip: string;
  sort: Sort;
  order: 'asc' | 'desc';
  q: string;
}

function readParams(s: URLSearchParams): Params {
  const sort = s.get('sort');
  return {
    status: s.get('status') ?? 'active',
    type: s.get('type') ?? '',
    minSeverity: s.get('minSeverity') ?? '',
    ip: s.get('ip') ?? '',
    sort: sort === 'lastSeen' || sort === 'firstSeen' || sort === 'type' ? sort : 'severity',
    order: s.get('order') === 'asc' ? 'asc' : 'desc',
    q: s.get('q') ?? '',
  };
}

function writeParams(p: Params): void {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== '' && !(k === 'status' && v === 'active')) s.set(k, v);
  const q = s.toString();
  history.replaceState(null, '', q === '' ? '/findings' : `/findings?${q}`);
}

function matches(f: Finding, text: string): boolean {
  if (text === '') return true;
  const hay =
    `${f.title} ${f.type} ${f.resource.ip} ${f.resource.name ?? ''} ${f.actor.ip} ${f.description}`.toLowerCase();
  return text
    .toLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w));
}

export function FindingsPage(props: { me: Me }): ReactNode {
  const { t, locale } = useI18n();
  const live = useLive();
  const { search } = useLocation();
  const [p, setP] = useState<Params>(() => readParams(search));
  const [items, setItems] = useState<Finding[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [suppressing, setSuppressing] = useState<Finding | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const canWrite = props.me.role !== 'viewer';
  const { markSeen } = live;

  useEffect(() => markSeen(), [markSeen, live.version]);
  useEffect(() => writeParams(p), [p]);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    const query = {
      status: p.status,
      type: p.type === '' ? undefined : p.type.includes('*') ? p.type : `*${p.type}*`,
      minSeverity: p.minSeverity === '' ? undefined : p.minSeverity,
      ip: p.ip === '' ? undefined : p.ip,
      sort: p.sort,
      order: p.order,
    };
    (async () => {
      let got: Finding[] = [];
      for (let offset = 0; offset < MAX_LOADED; offset += PAGE) {
        const page = await get<FindingPage>('/api/v1/findings', { ...query, limit: PAGE, offset });
        if (!live) return;
        got = offset === 0 ? page.items : got.concat(page.items);
        setItems(got);
        setTotal(page.total);
        if (offset + PAGE >= page.total) break;
      }
    })().then(
      () => live && setLoading(false),
      (e: unknown) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [p.status, p.type, p.minSeverity, p.ip, p.sort, p.order, live.version, reloads]);

  const shown = useMemo(() => items.filter((f) => matches(f, p.q)), [items, p.q]);
  const set = (patch: Partial<Params>): void => setP((old) => ({ ...old, ...patch }));
  const toggle = (id: string): void =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const archive = async (): Promise<void> => {
    try {
      const r = await api<{ archived: number }>('POST', '/api/v1/findings/archive', { ids: [...selected] });
      setNotice(t('findings.archived', { n: r.archived }));
      setSelected(new Set());
      setReloads((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };
  const sortHeader = (key: Sort, label: MessageKey, cls: string): ReactNode => (
    <button
      type="button"
      className={`th ${cls}`}
      aria-sort={p.sort === key ? (p.order === 'asc' ? 'ascending' : 'descending') : 'none'}
      onClick={() =>
        set(p.sort === key ? { order: p.order === 'asc' ? 'desc' : 'asc' } : { sort: key, order: 'desc' })
      }
    >
      {t(label)}
      {p.sort === key ? (p.order === 'asc' ? ' ▲' : ' ▼') : ''}
    </button>
  );

  return (
    <main className="page">
      <h1>{t('findings.title')}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} role="search">
        <label>
          {t('findings.status')}
          <select value={p.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="active">{t('status.active')}</option>
            <option value="archived">{t('status.archived')}</option>
            <option value="all">{t('status.all')}</option>
          </select>
        </label>
        <label>
          {t('findings.minSeverity')}
          <select value={p.minSeverity} onChange={(e) => set({ minSeverity: e.target.value })}>
            <option value="">{t('common.any')}</option>
            <option value="9">{t('sev.critical')}</option>
            <option value="7">{t('sev.high')}</option>
            <option value="4">{t('sev.medium')}</option>
          </select>
        </label>
        <label>
          {t('findings.type')}
          <input
            value={p.type}
            onChange={(e) => set({ type: e.target.value })}
            placeholder="Recon:*"
            translate="no"
          />
        </label>
        <label>
          {t('findings.ip')}
          <input
            value={p.ip}
            onChange={(e) => set({ ip: e.target.value.trim() })}
            placeholder="10.0.0.1"
            translate="no"
          />
        </label>
        <label className="grow">
          {t('findings.search')}
          <input
            type="search"
            value={p.q}
            onChange={(e) => set({ q: e.target.value })}
            placeholder={t('findings.searchPlaceholder')}
          />
        </label>
      </form>
      <div className="toolbar">
        <span data-testid="findings-count">
          {t('findings.count', { shown: fmtNum(shown.length, locale), total: fmtNum(total, locale) })}
          {total > MAX_LOADED ? ` ${t('findings.capped', { n: fmtNum(MAX_LOADED, locale) })}` : ''}
        </span>
        <Loading when={loading} />
        <span className="spacer" />
        {notice ? <span className="notice">{notice}</span> : null}
        {canWrite ? (
          <button type="button" disabled={selected.size === 0} onClick={() => void archive()}>
            {t('findings.archiveSelected', { n: selected.size })}
          </button>
        ) : null}
      </div>
      <ErrorBox error={error} />
      <div className="frow fhead" role="presentation">
        <span className="c-check" />
        {sortHeader('severity', 'findings.col.severity', 'c-sev')}
        {sortHeader('type', 'findings.col.type', 'c-type')}
        <span className="th c-title">{t('findings.col.title')}</span>
        <span className="th c-ip">{t('findings.col.resource')}</span>
        <span className="th c-ip">{t('findings.col.actor')}</span>
        <span className="th c-num">{t('findings.col.count')}</span>
        {sortHeader('lastSeen', 'findings.col.lastSeen', 'c-time')}
        <span className="th c-act" />
      </div>
      <VirtualList
        items={shown}
        rowHeight={ROW}
        height={Math.max(300, innerHeight - 300)}
        label={t('findings.title')}
        onEnter={(f) => navigate(`/findings/${f.id}`)}
        onSpace={(f) => toggle(f.id)}
        renderRow={(f) => (
          <div className={f.status === 'archived' ? 'frow archived' : 'frow'} data-testid="finding-row">
            <span className="c-check">
              <input
                type="checkbox"
                tabIndex={-1}
                aria-label={t('findings.select')}
                checked={selected.has(f.id)}
                onChange={() => toggle(f.id)}
              />
            </span>
            <span className="c-sev">
              <Severity value={f.severity} label={f.severityLabel} />
            </span>
            <span className="c-type" translate="no" title={f.type}>
              {f.type}
            </span>
            <a
              className="c-title"
              href={`/findings/${f.id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/findings/${f.id}`);
              }}
              translate="no"
              title={f.title}
            >
              {f.title}
            </a>
            <span className="c-ip" translate="no">
              {f.resource.name ?? f.resource.ip}
            </span>
            <span className="c-ip" translate="no">
              {f.actor.ip}
            </span>
            <span className="c-num">{fmtNum(f.count, locale)}</span>
            <span className="c-time">{fmtDateTime(f.lastSeen, locale)}</span>
            <span className="c-act">
              {canWrite && f.status === 'active' ? (
                <button type="button" className="small" tabIndex={-1} onClick={() => setSuppressing(f)}>
                  {t('findings.suppress')}
                </button>
              ) : null}
            </span>
          </div>
        )}
      />
      <p className="muted small">{t('findings.keys')}</p>
      {suppressing ? (
        <SuppressDialog
          finding={suppressing}
          onClose={() => setSuppressing(null)}
          onCreated={(n) => {
            setSuppressing(null);
            setNotice(t('suppress.created', { n }));
            setReloads((x) => x + 1);
          }}
        />
      ) : null}
    </main>
  );
}

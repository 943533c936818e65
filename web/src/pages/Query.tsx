// Query console: SQL or the pipe language (CloudWatch Logs Insights style), examples including
// AWS's own flow-log queries, results as a table and as a chart, saved queries, CSV export.

import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiFailure, runQuery, type QueryResult } from '../api.ts';
import { ResultChart, chartable } from '../charts/ResultChart.tsx';
import { Card, DataTable, ErrorBox } from '../components/common.tsx';
import { downloadText, fmtNum, fmtShortTime, toCsv } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { useLocation } from '../router.tsx';

/** Examples: the first five are AWS's CloudWatch Logs Insights queries for VPC flow logs. */
export const EXAMPLES: readonly { key: MessageKey; query: string }[] = [
  {
    key: 'query.ex.topPackets',
    query:
      'stats sum(packets) as packetsTransferred by srcAddr, dstAddr | sort packetsTransferred desc | limit 15',
  },
  {
    key: 'query.ex.subnetBytes',
    query:
      'filter isIpv4InSubnet(srcAddr, "10.0.0.0/16") | stats sum(bytes) as bytesTransferred by dstAddr | sort bytesTransferred desc | limit 15',
  },
  { key: 'query.ex.udp', query: 'filter protocol=17 | stats count(*) by srcAddr' },
  {
    key: 'query.ex.rejectsOverTime',
    query: 'filter action="REJECT" | stats count(*) as rejects by bin(5m) as t | sort t',
  },
  {
    key: 'query.ex.egress',
    query:
      'filter isIpv4InSubnet(srcAddr, "10.0.0.0/16") and not isIpv4InSubnet(dstAddr, "10.0.0.0/8") | stats sum(bytes) as bytesOut by srcAddr, dstAddr | sort bytesOut desc | limit 10',
  },
  {
    key: 'query.ex.sqlPorts',
    query:
      "SELECT dst_port, count(*) AS flows FROM flows WHERE action = 'REJECT' GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
  },
  {
    key: 'query.ex.sqlFindings',
    query:
      'SELECT type, count(*) AS findings, max(severity) AS worst FROM findings GROUP BY 1 ORDER BY 3 DESC',
  },
];

interface Saved {
  id: string;
  name: string;
  query: string;
}

const LOCAL_KEY = 'sg.savedQueries';

/** Saved queries: the server's (GET /api/v1/saved-queries) when it offers them, else this browser's. */
async function loadSaved(): Promise<{ items: Saved[]; server: boolean }> {
  try {
    const r = await api<{ items: Saved[] }>('GET', '/api/v1/saved-queries');
    return { items: r.items, server: true };
  } catch (e) {
    if (!(e instanceof ApiFailure) || e.status !== 404) throw e;
    return { items: JSON.parse(localStorage.getItem(LOCAL_KEY) ?? '[]') as Saved[], server: false };
  }
}

export function QueryPage(): ReactNode {
  const { t, locale } = useI18n();
  const { search } = useLocation();
  const [text, setText] = useState(() => search.get('q') ?? EXAMPLES[0]?.query ?? '');
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<'table' | 'chart'>('table');
  const [saved, setSaved] = useState<{ items: Saved[]; server: boolean }>({ items: [], server: false });
  const [name, setName] = useState('');

  useEffect(() => {
    loadSaved().then(setSaved, setError);
  }, []);

  const run = async (q = text): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const r = await runQuery(q);
      setResult(r);
      if (view === 'chart' && !chartable(r)) setView('table');
    } catch (e) {
      setResult(null);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const save = async (): Promise<void> => {
    if (name.trim() === '') return;
    if (saved.server) {
      await api('POST', '/api/v1/saved-queries', { name: name.trim(), query: text });
      setSaved(await loadSaved());
    } else {
      const items = [...saved.items, { id: String(Date.now()), name: name.trim(), query: text }];
      localStorage.setItem(LOCAL_KEY, JSON.stringify(items));
      setSaved({ items, server: false });
    }
    setName('');
  };
  const remove = async (s: Saved): Promise<void> => {
    if (saved.server) {
      await api('DELETE', `/api/v1/saved-queries/${encodeURIComponent(s.id)}`);
      setSaved(await loadSaved());
    } else {
      const items = saved.items.filter((x) => x.id !== s.id);
      localStorage.setItem(LOCAL_KEY, JSON.stringify(items));
      setSaved({ items, server: false });
    }
  };
  const canChart = result !== null && chartable(result) !== null;

  return (
    <main className="page">
      <h1>{t('query.title')}</h1>
      <div className="query-layout">
        <div>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run();
            }}
          >
            <label htmlFor="query-text" className="sr-only">
              {t('query.text')}
            </label>
            <textarea
              id="query-text"
              className="code"
              rows={5}
              value={text}
              spellCheck={false}
              translate="no"
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  void run();
                }
              }}
            />
            <div className="buttons">
              <button type="submit" className="primary" disabled={busy}>
                {t('query.run')}
              </button>
              <span className="muted small">{t('query.hint')}</span>
            </div>
          </form>
          <ErrorBox error={error} />
          {result ? (
            <Card
              title={t('query.result', { n: fmtNum(result.rows.length, locale) })}
              wide
              actions={
                <div className="buttons">
                  <div role="tablist" className="tabs">
                    <button
                      type="button"
                      role="tab"
                      aria-selected={view === 'table'}
                      onClick={() => setView('table')}
                    >
                      {t('query.table')}
                    </button>
                    <button
                      type="button"
                      role="tab"
                      aria-selected={view === 'chart'}
                      disabled={!canChart}
                      onClick={() => setView('chart')}
                    >
                      {t('query.chart')}
                    </button>
                  </div>
                  <button
                    type="button"
                    onClick={() =>
                      downloadText(
                        'query.csv',
                        toCsv(
                          result.columns.map((c) => c.name),
                          result.rows,
                        ),
                      )
                    }
                  >
                    {t('common.exportCsv')}
                  </button>
                </div>
              }
            >
              {result.truncated ? <p className="warn">{t('query.truncated')}</p> : null}
              {result.sql ? (
                <details>
                  <summary>{t('query.sql')}</summary>
                  <pre className="code" translate="no">
                    {result.sql}
                  </pre>
                </details>
              ) : null}
              {view === 'chart' && canChart ? (
                <div data-testid="query-chart">
                  <ResultChart
                    result={result}
                    formatValue={(v) => fmtNum(v, locale)}
                    formatTick={(ms, span) => fmtShortTime(ms, locale, span)}
                    label={t('query.chart')}
                  />
                </div>
              ) : (
                <DataTable columns={result.columns.map((c) => c.name)} rows={result.rows} />
              )}
            </Card>
          ) : null}
        </div>
        <aside>
          <Card title={t('query.examples')}>
            <ul className="plain">
              {EXAMPLES.map((ex) => (
                <li key={ex.key}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setText(ex.query);
                      void run(ex.query);
                    }}
                  >
                    {t(ex.key)}
                  </button>
                </li>
              ))}
            </ul>
          </Card>
          <Card title={t('query.saved')}>
            {saved.items.length === 0 ? <p className="muted">{t('common.none')}</p> : null}
            <ul className="plain">
              {saved.items.map((s) => (
                <li key={s.id} className="saved">
                  <button type="button" className="link" onClick={() => setText(s.query)} translate="no">
                    {s.name}
                  </button>
                  <button
                    type="button"
                    className="small"
                    aria-label={t('common.delete')}
                    onClick={() => void remove(s)}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <form
              className="inline"
              onSubmit={(e) => {
                e.preventDefault();
                void save().catch(setError);
              }}
            >
              <input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder={t('query.saveName')}
                aria-label={t('query.saveName')}
              />
              <button type="submit">{t('query.save')}</button>
            </form>
            {!saved.server ? <p className="muted small">{t('query.savedLocal')}</p> : null}
          </Card>
        </aside>
      </div>
    </main>
  );
}

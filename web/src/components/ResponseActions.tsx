// The automated response actions proposed for one finding (GET /api/v1/responses?findingId=) and
// their state; analysts and admins (the only roles the page shows it to) approve a pending action (its responder acts then) or undo an
// applied one. Viewers do not see the panel (responses:read is not theirs). A server without
// response configured answers 409, shown as a plain note.

import { useState, type ReactNode } from 'react';
import { api, ApiFailure, get } from '../api.ts';
import { fmtTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { ActionTable, Card, ErrorBox, Loading } from './common.tsx';

type Status = 'dry-run' | 'refused' | 'pending-approval' | 'applied' | 'failed' | 'undone' | 'expired';

interface ResponseAction {
  id: string;
  createdAt: number;
  responder: string;
  policy: string;
  mode: string;
  status: Status;
  description: string;
  expiresAt: number;
  error: string | null;
}

const STATUS_KEY: Record<Status, MessageKey> = {
  'dry-run': 'response.status.dryRun',
  refused: 'response.status.refused',
  'pending-approval': 'response.status.pending',
  applied: 'response.status.applied',
  failed: 'response.status.failed',
  undone: 'response.status.undone',
  expired: 'response.status.expired',
};

export function ResponseActions(props: { findingId: string }): ReactNode {
  const { t, locale } = useI18n();
  const actions = useAsync(
    () => get<{ items: ResponseAction[] }>('/api/v1/responses', { findingId: props.findingId }),
    [props.findingId],
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (a: ResponseAction, verb: 'approve' | 'undo'): Promise<void> => {
    setBusy(a.id);
    setError(null);
    try {
      await api('POST', `/api/v1/responses/${encodeURIComponent(a.id)}/${verb}`);
      actions.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const off = actions.error instanceof ApiFailure && actions.error.status === 409;
  const items = actions.data?.items ?? [];
  return (
    <Card title={t('response.title')} wide>
      <div data-testid="response-actions">
        {off ? <p className="muted">{t('response.notConfigured')}</p> : <ErrorBox error={actions.error} />}
        <ErrorBox error={error} />
        <Loading when={actions.loading && !actions.data} />
        <ActionTable
          headers={[
            t('response.col.responder'),
            t('response.col.mode'),
            t('response.col.status'),
            t('response.col.what'),
            t('response.col.until'),
          ]}
          none={actions.data && items.length === 0}
          noneText={t('response.none')}
          show={items.length > 0}
        >
          {items.map((a) => (
            <tr key={a.id}>
              <td translate="no">{a.responder}</td>
              <td translate="no">{a.mode}</td>
              <td className={a.status === 'pending-approval' || a.status === 'failed' ? 'warn' : undefined}>
                {t(STATUS_KEY[a.status])}
              </td>
              <td translate="no">
                {a.description}
                {a.error ? ` (${a.error})` : ''}
              </td>
              <td>{fmtTime(a.expiresAt, locale)}</td>
              <td>
                {a.status === 'pending-approval' ? (
                  <button
                    type="button"
                    className="small primary"
                    disabled={busy === a.id}
                    onClick={() => void act(a, 'approve')}
                  >
                    {t('response.approve')}
                  </button>
                ) : null}
                {a.status === 'pending-approval' || a.status === 'applied' ? (
                  <button
                    type="button"
                    className="small"
                    disabled={busy === a.id}
                    onClick={() => void act(a, 'undo')}
                  >
                    {t(a.status === 'applied' ? 'response.undo' : 'response.withdraw')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </ActionTable>
      </div>
    </Card>
  );
}

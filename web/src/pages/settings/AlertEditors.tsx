// Admins' editors for alert channels and routing rules defined through the API (POST/DELETE
// /api/v1/alerts/channels and /routes). A channel's settings are typed as JSON over a template
// for its kind, since each kind has its own keys (docs/alerting.md); the server validates the whole
// alerting configuration and answers what is wrong. A route's form has every key of the routing
// schema (src/alerts/config.ts routeSchema); the problems the server names per key are shown beside
// that key's field. Those of sakura-guard.yaml stay read-only.

import { Fragment, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api.ts';
import { ErrorBox, Notice } from '../../components/common.tsx';
import { fieldErrors } from '../../field-errors.ts';
import { useI18n } from '../../i18n.tsx';

const KINDS = ['webhook', 'slack', 'teams', 'discord', 'syslog-cef', 'email', 'sakura-monitoring'] as const;
type Kind = (typeof KINDS)[number];
const isKind = (v: string): v is Kind => (KINDS as readonly string[]).includes(v);

/** The keys each kind needs, to start from (the server fills the defaults and names what is missing). */
const TEMPLATES: Record<Kind, Record<string, unknown>> = {
  webhook: { url: 'https://', secret: '', minSeverity: 7 },
  slack: { url: 'https://hooks.slack.com/services/', minSeverity: 7 },
  teams: { url: 'https://', minSeverity: 7 },
  discord: { url: 'https://discord.com/api/webhooks/', minSeverity: 7 },
  'syslog-cef': { host: '', port: 514, protocol: 'udp', minSeverity: 7 },
  email: { host: '', port: 587, minSeverity: 7 },
  'sakura-monitoring': { endpoint: 'https://', minSeverity: 7 },
};

const template = (k: Kind): string => JSON.stringify(TEMPLATES[k], null, 2);

export function ChannelEditor(props: { onSaved(): void }): ReactNode {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('webhook');
  const [settings, setSettings] = useState(template('webhook'));
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(settings);
    } catch {
      setError(new Error(t('alertEdit.badJson')));
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setError(new Error(t('alertEdit.badJson')));
      return;
    }
    try {
      await api('POST', '/api/v1/alerts/channels', { ...parsed, name, kind });
      setNotice(t('alertEdit.channelSaved', { name }));
      // The secrets just sent are not left on the screen: the form starts over from the template.
      setName('');
      setSettings(template(kind));
      props.onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void save(e)} aria-label={t('alertEdit.channelTitle')}>
      <h3>{t('alertEdit.channelTitle')}</h3>
      <ErrorBox error={error} />
      <Notice text={notice} />
      <div className="inline">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t('alertEdit.channelName')}
          aria-label={t('alertEdit.channelName')}
          required
        />
        <select
          value={kind}
          aria-label={t('alertEdit.kind')}
          onChange={(e) => {
            const k = e.target.value;
            if (!isKind(k)) return;
            setKind(k);
            setSettings(template(k));
          }}
        >
          {KINDS.map((k) => (
            <option key={k} value={k} translate="no">
              {k}
            </option>
          ))}
        </select>
      </div>
      <textarea
        value={settings}
        onChange={(e) => setSettings(e.target.value)}
        aria-label={t('alertEdit.settings')}
        rows={6}
        spellCheck={false}
        translate="no"
        className="code"
      />
      <div>
        <button type="submit">{t('alertEdit.saveChannel')}</button>
      </div>
      <p className="muted small">{t('alertEdit.channelNote')}</p>
    </form>
  );
}

/** The comma-separated entries of a list field, trimmed, blanks left out. */
const listOf = (text: string): string[] =>
  text
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** The schema problems the server named for one field, shown beside it. */
function FieldProblems(props: { id: string; messages: readonly string[] | undefined }): ReactNode {
  if (!props.messages || props.messages.length === 0) return null;
  return (
    <span id={props.id} className="field-error small" role="alert" translate="no">
      {props.messages.join('; ')}
    </span>
  );
}

const ROUTE_LISTS = [
  ['types', 'alertEdit.types'],
  ['excludeTypes', 'alertEdit.excludeTypes'],
  ['resourceTags', 'alertEdit.resourceTags'],
  ['actors', 'alertEdit.actors'],
] as const;
type RouteList = (typeof ROUTE_LISTS)[number][0];
const NO_LISTS: Record<RouteList, string> = { types: '', excludeTypes: '', resourceTags: '', actors: '' };

export function RouteEditor(props: { channels: readonly string[]; onSaved(): void }): ReactNode {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [minSeverity, setMinSeverity] = useState('7');
  const [lists, setLists] = useState<Record<RouteList, string>>(NO_LISTS);
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const problems = fieldErrors(error);
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      await api('POST', '/api/v1/alerts/routes', {
        name,
        minSeverity: Number(minSeverity),
        types: listOf(lists.types),
        excludeTypes: listOf(lists.excludeTypes),
        resourceTags: listOf(lists.resourceTags),
        actors: listOf(lists.actors),
        channels: chosen,
      });
      setNotice(t('alertEdit.routeSaved', { name }));
      props.onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const described = (field: string): { 'aria-describedby'?: string; 'aria-invalid'?: true } =>
    problems[field] ? { 'aria-describedby': `route-${field}-problem`, 'aria-invalid': true } : {};
  return (
    <form className="stack" onSubmit={(e) => void save(e)} aria-label={t('alertEdit.routeTitle')}>
      <h3>{t('alertEdit.routeTitle')}</h3>
      <ErrorBox error={error} />
      <Notice text={notice} />
      <div className="inline">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t('alertEdit.routeName')}
          aria-label={t('alertEdit.routeName')}
          required
          {...described('name')}
        />
        <FieldProblems id="route-name-problem" messages={problems['name']} />
        <label>
          {t('alertEdit.minSeverity')}{' '}
          <input
            type="number"
            min={0}
            max={10}
            step={0.1}
            value={minSeverity}
            onChange={(e) => setMinSeverity(e.target.value)}
            size={4}
            {...described('minSeverity')}
          />
        </label>
        <FieldProblems id="route-minSeverity-problem" messages={problems['minSeverity']} />
      </div>
      {ROUTE_LISTS.map(([field, label]) => (
        <Fragment key={field}>
          <label className="field">
            <span>{t(label)}</span>
            <input
              value={lists[field]}
              onChange={(e) => setLists({ ...lists, [field]: e.target.value })}
              spellCheck={false}
              translate="no"
              {...described(field)}
            />
          </label>
          <FieldProblems id={`route-${field}-problem`} messages={problems[field]} />
        </Fragment>
      ))}
      <p className="muted small">{t('alertEdit.listsNote')}</p>
      <fieldset className="inline" {...described('channels')}>
        <legend>{t('settings.col.channels')}</legend>
        {props.channels.length === 0 ? <span className="muted">{t('alertEdit.noChannels')}</span> : null}
        {props.channels.map((c) => (
          <label key={c} className="check">
            <input
              type="checkbox"
              checked={chosen.includes(c)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, c] : chosen.filter((x) => x !== c))}
            />
            <span translate="no">{c}</span>
          </label>
        ))}
        <FieldProblems id="route-channels-problem" messages={problems['channels']} />
      </fieldset>
      <div>
        <button type="submit" disabled={chosen.length === 0}>
          {t('alertEdit.saveRoute')}
        </button>
      </div>
    </form>
  );
}

/** Removes an API-defined channel or route. */
export function removeAlertSetting(kind: 'channels' | 'routes', name: string): Promise<unknown> {
  return api('DELETE', `/api/v1/alerts/${kind}/${encodeURIComponent(name)}`);
}

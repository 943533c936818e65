// E-mail over SMTP (nodemailer): a text part and an HTML part, in English or Japanese per
// channel. SMTP 4xx replies and connection failures are retried; 5xx replies are permanent.

import nodemailer from 'nodemailer';
import { z } from 'zod';
import {
  actorText,
  headline,
  resourceText,
  type AlertMessage,
  type FindingMessage,
  type FindingSummary,
} from '../alerts/message.ts';
import { errorMessage } from '../core/errors.ts';
import { DEFAULT_TIMEOUT_MS, SinkError, type Sink } from './sink.ts';

export const emailOptions = z.object({
  kind: z.literal('email'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (port 465). false: STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send without STARTTLS. */
  requireTls: z.boolean().default(false),
  auth: z.object({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  language: z.enum(['en', 'ja']).default('en'),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});
export type EmailOptions = z.infer<typeof emailOptions>;
type Language = EmailOptions['language'];

const LABELS = {
  en: {
    severity: 'Severity',
    type: 'Type',
    resource: 'Resource',
    actor: 'Actor',
    count: 'Count',
    firstSeen: 'First seen',
    lastSeen: 'Last seen',
    observed: 'Observed',
    threshold: 'threshold',
    sample: 'Contributing records',
    open: 'Open the finding',
    digest: (n: number, t: number) => `Digest: ${n} finding(s) of ${t} type(s)`,
    byType: 'By type',
    top: 'Most severe',
    reason: { new: 'New finding', escalated: 'Escalated', reminder: 'Still active', test: 'Test alert' },
    band: { low: 'low', medium: 'medium', high: 'high', critical: 'critical' },
  },
  ja: {
    severity: '重大度',
    type: '種類',
    resource: '対象',
    actor: '相手',
    count: '回数',
    firstSeen: '初回検知',
    lastSeen: '最終検知',
    observed: '観測値',
    threshold: 'しきい値',
    sample: '該当レコード',
    open: '検出結果を開く',
    digest: (n: number, t: number) => `まとめ: ${t} 種類 ${n} 件の検出`,
    byType: '種類別',
    top: '重大度の高いもの',
    reason: { new: '新しい検出', escalated: '重大度の上昇', reminder: '継続中', test: 'テスト通知' },
    band: { low: '低', medium: '中', high: '高', critical: '緊急' },
  },
} as const;

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const SAMPLE_LINES = 5;

function facts(f: FindingSummary, e: FindingMessage['evidence'], lang: Language): [string, string][] {
  const L = LABELS[lang];
  return [
    [L.severity, `${L.band[f.severityLabel]} (${f.severity.toFixed(1)})`],
    [L.type, f.type],
    [L.resource, resourceText(f)],
    [L.actor, actorText(f)],
    [L.count, String(f.count)],
    [L.firstSeen, f.firstSeen],
    [L.lastSeen, f.lastSeen],
    [L.observed, `${e.observed} (${L.threshold} ${e.threshold}, ${e.window})`],
  ];
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(m: AlertMessage, lang: Language): RenderedMail {
  const L = LABELS[lang];
  switch (m.kind) {
    case 'finding': {
      const f = m.finding;
      const rows = facts(f, m.evidence, lang);
      const sample = m.evidence.sample.slice(0, SAMPLE_LINES);
      const subject = `[Sakura Guard] ${L.reason[m.reason]}: ${L.band[f.severityLabel]} ${f.type} — ${resourceText(f)}`;
      const text = [
        f.title,
        '',
        ...rows.map(([k, v]) => `${k}: ${v}`),
        '',
        f.description,
        ...(sample.length > 0 ? ['', `${L.sample}:`, ...sample.map((l) => `  ${l}`)] : []),
        ...(m.detail ? ['', m.detail] : []),
        ...(f.link === null ? [] : ['', `${L.open}: ${f.link}`]),
        '',
        `id ${f.id}`,
      ].join('\n');
      const html = [
        `<h2>${escapeHtml(f.title)}</h2>`,
        '<table>',
        ...rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
        '</table>',
        `<p>${escapeHtml(f.description)}</p>`,
        ...(sample.length > 0
          ? [`<p>${escapeHtml(L.sample)}:</p><pre>${sample.map(escapeHtml).join('\n')}</pre>`]
          : []),
        ...(m.detail ? [`<p>${escapeHtml(m.detail)}</p>`] : []),
        ...(f.link === null ? [] : [`<p><a href="${escapeHtml(f.link)}">${escapeHtml(L.open)}</a></p>`]),
        `<p style="color:#888">id ${escapeHtml(f.id)}</p>`,
      ].join('\n');
      return { subject, text, html };
    }
    case 'digest': {
      const title = L.digest(m.total, m.byType.length);
      const types = m.byType.map((t) => `${t.type}: ${t.count} (max ${t.maxSeverity.toFixed(1)})`);
      const top = m.top.map(
        (f) => `${f.severity.toFixed(1)} ${f.title} — ${resourceText(f)}${f.link ? ` ${f.link}` : ''}`,
      );
      const period = `${new Date(m.from).toISOString()} – ${new Date(m.to).toISOString()}`;
      const text = [title, period, '', `${L.byType}:`, ...types, '', `${L.top}:`, ...top].join('\n');
      const html = [
        `<h2>${escapeHtml(title)}</h2>`,
        `<p>${escapeHtml(period)}</p>`,
        `<h3>${escapeHtml(L.byType)}</h3><ul>${types.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul>`,
        `<h3>${escapeHtml(L.top)}</h3><ul>${m.top
          .map((f) => {
            const label = escapeHtml(`${f.severity.toFixed(1)} ${f.title} — ${resourceText(f)}`);
            return `<li>${f.link ? `<a href="${escapeHtml(f.link)}">${label}</a>` : label}</li>`;
          })
          .join('')}</ul>`,
      ].join('\n');
      return { subject: `[Sakura Guard] ${title}`, text, html };
    }
    default: {
      const never: never = m;
      return never;
    }
  }
}

function transportFor(o: EmailOptions): ReturnType<typeof nodemailer.createTransport> {
  return nodemailer.createTransport({
    host: o.host,
    port: o.port,
    secure: o.secure,
    requireTLS: o.requireTls,
    ...(o.auth ? { auth: { user: o.auth.user, pass: o.auth.pass } } : {}),
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
  });
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** One mail with attachments (scheduled reports) through the channel's SMTP settings. */
export async function sendDocumentMail(
  o: EmailOptions,
  mail: RenderedMail & { attachments: MailAttachment[] },
): Promise<void> {
  const transport = transportFor(o);
  try {
    await transport.sendMail({ from: o.from, to: o.to, ...mail });
  } catch (e) {
    const code = (e as { responseCode?: unknown }).responseCode;
    throw new SinkError(`SMTP ${o.host}:${o.port}: ${errorMessage(e)} (${mail.subject})`, {
      retryable: !(typeof code === 'number' && code >= 500),
      cause: e,
    });
  } finally {
    transport.close();
  }
}

export function createEmailSink(o: EmailOptions): Sink {
  const transport = transportFor(o);
  return {
    kind: 'email',
    async send(m, deliveryId) {
      const r = renderEmail(m, o.language);
      try {
        await transport.sendMail({
          from: o.from,
          to: o.to,
          subject: r.subject,
          text: r.text,
          html: r.html,
          headers: { 'X-Sakura-Guard-Delivery': deliveryId },
        });
      } catch (e) {
        const code = (e as { responseCode?: unknown }).responseCode;
        const permanent = typeof code === 'number' && code >= 500;
        throw new SinkError(`SMTP ${o.host}:${o.port}: ${errorMessage(e)} (${headline(m)})`, {
          retryable: !permanent,
          cause: e,
        });
      }
    },
    close: async () => {
      transport.close();
    },
  };
}

// Alert channel settings for display: secrets (shared secrets, tokens, passwords, header values)
// replaced, and URLs cut to their origin, since Slack, Teams and Discord webhook URLs carry
// their secret in the path.

export const REDACTED = '(redacted)';

const SECRET_KEY = /secret|token|pass|key|auth/i;
const URL_KEY = /url|endpoint/i;

function redactUrl(text: string): string {
  try {
    const u = new URL(text);
    return u.pathname === '/' && u.search === '' ? u.origin : `${u.origin}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}

/** A deep copy of `value` with secrets redacted (see above). */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return value;
  if (key !== '' && SECRET_KEY.test(key)) return REDACTED;
  if (key === 'headers' && typeof value === 'object' && !Array.isArray(value))
    return Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  if (typeof value === 'string') return URL_KEY.test(key) ? redactUrl(value) : value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v));
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, k)]));
  return value;
}

/** `text` with every secret or URL string of `settings` replaced (error messages may quote them). */
export function scrubSecrets(text: string, settings: unknown, key = ''): string {
  if (typeof settings === 'string')
    return (SECRET_KEY.test(key) || URL_KEY.test(key) || key === 'headers') && settings.length >= 4
      ? text.split(settings).join(REDACTED)
      : text;
  if (settings === null || typeof settings !== 'object') return text;
  let out = text;
  for (const [k, v] of Object.entries(settings))
    out = scrubSecrets(out, v, SECRET_KEY.test(key) || key === 'headers' ? key : k);
  return out;
}

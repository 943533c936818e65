// The dashboard talks only to the public API (/api/v1). Signed in with the session cookie
// (HttpOnly, set by /auth/login); writes carry the CSRF token the login answer gave, kept in
// sessionStorage so a reload in the same tab keeps working.

export class ApiFailure extends Error {
  readonly status: number;
  readonly hint: string | null;
  constructor(status: number, message: string, hint: string | null) {
    super(message);
    this.status = status;
    this.hint = hint;
  }
}

const CSRF_KEY = 'sg.csrf';
let onUnauthorized: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(CSRF_KEY);
  else sessionStorage.setItem(CSRF_KEY, token);
}

/** Called when the server says the session is gone (401). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = sessionStorage.getItem(CSRF_KEY);
  if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json: unknown = text === '' ? null : JSON.parse(text);
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; hint?: string };
    if (res.status === 401 && !path.endsWith('/auth/login')) onUnauthorized();
    throw new ApiFailure(res.status, e.error ?? res.statusText, e.hint ?? null);
  }
  return json as T;
}

/** GET with query parameters (undefined and empty values left out). */
export function get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return api<T>('GET', s === '' ? path : `${path}?${s}`);
}

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
  sql?: string;
}

export function runQuery(query: string, maxRows?: number): Promise<QueryResult> {
  return api<QueryResult>('POST', '/api/v1/query', { query, ...(maxRows === undefined ? {} : { maxRows }) });
}

/** SQL text literal for values we put in dashboard-built queries (the query API takes no parameters). */
export function sqlText(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

export interface Finding {
  id: string;
  type: string;
  severity: number;
  severityLabel: 'low' | 'medium' | 'high' | 'critical';
  title: string;
  description: string;
  resource: { ip: string; name: string | null; id: string | null };
  actor: { ip: string; port: number | null };
  role: 'actor' | 'target';
  count: number;
  firstSeen: string;
  lastSeen: string;
  evidence: { threshold: number; observed: number; window: string; sample: string[]; query: string };
  status: 'active' | 'archived';
  archivedBy: string | null;
  intelList: string | null;
  detector: string;
  detail: Record<string, unknown>;
}

export interface FindingPage {
  total: number;
  offset: number;
  limit: number;
  items: Finding[];
}

export interface Me {
  user: string;
  role: 'admin' | 'analyst' | 'viewer';
  via: 'token' | 'session';
  mustEnrollTotp: boolean;
}

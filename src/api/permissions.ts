// The permission matrix: one table that both the server's enforcement and docs/api.md use.
// A route names one permission; a role holds a set of them. `none` (no credentials) holds none:
// only /healthz and /readyz answer without authentication.

export const ROLES = ['admin', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'findings:read': 'list and show findings',
  'findings:write': 'archive findings',
  'suppressions:read': 'list suppression rules and preview one',
  'suppressions:write': 'add and remove suppression rules',
  'query:run': 'run read-only SQL and pipe queries over flows, events and findings',
  'stats:read': 'time series, top talkers, top ports, rejected traffic, a host’s peers',
  'posture:read': 'read the latest recorded posture audit report',
  'posture:write': 'record a posture audit report and its findings (`audit --record` while `serve` runs)',
  'reports:read': 'render the security report of a period (`report` while `serve` runs)',
  'flows:export': 'download stored flows as NDJSON or CSV (`export --parquet` while `serve` runs)',
  'intel:read': 'list threat-intel and trusted lists',
  'intel:write': 'add and remove threat-intel and trusted lists',
  'assets:read': 'list assets and show one host',
  'alerts:read': 'list alert channels (secrets redacted), routing rules, deliveries and dead letters',
  'alerts:write':
    'add, replace and remove alert channels and routes defined through the API; send a test message to a channel; re-queue dead letters',
  'responses:read': 'list automated response actions (proposed, pending, applied, undone)',
  'responses:write': 'approve a pending response action or undo one',
  'queries:own': 'save, change and remove one’s own saved queries',
  'users:read': 'list users and API tokens',
  'users:write': 'add, change and remove users; revoke any token',
  'tokens:own': 'create, list and revoke one’s own API tokens (role at most one’s own)',
  'audit:read': 'read the audit log',
  'metrics:read': 'read Prometheus /metrics',
  'sakura:run':
    'run a Sakura Cloud inventory sync or router poll now (`sakura sync` or `sakura poll` while `serve` runs)',
  'agent:commands': 'fetch and acknowledge the block commands queued for a host agent (the agent’s token)',
  ingest:
    'send log lines to POST /api/v1/ingest (tokens for Fluent Bit, Vector, the agent) and upload log files (`ingest` while `serve` runs)',
} as const;
export type Permission = keyof typeof PERMISSIONS;

const VIEWER: readonly Permission[] = [
  'findings:read',
  'suppressions:read',
  'query:run',
  'stats:read',
  'posture:read',
  'intel:read',
  'assets:read',
  'tokens:own',
  'queries:own',
  'reports:read',
];
const ANALYST: readonly Permission[] = [
  ...VIEWER,
  'findings:write',
  'suppressions:write',
  'intel:write',
  'alerts:read',
  'posture:write',
  'flows:export',
  'ingest',
  'agent:commands',
  'responses:read',
  'responses:write',
];
const ADMIN: readonly Permission[] = Object.keys(PERMISSIONS) as Permission[];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(ADMIN),
  analyst: new Set(ANALYST),
  viewer: new Set(VIEWER),
};

export function allows(role: Role | null, permission: Permission): boolean {
  return role !== null && ROLE_PERMISSIONS[role].has(permission);
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** Rank for "a token's role may not exceed its creator's". */
export function roleRank(role: Role): number {
  switch (role) {
    case 'viewer':
      return 0;
    case 'analyst':
      return 1;
    case 'admin':
      return 2;
    default: {
      const never: never = role;
      return never;
    }
  }
}

/** The matrix as a Markdown table (docs/api.md embeds it; a test keeps the two equal). */
export function permissionMatrixMarkdown(): string {
  const head = `| permission | what it allows | ${ROLES.join(' | ')} |`;
  const rule = `| --- | --- | ${ROLES.map(() => ':-:').join(' | ')} |`;
  const rows = (Object.keys(PERMISSIONS) as Permission[]).map(
    (p) => `| \`${p}\` | ${PERMISSIONS[p]} | ${ROLES.map((r) => (allows(r, p) ? 'yes' : '-')).join(' | ')} |`,
  );
  return [head, rule, ...rows].join('\n');
}

// One YAML document -> one Rule (types.ts), collecting every problem with its position. The keys
// are Sigma's (title, id, status, level, tags, logsource, detection, correlation...) plus ours:
// `severity` (1.0-10.0, overrides level), `findingType`, and `allowlist` (the tuning hook).

import type { EventKind } from '../core/records.ts';
import { ConditionError, parseCondition, usedSelections } from './condition.ts';
import { parseCorrelation } from './parse-correlation.ts';
import { parseSelection } from './selection.ts';
import {
  type Condition,
  DEFAULT_FINDING_TYPE,
  type DetectionRule,
  LEVEL_SEVERITY,
  type Position,
  type RecordKind,
  type Rule,
  type RuleMeta,
  type Selection,
  type SigmaLevel,
} from './types.ts';
import { type YNode, type YamlReader, didYouMean } from './yaml-reader.ts';

const SIGMA_KEYS = [
  'title',
  'id',
  'name',
  'related',
  'taxonomy',
  'status',
  'description',
  'license',
  'author',
  'references',
  'date',
  'modified',
  'logsource',
  'detection',
  'fields',
  'falsepositives',
  'level',
  'tags',
  'scope',
  'correlation',
  'generate',
];
const OUR_KEYS = ['severity', 'findingType', 'allowlist'];
const TOP_KEYS = [...SIGMA_KEYS, ...OUR_KEYS];
const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const LEVELS = Object.keys(LEVEL_SEVERITY) as SigmaLevel[];

/** logsource category/service -> which records the rule reads. */
const LOGSOURCES: Record<string, { records: RecordKind; eventKind: EventKind | null }> = {
  flow: { records: 'flow', eventKind: null },
  network_connection: { records: 'flow', eventKind: null },
  netflow: { records: 'flow', eventKind: null },
  firewall: { records: 'flow', eventKind: null },
  auth: { records: 'event', eventKind: 'auth' },
  authentication: { records: 'event', eventKind: 'auth' },
  sshd: { records: 'event', eventKind: 'auth' },
  http: { records: 'event', eventKind: 'http' },
  webserver: { records: 'event', eventKind: 'http' },
  dns: { records: 'event', eventKind: 'dns' },
  event: { records: 'event', eventKind: null },
};

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const FINDING_TYPE_RE = /^[A-Za-z]+:[A-Za-z0-9]+\/[A-Za-z0-9.&_-]+$/;
const ATTACK_TAG_RE = /^attack\.(t\d{4}(\.\d{3})?|[a-z_-]+|g\d{4}|s\d{4})$/;

export function parseRule(r: YamlReader, node: YNode): Rule | null {
  const where = r.at(node);
  if (!r.isMap(node)) {
    r.problem(where, 'a rule must be a YAML map', 'start the document with "title: ..." and "id: ..."');
    return null;
  }
  const before = r.problems.length;
  for (const p of r.pairs(node)) {
    const k = r.key(p);
    if (!TOP_KEYS.includes(k)) {
      r.problem(r.at(p), `unknown key "${k}"${didYouMean(k, TOP_KEYS)}`, `rule keys: ${TOP_KEYS.join(', ')}`);
    }
  }
  const meta = parseMeta(r, node, where);
  const correlation = r.child(node, 'correlation');
  if (correlation !== undefined) {
    const c = parseCorrelation(r, correlation, meta);
    return c !== null && r.problems.length === before ? c : null;
  }
  const ls = parseLogsource(r, r.child(node, 'logsource'), where);
  const det = r.child(node, 'detection');
  if (det === undefined)
    r.problem(where, 'missing "detection"', 'add a detection section with selections and a condition');
  if (ls === null || det === undefined || meta === null) return null;
  const detection = parseDetection(r, det.value, ls.records, r.at(det));
  const allow = parseAllowlist(r, r.child(node, 'allowlist'), ls.records, where);
  if (detection === null || allow === null || r.problems.length !== before) return null;
  const rule: DetectionRule = { ...meta, kind: 'detection', ...ls, ...detection, allow };
  return rule;
}

function parseMeta(r: YamlReader, node: YNode, where: Position): RuleMeta | null {
  const title = r.text(r.child(node, 'title'), 'title', true, where);
  const idPair = r.child(node, 'id');
  const id = r.text(idPair, 'id', true, where);
  if (id !== undefined && !ID_RE.test(id)) {
    r.problem(
      r.at(idPair?.value, where),
      `id "${id}" has characters ids cannot hold`,
      'use letters, digits, ".", "_", "-" or ":" (a UUID works)',
    );
  }
  const namePair = r.child(node, 'name');
  const name = namePair ? (r.text(namePair, 'name', false, where) ?? null) : null;
  const status = optionalText(r, node, 'status', where) ?? 'experimental';
  if (!STATUSES.includes(status)) {
    r.problem(
      r.at(r.child(node, 'status'), where),
      `status "${status}" is not a Sigma status`,
      `use one of ${STATUSES.join(', ')}`,
    );
  }
  const level = (optionalText(r, node, 'level', where) ?? 'medium') as SigmaLevel;
  if (!LEVELS.includes(level)) {
    r.problem(
      r.at(r.child(node, 'level'), where),
      `level "${level}" is not a Sigma level`,
      `use one of ${LEVELS.join(', ')}`,
    );
  }
  let severity = LEVEL_SEVERITY[level] ?? 5;
  const sevPair = r.child(node, 'severity');
  if (sevPair) {
    const s = r.scalar(sevPair.value);
    if (typeof s !== 'number' || s < 1 || s > 10) {
      r.problem(
        r.at(sevPair.value, where),
        'severity must be a number from 1.0 to 10.0',
        'or leave it out and set "level"',
      );
    } else severity = s;
  }
  const tags: string[] = [];
  const tagsPair = r.child(node, 'tags');
  if (tagsPair) {
    if (!r.isSeq(tagsPair.value))
      r.problem(
        r.at(tagsPair),
        'tags must be a list',
        'write "tags: [attack.t1110, attack.credential_access]"',
      );
    for (const t of r.items(tagsPair.value)) {
      const v = r.scalar(t);
      if (typeof v !== 'string') {
        r.problem(r.at(t, where), 'a tag must be text', 'write tags like attack.t1110');
      } else if (v.startsWith('attack.') && !ATTACK_TAG_RE.test(v)) {
        r.problem(
          r.at(t, where),
          `"${v}" is not an ATT&CK tag`,
          'write techniques as attack.t1110 or attack.t1110.001, tactics as attack.credential_access',
        );
      } else tags.push(v);
    }
  }
  const findingType = optionalText(r, node, 'findingType', where) ?? DEFAULT_FINDING_TYPE;
  if (!FINDING_TYPE_RE.test(findingType)) {
    r.problem(
      r.at(r.child(node, 'findingType'), where),
      `findingType "${findingType}" is not a finding type`,
      'write it as ThreatPurpose:Host/Name, e.g. Policy:Host/DatabaseExposed',
    );
  }
  if (title === undefined || id === undefined) return null;
  return {
    id,
    name,
    title,
    description: optionalText(r, node, 'description', where) ?? '',
    author: optionalText(r, node, 'author', where) ?? '',
    level,
    severity,
    tags,
    status,
    findingType,
    file: where.file,
    line: where.line,
  };
}

function optionalText(r: YamlReader, node: YNode, key: string, where: Position): string | undefined {
  return r.text(r.child(node, key), key, false, where);
}

function parseLogsource(
  r: YamlReader,
  p: ReturnType<YamlReader['child']>,
  where: Position,
): { records: RecordKind; eventKind: EventKind | null } | null {
  const known = Object.keys(LOGSOURCES).join(', ');
  if (p === undefined || !r.isMap(p.value)) {
    r.problem(
      p ? r.at(p) : where,
      'missing "logsource" map',
      `add "logsource: {category: flow}"; categories: ${known}`,
    );
    return null;
  }
  for (const key of ['service', 'category']) {
    const v = r.scalar(r.child(p.value, key)?.value);
    if (typeof v === 'string' && LOGSOURCES[v.toLowerCase()]) return LOGSOURCES[v.toLowerCase()]!;
  }
  r.problem(
    r.at(p),
    'logsource names no records this product reads',
    `set category (or service) to one of: ${known}`,
  );
  return null;
}

function parseDetection(
  r: YamlReader,
  node: YNode,
  records: RecordKind,
  where: Position,
): { selections: Map<string, Selection>; condition: Condition } | null {
  if (!r.isMap(node)) {
    r.problem(
      where,
      '"detection" must be a map of selections and a condition',
      'see docs/rules.md for an example',
    );
    return null;
  }
  const selections = new Map<string, Selection>();
  /** Every selection written, with or without problems: the condition is checked against these. */
  const names: string[] = [];
  let ok = true;
  let condPair: ReturnType<YamlReader['child']>;
  for (const p of r.pairs(node)) {
    const name = r.key(p);
    if (name === 'condition') {
      condPair = p;
      continue;
    }
    if (name === 'timeframe') {
      r.problem(
        r.at(p),
        '"timeframe" is not supported',
        'write a correlation rule with "timespan" instead (docs/rules.md)',
      );
      ok = false;
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      r.problem(r.at(p), `selection name "${name}" is not a plain name`, 'use letters, digits and "_"');
      ok = false;
      continue;
    }
    names.push(name);
    const s = parseSelection(r, name, p.value, records, r.at(p));
    if (s === null) ok = false;
    else selections.set(name, s);
  }
  if (condPair === undefined) {
    r.problem(where, 'missing "condition" in detection', 'add e.g. "condition: selection"');
    return null;
  }
  const condValues = r.isSeq(condPair.value) ? r.items(condPair.value) : [condPair.value];
  const parts: Condition[] = [];
  for (const cv of condValues) {
    const text = r.scalar(cv);
    const at = r.at(cv, r.at(condPair));
    if (typeof text !== 'string') {
      r.problem(at, 'condition must be text', 'e.g. "condition: selection and not filter"');
      return null;
    }
    try {
      parts.push(parseCondition(text, names));
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      // Plain scalars start at the node; quoted ones one character later.
      r.problem({ ...at, column: at.column + e.offset }, `condition: ${e.message}`, e.hint);
      return null;
    }
  }
  if (!ok) return null;
  const condition: Condition = parts.length === 1 ? parts[0]! : { kind: 'or', items: parts };
  const used = usedSelections(condition);
  for (const name of selections.keys()) {
    if (!used.has(name)) {
      r.problem(
        r.at(r.child(node, name)),
        `selection "${name}" is not used by the condition`,
        'use it in the condition or remove it',
      );
      return null;
    }
  }
  return { selections, condition };
}

function parseAllowlist(
  r: YamlReader,
  p: ReturnType<YamlReader['child']>,
  records: RecordKind,
  where: Position,
): Selection[] | null {
  if (p === undefined) return [];
  const items = r.isSeq(p.value) ? r.items(p.value) : [p.value];
  const out: Selection[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const s = parseSelection(r, `allowlist[${i}]`, item, records, r.at(item, where));
    if (s === null) ok = false;
    else out.push(s);
  });
  return ok ? out : null;
}

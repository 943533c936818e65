// Resolves what the auditor can know statically: literals, templates, tuples, objects, `var.*`
// (defaults and *.tfvars) and `local.*`. Anything else (data sources, resource attributes,
// function calls) is UNKNOWN, and checks treat UNKNOWN conservatively.

import type { HclAttribute, HclBlock, HclBody, HclExpr } from './hcl.ts';

export const UNKNOWN: unique symbol = Symbol('unknown');
export type TfValue =
  string | number | boolean | null | TfValue[] | { [k: string]: TfValue } | typeof UNKNOWN;

/** Variables and locals of one Terraform module (one directory). */
export interface TfScope {
  variables: Map<string, HclExpr>;
  locals: Map<string, HclExpr>;
  /** Values from terraform.tfvars / *.auto.tfvars, which win over defaults. */
  tfvars: Map<string, HclExpr>;
  /** Iterators of `dynamic` blocks being expanded: name → `{ key, value }`. */
  iterators: Map<string, TfValue>;
  /** Resource bodies by address (`aws_vpc.main`), so `aws_vpc.main.cidr_block` resolves to its literal. */
  resources: Map<string, HclBody>;
}

export function emptyScope(): TfScope {
  return {
    variables: new Map(),
    locals: new Map(),
    tfvars: new Map(),
    iterators: new Map(),
    resources: new Map(),
  };
}

/** Adds a file's `variable` defaults and `locals` to the module scope. */
export function addToScope(scope: TfScope, body: HclBody): void {
  for (const b of body.blocks) {
    if (b.type === 'variable' && b.labels[0]) {
      const def = b.body.attributes.find((a) => a.name === 'default');
      if (def) scope.variables.set(b.labels[0], def.value);
    } else if (b.type === 'locals') {
      for (const a of b.body.attributes) scope.locals.set(a.name, a.value);
    }
  }
}

export function addTfvars(scope: TfScope, body: HclBody): void {
  for (const a of body.attributes) scope.tfvars.set(a.name, a.value);
}

export function evaluate(e: HclExpr, scope: TfScope, depth = 0): TfValue {
  if (depth > 32) return UNKNOWN; // a local referring to itself
  switch (e.type) {
    case 'literal':
      return e.value;
    case 'template': {
      // "${expr}" alone is the expression itself (legacy interpolation-only syntax).
      const only = e.parts.length === 1 ? e.parts[0] : undefined;
      if (only !== undefined && typeof only !== 'string') return evaluate(only, scope, depth + 1);
      let out = '';
      for (const p of e.parts) {
        if (typeof p === 'string') out += p;
        else {
          const v = evaluate(p, scope, depth + 1);
          if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return UNKNOWN;
          out += String(v);
        }
      }
      return out;
    }
    case 'tuple':
      return e.items.map((x) => evaluate(x, scope, depth + 1));
    case 'object': {
      const o: { [k: string]: TfValue } = {};
      for (const x of e.entries) o[x.key] = evaluate(x.value, scope, depth + 1);
      return o;
    }
    case 'ref':
      return resolveRef(e.path, scope, depth);
    case 'other':
      return UNKNOWN;
  }
}

function resolveRef(path: string, scope: TfScope, depth: number): TfValue {
  const root = /^([A-Za-z0-9_-]+)(.*)$/.exec(path);
  const iter = root ? scope.iterators.get(root[1]!) : undefined;
  if (iter !== undefined) return walk(iter, root![2]!);
  const m = /^(var|local)\.([A-Za-z0-9_-]+)(.*)$/.exec(path);
  if (!m) return resourceAttribute(path, scope, depth);
  const [, ns, name, rest] = m as unknown as [string, string, string, string];
  const expr = ns === 'var' ? (scope.tfvars.get(name) ?? scope.variables.get(name)) : scope.locals.get(name);
  if (!expr) return UNKNOWN;
  return walk(evaluate(expr, scope, depth + 1), rest);
}

/** `type.name.attr` of a resource in the module, when that attribute is written as a resolvable value. */
function resourceAttribute(path: string, scope: TfScope, depth: number): TfValue {
  const m = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)$/.exec(path);
  const body = m ? scope.resources.get(`${m[1]}.${m[2]}`) : undefined;
  const a = body?.attributes.find((x) => x.name === m![3]);
  return a ? evaluate(a.value, scope, depth + 1) : UNKNOWN;
}

function walk(start: TfValue, rest: string): TfValue {
  let v = start;
  for (const step of rest.match(/\.[A-Za-z0-9_-]+|\[\d+\]/g) ?? []) {
    if (v === UNKNOWN || v === null || typeof v !== 'object') return UNKNOWN;
    const key = step.startsWith('.') ? step.slice(1) : step.slice(1, -1);
    v = Array.isArray(v) ? (v[Number(key)] ?? UNKNOWN) : (v[key] ?? UNKNOWN);
  }
  return v;
}

export function attr(body: HclBody, name: string): HclAttribute | undefined {
  return body.attributes.find((a) => a.name === name);
}

export function value(body: HclBody, name: string, scope: TfScope): TfValue | undefined {
  const a = attr(body, name);
  return a ? evaluate(a.value, scope) : undefined;
}

/** A nested element with lines, written either as repeated blocks or as a list of objects. */
export interface TfElement {
  body: HclBody;
  line: number;
  endLine: number;
  /** The scope to evaluate the body in (a `dynamic` block's iterator); default: the module's. */
  scope?: TfScope;
}

/**
 * Nested `name { ... }` blocks, `dynamic "name" { for_each ... content { ... } }` expanded when
 * for_each resolves, or `name = [{ ... }]` (the newer Sakura provider's style), or
 * `name = { ... }`, all as bodies with lines.
 */
export function elements(body: HclBody, name: string, scope?: TfScope): TfElement[] {
  const out: TfElement[] = body.blocks
    .filter((b: HclBlock) => b.type === name)
    .map((b) => ({ body: b.body, line: b.line, endLine: b.endLine }));
  if (scope)
    for (const d of body.blocks) {
      if (d.type !== 'dynamic' || d.labels[0] !== name) continue;
      const content = d.body.blocks.find((b) => b.type === 'content');
      const each = attr(d.body, 'for_each');
      if (!content || !each) continue;
      const iterAttr = attr(d.body, 'iterator');
      const iterName = iterAttr?.value.type === 'ref' ? iterAttr.value.path : name;
      const coll = evaluate(each.value, scope);
      if (coll === UNKNOWN || coll === null || typeof coll !== 'object') continue;
      const entries: [TfValue, TfValue][] = Array.isArray(coll)
        ? coll.map((v, i) => [i, v])
        : Object.entries(coll);
      for (const [key, v] of entries) {
        const iterators = new Map(scope.iterators).set(iterName, { key, value: v });
        out.push({
          body: content.body,
          line: content.line,
          endLine: content.endLine,
          scope: { ...scope, iterators },
        });
      }
    }
  const a = attr(body, name);
  if (a) {
    const items = a.value.type === 'tuple' ? a.value.items : [a.value];
    for (const it of items)
      if (it.type === 'object') out.push({ body: objectBody(it), line: it.line, endLine: it.endLine });
  }
  return out;
}

function objectBody(o: Extract<HclExpr, { type: 'object' }>): HclBody {
  return {
    attributes: o.entries.map((x) => ({ name: x.key, value: x.value, line: x.line, endLine: x.endLine })),
    blocks: [],
  };
}

/** A value as a list of strings (one string becomes a list of one); UNKNOWN items stay UNKNOWN. */
export function stringList(v: TfValue | undefined): (string | typeof UNKNOWN)[] {
  if (v === undefined || v === null) return [];
  if (v === UNKNOWN) return [UNKNOWN];
  if (Array.isArray(v)) return v.flatMap((x) => stringList(x));
  if (typeof v === 'string') return [v];
  if (typeof v === 'number') return [String(v)];
  return [UNKNOWN];
}

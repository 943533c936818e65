// The template cache. Template ids are only unique within one exporter (address and port) and one
// Source ID (v9) / Observation Domain (IPFIX): keying by id alone corrupted decodes in other
// collectors (FORMATS.md §4.3). A data and an options template may reuse one id: the last
// definition wins, whatever its kind. Over UDP templates are re-sent, so entries expire.

import { ROLE_SKIP, VARIABLE_LENGTH, roleOf } from './fields.ts';

export type TemplateKind = 'data' | 'options';

export interface Template {
  kind: TemplateKind;
  id: number;
  /** Per field: IE id, enterprise number (0 for IETF), length (65535 = variable), role. */
  readonly ies: Uint16Array;
  readonly enterprises: Uint32Array;
  readonly lengths: Uint16Array;
  readonly roles: Uint8Array;
  /** Options templates: how many leading fields are scope fields. 0 for data templates. */
  scopeCount: number;
  /** Smallest record: fixed lengths plus 1 byte per variable-length field. */
  minRecordLength: number;
  variable: boolean;
  definedAtMs: number;
}

export interface FieldSpec {
  ie: number;
  enterprise: number;
  length: number;
}

/**
 * Builds a template. `scopeRolesSkipped` is for v9 options templates, whose scope field types
 * (system, interface, line card...) are not IEs.
 */
export function buildTemplate(
  kind: TemplateKind,
  id: number,
  fields: readonly FieldSpec[],
  scopeCount: number,
  definedAtMs: number,
  scopeRolesSkipped: boolean,
): Template {
  const n = fields.length;
  const ies = new Uint16Array(n);
  const enterprises = new Uint32Array(n);
  const lengths = new Uint16Array(n);
  const roles = new Uint8Array(n);
  let minRecordLength = 0;
  let variable = false;
  for (let i = 0; i < n; i++) {
    const f = fields[i]!;
    ies[i] = f.ie;
    enterprises[i] = f.enterprise;
    lengths[i] = f.length;
    roles[i] = scopeRolesSkipped && i < scopeCount ? ROLE_SKIP : roleOf(f.ie, f.enterprise);
    if (f.length === VARIABLE_LENGTH) {
      variable = true;
      minRecordLength += 1;
    } else {
      minRecordLength += f.length;
    }
  }
  return { kind, id, ies, enterprises, lengths, roles, scopeCount, minRecordLength, variable, definedAtMs };
}

export interface ExporterAddress {
  address: string;
  port: number;
}

/** The scope of template ids, sequence numbers and sampling: one exporter's Source ID / domain. */
export function domainKey(exporter: ExporterAddress, domain: number): string {
  return `${exporter.address}|${exporter.port}|${domain}`;
}

export function templateKey(domain: string, templateId: number): string {
  return `${domain}|${templateId}`;
}

export interface TemplateCacheOptions {
  ttlMs: number;
  maxTemplates: number;
}

export interface TemplateCache {
  /** The live template for a key, or undefined (unknown or expired; expired ones are removed). */
  get(key: string, nowMs: number): Template | undefined;
  /** Stores a definition; a redefinition replaces the previous one (last definition wins). */
  set(key: string, template: Template): void;
  readonly size: number;
  readonly expired: number;
  readonly evicted: number;
}

export function createTemplateCache(options: TemplateCacheOptions): TemplateCache {
  // Map iteration order is insertion order; re-inserting on redefinition keeps the oldest first.
  const map = new Map<string, Template>();
  let expired = 0;
  let evicted = 0;
  return {
    get(key, nowMs) {
      const t = map.get(key);
      if (t === undefined) return undefined;
      if (nowMs - t.definedAtMs > options.ttlMs) {
        map.delete(key);
        expired++;
        return undefined;
      }
      return t;
    },
    set(key, template) {
      map.delete(key);
      map.set(key, template);
      while (map.size > options.maxTemplates) {
        const oldest = map.keys().next().value;
        if (oldest === undefined) break;
        map.delete(oldest);
        evicted++;
      }
    },
    get size() {
      return map.size;
    },
    get expired() {
      return expired;
    },
    get evicted() {
      return evicted;
    },
  };
}

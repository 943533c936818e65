// Loads sakura-guard.yaml: YAML -> environment overrides -> zod. Every problem is reported at
// once, each with its path (`server.port: expected number`), in one UserError.
//
// Environment overrides: SAKURA_GUARD__<SECTION>__<OPTION>=value, segments separated by a double
// underscore and written in upper snake case (SAKURA_GUARD__SERVER__BODY_LIMIT_BYTES=2097152 sets
// server.bodyLimitBytes). Values are read as YAML scalars, so numbers and booleans keep their type.

import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import { configSchema, type SakuraGuardConfig } from './schema.ts';

export const ENV_PREFIX = 'SAKURA_GUARD__';
export const DEFAULT_CONFIG_FILE = 'sakura-guard.yaml';

/** `BODY_LIMIT_BYTES` -> `bodyLimitBytes`. */
export function envSegmentToKey(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Applies SAKURA_GUARD__A__B=value overrides onto a parsed YAML document (returns a copy). */
export function applyEnvOverrides(doc: unknown, env: NodeJS.ProcessEnv): unknown {
  const root: Record<string, unknown> = isObject(doc) ? structuredClone(doc) : {};
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = name.slice(ENV_PREFIX.length).split('__').filter(Boolean).map(envSegmentToKey);
    const last = path.pop();
    if (last === undefined) continue;
    let node = root;
    for (const key of path) {
      const next = node[key];
      if (!isObject(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[last] = parseScalar(raw);
  }
  return root;
}

function parseScalar(raw: string): unknown {
  try {
    const v: unknown = parseYaml(raw);
    return v === null || typeof v === 'object' ? raw : v;
  } catch {
    return raw;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a parsed document; throws one UserError listing every problem with its path. */
export function validateConfig(doc: unknown, origin: string): SakuraGuardConfig {
  const parsed = configSchema.safeParse(doc ?? {});
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const path = i.path.map(String).join('.') || '(top level)';
    return `  ${path}: ${i.message}`;
  });
  throw new UserError(`${origin} is not a valid configuration:\n${lines.join('\n')}`, {
    hint: 'compare with sakura-guard.example.yaml (every option and its default); see docs/configuration.md',
    exitCode: EXIT_USAGE,
  });
}

/** Parses YAML text, applies the environment and validates. */
export function parseConfigText(
  text: string,
  origin: string,
  env: NodeJS.ProcessEnv = {},
): SakuraGuardConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    throw new UserError(`${origin} is not valid YAML${where}: ${errorMessage(e).split('\n')[0]}`, {
      hint: 'fix the YAML syntax (indentation with spaces, `key: value`)',
      exitCode: EXIT_USAGE,
      cause: e,
    });
  }
  if (doc !== null && doc !== undefined && !isObject(doc)) {
    throw new UserError(`${origin} must be a YAML mapping of options`, {
      hint: 'start from sakura-guard.example.yaml',
      exitCode: EXIT_USAGE,
    });
  }
  return validateConfig(applyEnvOverrides(doc, env), origin);
}

/** Loads a configuration file; with no file, the defaults plus the environment overrides. */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = {}): SakuraGuardConfig {
  if (file === undefined) return validateConfig(applyEnvOverrides({}, env), 'the environment');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the configuration ${file}: ${errorMessage(e)}`, {
      hint: 'pass an existing file with --config, or omit it to use the defaults',
      exitCode: EXIT_USAGE,
      cause: e,
    });
  }
  return parseConfigText(text, file, env);
}

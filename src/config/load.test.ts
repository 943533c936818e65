import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../core/errors.ts';
import { applyEnvOverrides, envSegmentToKey, loadConfig, parseConfigText } from './load.ts';
import { configSchema, defaultConfig } from './schema.ts';

const EXAMPLE = join(import.meta.dirname, '../../sakura-guard.example.yaml');

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('configuration', () => {
  it('validates its own defaults', () => {
    const d = defaultConfig();
    expect(configSchema.parse(d)).toEqual(d);
    expect(d.server.port).toBe(8080);
    expect(d.auth.requireTotpForAdmins).toBe(true);
  });

  it('example file round-trips: it parses to exactly the defaults, key for key', () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    expect(parseConfigText(text, 'example')).toEqual(defaultConfig());
    // every option of the schema appears in the example
    const doc = parseYaml(text) as Record<string, unknown>;
    const defaults = defaultConfig() as unknown as Record<string, unknown>;
    for (const [section, value] of Object.entries(defaults)) {
      expect(doc, section).toHaveProperty(section);
      if (typeof value === 'object' && value !== null) {
        for (const key of Object.keys(value)) expect(doc[section], `${section}.${key}`).toHaveProperty(key);
      }
    }
  });

  it('reports every error with its path at once', () => {
    const e = errorOf(() =>
      parseConfigText('server:\n  port: "http"\n  hots: x\nauth:\n  maxFailedLogins: 0\n', 'f.yaml'),
    );
    expect(e.message).toContain('f.yaml is not a valid configuration');
    expect(e.message).toContain('server.port:');
    expect(e.message).toContain('server:');
    expect(e.message).toContain('hots');
    expect(e.message).toContain('auth.maxFailedLogins:');
    expect(e.hint).toContain('example');
  });

  it('reports YAML syntax errors with a line', () => {
    const e = errorOf(() => parseConfigText('server:\n  port: 1\n bad: [\n', 'f.yaml'));
    expect(e.message).toMatch(/not valid YAML at line \d/);
  });

  it('needs both TLS files or neither', () => {
    const e = errorOf(() => parseConfigText('server:\n  tls:\n    cert: a.pem\n', 'f.yaml'));
    expect(e.message).toContain('server.tls');
  });

  it('environment overrides win over the file and keep scalar types', () => {
    expect(envSegmentToKey('BODY_LIMIT_BYTES')).toBe('bodyLimitBytes');
    const c = parseConfigText('server:\n  port: 9000\n', 'f.yaml', {
      SAKURA_GUARD__SERVER__PORT: '9443',
      SAKURA_GUARD__AUTH__REQUIRE_TOTP_FOR_ADMINS: 'false',
      SAKURA_GUARD__SERVER__TLS__CERT: 'c.pem',
      SAKURA_GUARD__SERVER__TLS__KEY: 'k.pem',
      SAKURA_GUARD_DATA_DIR: '/ignored/single/underscore',
    });
    expect(c.server.port).toBe(9443);
    expect(c.auth.requireTotpForAdmins).toBe(false);
    expect(c.server.tls).toEqual({ cert: 'c.pem', key: 'k.pem' });
    expect(c.dataDir).toBe('data');
  });

  it('a bad environment value is reported with its path', () => {
    const e = errorOf(() => loadConfig(undefined, { SAKURA_GUARD__QUERY__MAX_ROWS: 'lots' }));
    expect(e.message).toContain('query.maxRows');
    expect(applyEnvOverrides(null, {})).toEqual({});
  });

  it('a missing file is a UserError', () => {
    expect(errorOf(() => loadConfig('/nonexistent/sakura.yaml')).message).toContain('cannot read');
  });
});

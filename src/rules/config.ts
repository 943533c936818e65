// The `rules` section of sakura-guard.yaml, the enable/disable state the CLI writes into the data
// directory, and which loaded rules are on.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError, errorMessage } from '../core/errors.ts';
import type { CorrelationRule, DetectionRule, Rule } from './types.ts';

export const rulesConfigSchema = z
  .object({
    /** Directories (or files) of rule files (*.yml, *.yaml), read recursively. None by default. */
    directories: z.array(z.string().min(1)).default([]),
    /** Rule ids (`*` wildcards allowed) that are on. Default: every rule in the directories. */
    enabled: z.array(z.string().min(1)).default(['*']),
    /** Rule ids (`*` wildcards allowed) that are off; wins over `enabled`. */
    disabled: z.array(z.string().min(1)).default([]),
    /** Seconds a detection rule's matches are gathered before they become one finding update. */
    windowSeconds: z.number().int().min(1).default(300),
    /** Most keys (endpoint pairs, correlation groups) a window holds; more are dropped and counted. */
    maxKeys: z.number().int().min(100).default(1_000_000),
    /**
     * The enable/disable state file `rules enable|disable` writes (it wins over the lists above).
     * Default: `rules-state.json` in the data directory (set by the server and the CLI).
     */
    stateFile: z.string().min(1).nullable().default(null),
  })
  .strict();
export type RulesConfig = z.infer<typeof rulesConfigSchema>;

export const RULES_STATE_FILE = 'rules-state.json';

const stateSchema = z.object({
  enable: z.array(z.string()).default([]),
  disable: z.array(z.string()).default([]),
});
export type RulesState = z.infer<typeof stateSchema>;

export function statePath(dataDir: string): string {
  return path.join(dataDir, RULES_STATE_FILE);
}

export function readRulesState(file: string | null): RulesState {
  if (file === null) return { enable: [], disable: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { enable: [], disable: [] };
  }
  try {
    return stateSchema.parse(JSON.parse(text));
  } catch (e) {
    throw new UserError(`${file} is not a valid rules state file: ${errorMessage(e)}`, {
      hint: 'fix or remove it; `rules enable|disable` rewrites it',
    });
  }
}

export function writeRulesState(file: string, state: RulesState): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

const glob = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

const matchesAny = (id: string, patterns: readonly string[]): boolean =>
  patterns.some((p) => glob(p).test(id));

export function isEnabled(
  id: string,
  config: Pick<RulesConfig, 'enabled' | 'disabled'>,
  state: RulesState,
): boolean {
  if (state.enable.includes(id)) return true;
  if (state.disable.includes(id)) return false;
  return matchesAny(id, config.enabled) && !matchesAny(id, config.disabled);
}

export interface ActiveRules {
  /** Detection rules that raise findings. */
  emitting: DetectionRule[];
  correlations: CorrelationRule[];
  /** Every detection rule (correlations refer to them, enabled or not). */
  detection: DetectionRule[];
}

/**
 * The rules that run. A detection rule referenced by an enabled correlation feeds it, and raises
 * findings of its own only when the correlation says `generate: true` (Sigma's default).
 */
export function activeRules(
  rules: readonly Rule[],
  config: Pick<RulesConfig, 'enabled' | 'disabled'>,
  state: RulesState,
): ActiveRules {
  const detection = rules.filter((r): r is DetectionRule => r.kind === 'detection');
  const correlations = rules.filter(
    (r): r is CorrelationRule => r.kind === 'correlation' && isEnabled(r.id, config, state),
  );
  const referenced = new Set(correlations.flatMap((c) => c.rules));
  const emitting = detection.filter(
    (r) =>
      isEnabled(r.id, config, state) && !referenced.has(r.id) && !(r.name !== null && referenced.has(r.name)),
  );
  return { emitting, correlations, detection };
}

/** The detection configuration with the `rules` section as the rules detector's configuration. */
export function withRulesSection<D extends { detectors: Record<string, unknown> }>(
  detection: D,
  rules: RulesConfig,
): D {
  return { ...detection, detectors: { ...detection.detectors, rules } };
}

/** Rule directories relative to `baseDir` (the configuration file's folder); the state file in the data directory. */
export function resolveRulesPaths(rules: RulesConfig, baseDir: string, dataDir: string): RulesConfig {
  return {
    ...rules,
    directories: rules.directories.map((d) => path.resolve(baseDir, d)),
    stateFile: rules.stateFile === null ? statePath(dataDir) : path.resolve(baseDir, rules.stateFile),
  };
}

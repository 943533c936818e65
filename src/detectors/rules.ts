// User-written rules (src/rules/, docs/rules.md) as one detector: loads the rule directories of
// the `rules` configuration section, runs every enabled rule over flows and events, and emits
// their signals into the same findings stage as the built-in detectors. Reloadable without a
// restart (SIGHUP in `serve`, or reloadLiveRules()).

import type { Detector, DetectorContext, DetectorInstance } from '../engine/detector.ts';
import { activeRules, readRulesState, rulesConfigSchema, type RulesConfig } from '../rules/config.ts';
import { createRuleEngine, type RuleEngine } from '../rules/engine.ts';
import { loadRules } from '../rules/load.ts';
import type { RuleProblem } from '../rules/types.ts';

export interface RulesReload {
  files: number;
  rules: number;
  active: number;
  problems: RuleProblem[];
}

interface Reloadable {
  reload(): RulesReload;
}
/** Running instances, held weakly: a finished pipeline's detector is not kept alive by this. */
const live = new Set<WeakRef<Reloadable>>();

/** Reloads the rules of every running rules detector in this process (SIGHUP, the admin route). */
export function reloadLiveRules(): RulesReload[] {
  const out: RulesReload[] = [];
  for (const ref of live) {
    const r = ref.deref();
    if (r === undefined) live.delete(ref);
    else out.push(r.reload());
  }
  return out;
}

function build(config: RulesConfig, early: boolean): { engine: RuleEngine; summary: RulesReload } {
  const loaded = loadRules(config.directories);
  const act = activeRules(loaded.rules, config, readRulesState(config.stateFile));
  const engine = createRuleEngine(act.emitting, act.correlations, act.detection, { ...config, early });
  return {
    engine,
    summary: {
      files: loaded.files,
      rules: loaded.rules.length,
      active: act.emitting.length + act.correlations.length,
      problems: loaded.problems,
    },
  };
}

export const rules: Detector<typeof rulesConfigSchema> = {
  id: 'rules',
  types: ['Custom:Host/Rule'],
  description: 'User-written Sigma-style detection and correlation rules (docs/rules.md)',
  configSchema: rulesConfigSchema,
  create(config, deps) {
    const early = deps.early === true;
    let current = config.directories.length === 0 ? null : build(config, early).engine;
    let pending: RuleEngine | null = null;
    let lastWatermark = -Infinity;
    // The swap happens on the pipeline's turn, never inside a batch: the old engine's open
    // windows are closed first so their matches are not lost.
    const swap = (ctx: DetectorContext): void => {
      if (pending === null) return;
      current?.onWatermark(Infinity, ctx);
      current = pending;
      pending = null;
      if (lastWatermark > -Infinity) current.onWatermark(lastWatermark, ctx);
    };
    const instance: DetectorInstance & Reloadable = {
      reload() {
        const b = build(config, early);
        pending = b.engine;
        return b.summary;
      },
      onFlows(view, ctx) {
        swap(ctx);
        current?.onFlows(view, ctx);
      },
      onEvent(event, ctx) {
        swap(ctx);
        current?.onEvent(event, ctx);
      },
      onWatermark(t, ctx) {
        swap(ctx);
        lastWatermark = t;
        current?.onWatermark(t, ctx);
      },
      stateSize: () => current?.stateSize() ?? 0,
    };
    live.add(new WeakRef(instance));
    return instance;
  },
};

export function describeReload(r: RulesReload): string {
  return `rules loaded: ${r.active} active of ${r.rules} rule(s) in ${r.files} file(s), ${r.problems.length} problem(s)`;
}

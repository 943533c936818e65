// The rule model: what a rule file says once loaded and checked (load.ts, parse-rule.ts), before
// compilation (compile-flow.ts, compile-event.ts, compile-sql.ts). Plain data, positions kept so
// every later error can still name its file and line.

import type { EventKind } from '../core/records.ts';
import type { FieldDef } from './fields.ts';

/** Which records a rule reads: flows (FlowBatch) or log events (LogEvent), by its `logsource`. */
export type RecordKind = 'flow' | 'event';

export interface Position {
  file: string;
  line: number;
  column: number;
}

/** One problem found while loading or checking rules: where, what, and what to do. */
export interface RuleProblem extends Position {
  message: string;
  hint: string;
}

/**
 * `like`: a case-insensitive full match of a regular expression built from Sigma wildcards
 * (`*`, `?`) and the contains/startswith/endswith modifiers; `re`: a user regular expression
 * (case-sensitive, found anywhere in the value).
 */
export type ValueOp = 'eq' | 'like' | 're' | 'cidr' | 'gt' | 'gte' | 'lt' | 'lte';

/**
 * One `field|modifiers: values` entry of a selection, values already checked and converted for
 * the field's type (numbers for numeric fields, lower-case text for case-insensitive matches).
 */
export interface FieldTest {
  field: FieldDef;
  op: ValueOp;
  /** `null` means "the field is missing". */
  values: (string | number | null)[];
  /** `|all`: every value must match (default: any). */
  all: boolean;
}

/** A selection: a list of alternatives (Sigma: a list of maps), each an AND of field tests. */
export interface Selection {
  name: string;
  alternatives: FieldTest[][];
}

export type Condition =
  | { kind: 'sel'; name: string }
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition };

export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

export interface RuleMeta {
  id: string;
  /** Sigma `name`: another way correlations may refer to the rule. */
  name: string | null;
  title: string;
  description: string;
  author: string;
  level: SigmaLevel;
  /** 1.0-10.0: `severity` when given, else from `level`. */
  severity: number;
  tags: string[];
  status: string;
  /** Finding type of its findings. */
  findingType: string;
  file: string;
  line: number;
}

export interface DetectionRule extends RuleMeta {
  kind: 'detection';
  records: RecordKind;
  /** For event rules: the event kind the logsource names, or null for every event. */
  eventKind: EventKind | null;
  selections: Map<string, Selection>;
  condition: Condition;
  /** Tuning: records matching any of these never match the rule. */
  allow: Selection[];
}

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';
export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface CorrelationRule extends RuleMeta {
  kind: 'correlation';
  type: CorrelationType;
  /** Ids or names of the rules it correlates, as written. */
  rules: string[];
  /** Field names (canonical) to group by. */
  groupBy: string[];
  timespanSeconds: number;
  compare: { op: CompareOp; value: number };
  /** value_count: the field whose distinct values are counted. */
  valueField: string | null;
  /** temporal_ordered extension: least matches of each referenced rule, in order (default 1). */
  minCounts: number[];
  /** Whether the referenced rules also raise findings of their own. */
  generate: boolean;
}

export type Rule = DetectionRule | CorrelationRule;

export const LEVEL_SEVERITY: Record<SigmaLevel, number> = {
  informational: 1,
  low: 2.5,
  medium: 5,
  high: 7.5,
  critical: 9,
};

export const DEFAULT_FINDING_TYPE = 'Custom:Host/Rule';

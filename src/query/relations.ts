// What a pipe query reads: flows (the default: `flow_records`, flows plus coverage-gap rows) or
// log events (`events`), chosen by a first `source events` (or a bare `events`) command. Each
// relation has its own field table; the row cap, the sandbox and the timeout are the same.

import { allEventFieldNames, lookupEventField } from './event-fields.ts';
import { allFieldNames, lookupField, type FieldDef } from './fields.ts';

export interface Relation {
  /** The table or view in SQL: one of our constants, never user text. */
  from: string;
  lookup(name: string): FieldDef | undefined;
  names(): string[];
}

export const RELATION_NAMES = ['flows', 'events'] as const;
export type RelationName = (typeof RELATION_NAMES)[number];

export const RELATIONS: Readonly<Record<RelationName, Relation>> = {
  flows: { from: 'flow_records', lookup: lookupField, names: allFieldNames },
  events: { from: 'events', lookup: lookupEventField, names: allEventFieldNames },
};

export function isRelationName(name: string): name is RelationName {
  return (RELATION_NAMES as readonly string[]).includes(name);
}

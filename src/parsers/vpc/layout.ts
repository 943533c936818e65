// A VPC layout compiled for the hot loop: one small opcode per column instead of a lookup by name.

import type { FlowIntExtra, FlowTextExtra } from '../../core/flow.ts';
import { DEFAULT_VPC_FORMAT, type VpcLayout } from './fields.ts';

export const OP_SRC_IP = 0;
export const OP_DST_IP = 1;
export const OP_SRC_PORT = 2;
export const OP_DST_PORT = 3;
export const OP_PROTOCOL = 4;
export const OP_PACKETS = 5;
export const OP_BYTES = 6;
export const OP_START = 7;
export const OP_END = 8;
export const OP_ACTION = 9;
export const OP_LOG_STATUS = 10;
export const OP_TCP_FLAGS = 11;
export const OP_DIRECTION = 12;
export const OP_TEXT = 13;
export const OP_ADDRESS_TEXT = 14;
export const OP_INT = 15;
export const OP_EXTRA = 16;

export interface CompiledLayout {
  readonly layout: VpcLayout;
  readonly ops: Uint8Array;
  /** Hyphenated name of each column, for reject reasons. */
  readonly names: readonly string[];
  readonly textColumns: readonly (FlowTextExtra | null)[];
  readonly intColumns: readonly (FlowIntExtra | null)[];
  /** `"name":` prefixes for the `extra` JSON, per column. */
  readonly extraKeys: readonly string[];
  readonly hasInterfaceId: boolean;
  /** Column of `tgw-attachment-id` (the observer of transit gateway rows), or -1. */
  readonly tgwAttachmentColumn: number;
  /** The default v2 format, which the parser reads with its straight-line fast path (fast-v2.ts). */
  readonly defaultV2: boolean;
  /** Text extras this layout may write: its text columns, `extra`, and `interface_id` (CloudWatch). */
  readonly textWrites: ReadonlySet<FlowTextExtra>;
}

export function compileLayout(layout: VpcLayout): CompiledLayout {
  const ops = new Uint8Array(layout.length);
  const textColumns: (FlowTextExtra | null)[] = [];
  const intColumns: (FlowIntExtra | null)[] = [];
  layout.forEach((col, i) => {
    textColumns.push(null);
    intColumns.push(null);
    const t = col.field?.target ?? { kind: 'extra' as const };
    switch (t.kind) {
      case 'ip':
        ops[i] = t.side === 'src' ? OP_SRC_IP : OP_DST_IP;
        break;
      case 'port':
        ops[i] = t.side === 'src' ? OP_SRC_PORT : OP_DST_PORT;
        break;
      case 'protocol':
        ops[i] = OP_PROTOCOL;
        break;
      case 'count':
        ops[i] = t.column === 'packets' ? OP_PACKETS : OP_BYTES;
        break;
      case 'time':
        ops[i] = t.column === 'start' ? OP_START : OP_END;
        break;
      case 'action':
        ops[i] = OP_ACTION;
        break;
      case 'log-status':
        ops[i] = OP_LOG_STATUS;
        break;
      case 'tcp-flags':
        ops[i] = OP_TCP_FLAGS;
        break;
      case 'direction':
        ops[i] = OP_DIRECTION;
        break;
      case 'text':
        ops[i] = t.address === true ? OP_ADDRESS_TEXT : OP_TEXT;
        textColumns[i] = t.column;
        break;
      case 'int':
        ops[i] = OP_INT;
        intColumns[i] = t.column;
        break;
      case 'extra':
        ops[i] = OP_EXTRA;
        break;
      default: {
        const never: never = t;
        throw new Error(`unknown field target ${JSON.stringify(never)}`);
      }
    }
  });
  return {
    layout,
    ops,
    names: layout.map((c) => c.name),
    textColumns,
    intColumns,
    extraKeys: layout.map((c) => `${JSON.stringify(c.name)}:`),
    hasInterfaceId: layout.some((c) => c.name === 'interface-id'),
    tgwAttachmentColumn: layout.findIndex((c) => c.name === 'tgw-attachment-id'),
    defaultV2:
      layout.length === DEFAULT_VPC_FORMAT.length && layout.every((c, i) => c.name === DEFAULT_VPC_FORMAT[i]),
    textWrites: new Set<FlowTextExtra>([
      'interface_id',
      ...textColumns.filter((c) => c !== null),
      ...(ops.includes(OP_EXTRA) ? (['extra'] as const) : []),
    ]),
  };
}

/** Whether two layouts name the same columns in the same order. */
export function sameLayout(a: VpcLayout, b: VpcLayout): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]?.name);
}

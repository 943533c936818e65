// What a parser emits besides flows: rejected input (for quarantine) and log events.

import type { CoverageGap, FlowBatch } from './flow.ts';

/** A malformed record: counted, quarantined with where and why, never thrown through the pipeline. */
export interface Rejection {
  file: string;
  /** 1-based line number, or the record/packet ordinal for binary inputs. */
  line: number;
  /** Short machine-readable reason, e.g. `field-count`, `bad-ip:srcaddr`, `bad-number:bytes`. */
  reason: string;
  /** The offending text (truncated to 4 KiB). */
  text: string;
}

export const MAX_REJECTED_TEXT = 4096;

/** Everything a parser produced for one chunk of input. */
export interface ParseOutput {
  batches: FlowBatch[];
  gaps: CoverageGap[];
  rejections: Rejection[];
  /** Log events, from the event formats (sshd, web access, Sakura router lines); absent for flow formats. */
  events?: LogEvent[];
}

export type EventKind = 'auth' | 'http' | 'firewall' | 'dns' | 'other';

/** A log event (sshd, web access, firewall...). Lower volume than flows, so a plain object. */
export interface LogEvent {
  /** Unix epoch seconds. */
  time: number;
  kind: EventKind;
  /** success | failure | invalid_user | blocked | <http status class> ... */
  outcome: string;
  src_ip: string | null;
  src_port: number | null;
  dst_ip: string | null;
  dst_port: number | null;
  user: string | null;
  message: string;
  source: string;
  /** Host that logged the event (syslog host name), used as the resource. */
  host: string | null;
  fields: Record<string, string | number>;
}

// Small helpers shared by the flow detectors.

import { ACTION_REJECT, type FlowBatch } from '../core/flow.ts';

/**
 * A failed-looking attempt: rejected, or a TCP exchange too small to carry data (SYN, SYN+RST,
 * or a lone SYN-ACK/RST), or a lone UDP/ICMP packet. Scanners produce these; working clients do not.
 */
export function isFailedAttempt(b: FlowBatch, i: number): boolean {
  if (b.action[i] === ACTION_REJECT) return true;
  const p = b.packets[i]!;
  const bytes = b.bytes[i]!;
  if (Number.isNaN(p) || Number.isNaN(bytes)) return false;
  if (b.proto[i] === 6) return p <= 3 && bytes <= 60 * p + 20;
  return p <= 1;
}

/** Lower is better: deterministic tie-breaking between addresses by key. */
export function pickLower(a: number, b: number): number {
  return a < b ? a : b;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// What an event parser (sshd, web access, Sakura router...) emits for one chunk of input: log
// events plus the rejected lines. Flow parsers use ParseOutput instead.

import type { LogEvent, Rejection } from './records.ts';

export interface EventOutput {
  events: LogEvent[];
  rejections: Rejection[];
}

export function emptyEventOutput(): EventOutput {
  return { events: [], rejections: [] };
}

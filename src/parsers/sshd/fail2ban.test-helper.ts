// Reads fail2ban's sample log files: each `# failJSON: {...}` comment labels the line after it.

import { readFileSync } from 'node:fs';

export interface LabelledLine {
  text: string;
  match: boolean;
  host: string | null;
}

export function readFailJson(path: string): LabelledLine[] {
  const out: LabelledLine[] = [];
  let label: { match: boolean; host: string | null } | null = null;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^# failJSON: (.*)$/.exec(line);
    if (m) {
      try {
        const j = JSON.parse(m[1]!) as { match?: unknown; host?: unknown };
        label = { match: j.match === true, host: typeof j.host === 'string' ? j.host : null };
      } catch {
        label = null;
      }
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    if (label) out.push({ text: line, ...label });
    label = null;
  }
  return out;
}

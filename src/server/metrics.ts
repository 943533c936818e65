// Prometheus metrics: counters the server moves (requests, logins) plus gauges read at scrape
// time (findings by severity band and status, store size). Text exposition format 0.0.4.

import type { MetricsSink } from '../api/route.ts';

const HELP: Record<string, string> = {
  sakura_guard_http_requests_total: 'HTTP requests answered, by route and status code',
  sakura_guard_logins_total: 'Sign-in attempts by outcome',
  sakura_guard_rate_limited_total: 'Requests refused by the per-address rate limit',
};

export interface Gauge {
  name: string;
  help: string;
  /** Figures read at scrape time are gauges unless they only ever grow. */
  type?: 'gauge' | 'counter';
  values: { labels: Record<string, string>; value: number }[];
}

function labelText(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${keys.map((k) => `${k}="${esc(labels[k] ?? '')}"`).join(',')}}`;
}

export class Metrics implements MetricsSink {
  private readonly counters = new Map<string, Map<string, number>>();
  private readonly gauges: () => Promise<Gauge[]>;

  constructor(gauges: () => Promise<Gauge[]>) {
    this.gauges = gauges;
  }

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    let series = this.counters.get(name);
    if (!series) this.counters.set(name, (series = new Map()));
    const key = labelText(labels);
    series.set(key, (series.get(key) ?? 0) + by);
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    for (const [name, series] of [...this.counters].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${HELP[name] ?? name}`, `# TYPE ${name} counter`);
      for (const [labels, v] of series) lines.push(`${name}${labels} ${v}`);
    }
    for (const g of await this.gauges()) {
      lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} ${g.type ?? 'gauge'}`);
      for (const v of g.values) lines.push(`${g.name}${labelText(v.labels)} ${v.value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

// Posture findings as runtime signals: an exposed sensitive port (SSH, RDP, remote administration,
// database) that the internet actually reached becomes a `Policy:Host/ExposedSensitivePort` signal
// for each of our addresses the flows went to, so the findings stage joins it with the runtime
// findings of the same host. Only findings the traffic join marked "reached" qualify: a config file
// alone does not say which host it describes.

import { ipText, parseIp } from '../../core/ip.ts';
import type { Signal } from '../../findings/finding.ts';
import type { AuditReport } from '../audit.ts';
import { servicesIn } from '../net.ts';
import type { AuditFinding, Severity } from '../types.ts';

export const POSTURE_SIGNAL_TYPE = 'Policy:Host/ExposedSensitivePort';

/** Severity on the product's 1.0–10.0 scale, in the band of the audit severity. */
const NUMERIC: Record<Severity, number> = { info: 1.0, low: 3.0, medium: 5.0, high: 8.0, critical: 9.0 };

const SENSITIVE = new Set(['ssh', 'rdp', 'admin', 'database']);

function sensitivePorts(f: AuditFinding): number[] {
  const e = f.exposure;
  if (!e || e.direction !== 'ingress') return [];
  const r = e.ports ?? { from: 0, to: 65535 };
  return servicesIn(r.from, r.to)
    .filter((s) => SENSITIVE.has(s.category))
    .map((s) => s.port);
}

export function postureSignals(report: AuditReport): Signal[] {
  const t = report.traffic;
  if (!t) return [];
  const out: Signal[] = [];
  for (const f of report.findings) {
    if (f.suppression || f.observed?.kind !== 'reached') continue;
    const ports = sensitivePorts(f);
    if (ports.length === 0) continue;
    const o = f.observed;
    // Only addresses that parse go into the signal (and its query text).
    for (const raw of o.resources) {
      const addr = parseIp(raw);
      if (!addr) continue;
      const ip = ipText(addr.v4, addr.v6);
      const portList = ports.join(', ');
      out.push({
        type: POSTURE_SIGNAL_TYPE,
        severity: NUMERIC[f.severity],
        resource: { ip, id: null },
        actor: { ip: o.topSource, port: null },
        // One finding per host and exposure: the top source changes from window to window.
        actorInIdentity: false,
        role: 'target',
        discriminator: `${f.checkId}:${f.file}:${f.resource}`,
        title: `${ip} exposes port ${portList} to the internet and was reached`,
        description:
          `${f.message}. ${o.acceptedFromPublic} accepted flow(s) from ${o.distinctSources} public source(s) ` +
          `reached it in ${o.window} (${f.file}:${f.line}).`,
        threshold: 0,
        observed: o.acceptedFromPublic,
        windowStart: t.window.start,
        windowEnd: t.window.end,
        sample: (f.snippet ?? '').split('\n').slice(0, 20),
        query:
          `SELECT * FROM flows WHERE dst_ip = '${ip}' AND dst_port IN (${portList}) AND action = 'accept' ` +
          `AND epoch("time") BETWEEN ${t.window.start} AND ${t.window.end} ORDER BY "time"`,
        firstSeen: t.window.start,
        lastSeen: t.window.end,
        detail: { checkId: f.checkId, file: f.file, line: f.line, resource: f.resource },
        detector: 'posture-audit',
      });
    }
  }
  return out;
}

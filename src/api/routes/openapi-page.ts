// A browsable page of the OpenAPI document: plain server-rendered HTML, no script (the CSP
// allows none from elsewhere), one row per operation with who may call it.

interface Operation {
  summary?: string;
  description?: string;
}

const escape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function openApiPage(doc: Record<string, unknown>, jsonPath: string): string {
  const paths = (doc['paths'] ?? {}) as Record<string, Record<string, Operation>>;
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      rows.push(
        `<tr><td>${escape(method.toUpperCase())}</td><td><code>${escape(path)}</code></td>` +
          `<td>${escape(op.summary ?? '')}</td><td>${escape((op.description ?? '').replace(/`/g, ''))}</td></tr>`,
      );
    }
  }
  const info = (doc['info'] ?? {}) as { title?: string; version?: string };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(info.title ?? 'API')}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>${escape(info.title ?? 'API')} ${escape(info.version ?? '')}</h1>
<p>The machine-readable document: <a href="${escape(jsonPath)}">${escape(jsonPath)}</a> (OpenAPI 3.1).</p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>who</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></body></html>
`;
}

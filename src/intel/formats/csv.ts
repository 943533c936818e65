// CSV lists (OTX/AlienVault exports, abuse.ch feeds, spreadsheets). The IP column is found by
// its header name, else by content (the column whose values are most often IPs). A column named
// like "type" filters rows: rows whose type is not an IP kind (domain, URL, hash) are skipped,
// not rejected. A `#` comment line just before the data that holds commas is taken as the header
// (abuse.ch writes `# "first_seen_utc","dst_ip",…`).

import { parseIp } from '../../core/ip.ts';
import { ListCollector, eachLine, type ParsedList } from '../entry.ts';

const IP_HEADER =
  /^(ip|ips|ip[ _-]?address|ipv4|ipv6|address|addr|cidr|network|indicator|value|dst[ _-]?ip|src[ _-]?ip|ioc)$/i;
const TYPE_HEADER = /(^|[ _-])type$/i;
const IP_TYPE = /^(ip|ipv4|ipv6|ip[ _-]?address|ipv4-addr|ipv6-addr|cidr|netblock|ip-src|ip-dst)$/i;

/** Splits one CSV line (RFC 4180 quoting; `,` `;` or tab separated); null on an unterminated quote. */
export function splitCsvLine(line: string, sep: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (true) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value.trim());
      const next = line.indexOf(sep, i);
      i = next < 0 ? line.length + 1 : next + 1;
    } else {
      const next = line.indexOf(sep, i);
      const end = next < 0 ? line.length : next;
      out.push(line.slice(i, end).trim());
      i = end + 1;
    }
  }
  return out;
}

const looksLikeIp = (v: string): boolean => parseIp(v.split('/', 1)[0]!.trim()) !== null;

function pickSeparator(lines: string[]): string {
  let best = ',';
  let bestCount = -1;
  for (const sep of [',', ';', '\t']) {
    const count = lines.reduce((n, l) => n + l.split(sep).length - 1, 0);
    if (count > bestCount) {
      best = sep;
      bestCount = count;
    }
  }
  return best;
}

export function parseCsvList(text: string, file: string): ParsedList {
  const c = new ListCollector(file);
  const rows: { fields: string[] | null; lineNo: number; line: string }[] = [];
  let lastComment: string | null = null;
  let commentHeader: string | null = null;
  eachLine(text, c, (line, lineNo) => {
    const t = line.trim();
    if (t === '') return;
    if (t.startsWith('#')) {
      lastComment = t.replace(/^#+\s*/, '');
      return;
    }
    if (rows.length === 0 && lastComment !== null && lastComment.includes(',')) commentHeader = lastComment;
    rows.push({ fields: null, lineNo, line });
  });
  if (rows.length === 0) return c.result('csv');
  const sep = pickSeparator(rows.slice(0, 20).map((r) => r.line));
  for (const r of rows) r.fields = splitCsvLine(r.line, sep);

  // Header: the comment header, else the first row when none of its cells is an IP.
  let header: string[] | null = commentHeader === null ? null : splitCsvLine(commentHeader, sep);
  let data = rows;
  const first = rows[0]!.fields;
  if (header === null && first !== null && !first.some(looksLikeIp)) {
    header = first;
    data = rows.slice(1);
  }
  const width = Math.max(1, ...data.slice(0, 200).map((r) => r.fields?.length ?? 0));
  let ipCol = header ? header.findIndex((h) => IP_HEADER.test(h)) : -1;
  if (ipCol < 0) {
    // By content: the column most often holding an IP in the first rows.
    let bestHits = 0;
    for (let col = 0; col < width; col++) {
      const hits = data.slice(0, 200).filter((r) => looksLikeIp(r.fields?.[col] ?? '')).length;
      if (hits > bestHits) {
        bestHits = hits;
        ipCol = col;
      }
    }
  }
  const typeCol = header ? header.findIndex((h, i) => i !== ipCol && TYPE_HEADER.test(h)) : -1;
  if (ipCol < 0) {
    for (const r of data) c.reject(r.lineNo, 'no-ip-column', r.line);
    return c.result('csv');
  }
  for (const r of data) {
    if (r.fields === null) {
      c.reject(r.lineNo, 'bad-csv', r.line);
      continue;
    }
    if (typeCol >= 0) {
      const type = r.fields[typeCol] ?? '';
      if (!IP_TYPE.test(type)) {
        c.skip(`indicator-type:${type.toLowerCase() || 'empty'}`);
        continue;
      }
    }
    const value = r.fields[ipCol];
    if (value === undefined || value === '') {
      c.reject(r.lineNo, 'missing-ip', r.line);
      continue;
    }
    c.add(value, r.lineNo, r.line);
  }
  return c.result('csv');
}

// The TorDNSEL `exit-addresses` list: one block per relay (ExitNode, Published, LastStatus, then
// one or more `ExitAddress <ip> YYYY-MM-DD HH:MM:SS`). Bare IP lines (the bulk exit list) are
// accepted too, so a file that mixes both still loads.

import { parseIp } from '../../core/ip.ts';
import { ListCollector, eachLine, stripComment, type ParsedList } from '../entry.ts';

const KNOWN = new Set(['ExitNode', 'Published', 'LastStatus']);

export function parseTorList(text: string, file: string): ParsedList {
  const c = new ListCollector(file);
  eachLine(text, c, (line, lineNo) => {
    const body = line.trim().startsWith('#') ? '' : line.trim();
    if (body === '') return;
    const [keyword, value] = body.split(/\s+/, 2);
    if (keyword === 'ExitAddress') {
      if (value === undefined) return c.reject(lineNo, 'missing-address', line);
      c.add(value, lineNo, line);
      return;
    }
    if (keyword !== undefined && KNOWN.has(keyword)) return;
    const bare = stripComment(body);
    if (parseIp(bare.split('/', 1)[0]!) !== null) {
      c.add(bare, lineNo, line);
      return;
    }
    c.reject(lineNo, 'unknown-keyword', line);
  });
  return c.result('tor');
}

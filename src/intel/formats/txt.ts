// Plain lists: one IP or CIDR per line, `#` and `;` comments (whole-line or trailing), blank
// lines, mixed IPv4/IPv6. Anything after the first token (a date, a score) is ignored. Also the
// form of the Tor bulk exit list and other plain relay lists.

import { ListCollector, eachLine, stripComment, type ParsedList } from '../entry.ts';

export function parseTxtList(text: string, file: string): ParsedList {
  const c = new ListCollector(file);
  eachLine(text, c, (line, lineNo) => {
    const body = stripComment(line);
    if (body === '') return;
    const token = body.split(/[\s,]+/, 1)[0]!;
    c.add(token, lineNo, line);
  });
  return c.result('txt');
}

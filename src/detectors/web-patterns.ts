// What a web request looks like when it is an attack probe: the categories of web-attack.ts and
// the patterns that put a request in them. Applied to the decoded request target (path and
// query), and for injection strings also to the user agent and referer, which attackers use too.

export type WebCategory =
  'sqli' | 'xss' | 'path-traversal' | 'sensitive-file' | 'jndi' | 'cms-probe' | 'scanner' | 'http-auth';

export const WEB_CATEGORIES: readonly WebCategory[] = [
  'sqli',
  'xss',
  'path-traversal',
  'sensitive-file',
  'jndi',
  'cms-probe',
  'scanner',
  'http-auth',
];

const TARGET_PATTERNS: [WebCategory, RegExp][] = [
  [
    'sqli',
    /\bunion(?:\s|\/\*.*?\*\/)+(?:all(?:\s|\/\*.*?\*\/)+)?select\b|information_schema|\bselect\b.+\bfrom\b|\b(?:sleep|benchmark|extractvalue|updatexml)\s*\(|\bwaitfor\s+delay\b|'\s*(?:or|and)\s*'?\d*'?\s*=\s*'?\d*|\bor\s+1\s*=\s*1\b|(?:--|#)\s*$/i,
  ],
  [
    'xss',
    /<\s*\/?\s*(?:script|svg|iframe|img|body)\b|javascript:|\bon(?:error|load|mouseover|focus)\s*=|\balert\s*\(|document\.cookie/i,
  ],
  [
    'path-traversal',
    /(?:\.\.[/\\]){1,}|\/etc\/(?:passwd|shadow|hosts)\b|\b(?:win|boot)\.ini\b|\/proc\/self\/|c:\\windows/i,
  ],
  [
    'sensitive-file',
    /\/\.(?:env|git|svn|hg|htpasswd|htaccess|bash_history|bashrc|ssh|aws|docker|ds_store)\b|\/wp-config\.php|\/(?:phpinfo|info)\.php|\/server-status|\/(?:backup|dump|db|database)\.(?:sql|zip|tar|gz)\b|\.(?:sql|bak|old|swp)$/i,
  ],
  [
    'cms-probe',
    /\/wp-(?:content\/plugins|admin|login\.php|includes)|\/xmlrpc\.php|\/phpmyadmin|\/administrator\/|\/cgi-bin\//i,
  ],
];

const JNDI = /\$\{\s*(?:jndi|\$\{|lower:|upper:|env:|::-)/i;

const SCANNER_AGENTS =
  /\b(?:nikto|sqlmap|nmap|masscan|zgrab|dirbuster|dirb|gobuster|wpscan|nuclei|acunetix|nessus|openvas|w3af|whatweb|feroxbuster|ffuf|jaeles|zmeu|morfeus|fimap|havij|netsparker|arachni|skipfish|httpx|censysinspect|wfuzz)\b/i;

/** Percent-decodes (twice, for double encoding) and turns `+` into a space; bad escapes stay as they are. */
export function decodeTarget(target: string): string {
  let s = target.replace(/\+/g, ' ');
  for (let i = 0; i < 2 && s.includes('%'); i++) {
    s = s.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  return s;
}

export interface WebRequest {
  target: string;
  userAgent: string | null;
  referer: string | null;
  status: number;
}

/** The categories a request falls in (empty for an ordinary request). */
export function classifyRequest(r: WebRequest): WebCategory[] {
  const out: WebCategory[] = [];
  const target = decodeTarget(r.target);
  for (const [category, re] of TARGET_PATTERNS) {
    // A CMS path that answered 2xx/3xx is that site's own CMS, not a probe.
    if (category === 'cms-probe' && r.status < 400) continue;
    if (re.test(target)) out.push(category);
  }
  if (JNDI.test(target) || JNDI.test(r.userAgent ?? '') || JNDI.test(r.referer ?? '')) out.push('jndi');
  if (r.userAgent !== null && SCANNER_AGENTS.test(r.userAgent)) out.push('scanner');
  // A failed HTTP authentication (access-log 401, nginx error-log auth failure): brute force in numbers.
  if (r.status === 401) out.push('http-auth');
  return out;
}

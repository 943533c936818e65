// Regex helpers for parse, like and =~: Logs Insights spellings -> RE2 (DuckDB's engine).

/** RE2 spells named groups `(?P<name>…)`; Logs Insights users write `(?<name>…)`. */
export function toRe2(pattern: string): string {
  return pattern.replace(/\(\?<(?=[A-Za-z_])/g, '(?P<');
}

/** Names of the named groups of a regex (`(?<name>…)` or `(?P<name>…)`), in order. */
export function regexGroupNames(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
}

/** Glob with `*` -> unanchored RE2 regex: literal text escaped, `*` lazy, a trailing `*` greedy. */
export function globToRegex(glob: string): string {
  const parts = glob.split('*').map((p) => p.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'));
  return parts
    .map((p, i) => (i === 0 ? p : `${i === parts.length - 1 && p === '' ? '(.*)' : '(.*?)'}${p}`))
    .join('');
}

/** 1-based capture-group index of each named group of a regex. */
export function captureGroups(pattern: string): Map<string, number> {
  const index = new Map<string, number>();
  let n = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      const rest = pattern.slice(i + 1);
      const named = /^\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) index.set(named[1]!, ++n);
      else if (!rest.startsWith('?')) n++;
    }
  }
  return index;
}

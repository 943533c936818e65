// Shell-style globs over finding types ("Recon:*", "*BruteForce"): `*` any run, `?` one character.

export function globToRegExp(glob: string): RegExp {
  let re = '^';
  for (const c of glob) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 'i');
}

export function globMatches(glob: string, text: string): boolean {
  return globToRegExp(glob).test(text);
}
